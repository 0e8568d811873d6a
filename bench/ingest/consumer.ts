// Child process: one consumer reads the stream once and reports an IngestResult.
// argv: <kind> <port> <expectedEvents> <bytes> [pristine esl-lite entry]. IPC in: server-done.
import { consumeDynconf, consumeEslLite, consumeModesl, type Details } from './consumers.js';
import { type IngestResult, Meter } from './meter.js';

export const CONSUMERS = [
  'esl-lite (as shipped)',
  'esl-lite (dynconf fix)',
  'modesl',
  'dynconf EslConnection',
  'dynconf pipeline',
] as const;
export type ConsumerKind = (typeof CONSUMERS)[number];

export type ConsumerMessage = { type: 'result'; result: IngestResult } | { type: 'failed'; error: string };

const HARD_LIMIT_MS = 10 * 60_000;

async function main(): Promise<void> {
  const [kind, port, expected, bytes, entry] = process.argv.slice(2);
  const meter = new Meter(kind ?? '', Number(expected), Number(bytes));
  let details: () => Details;
  switch (kind as ConsumerKind) {
    case 'esl-lite (as shipped)':
      details = await consumeEslLite(meter, Number(port), entry);
      break;
    case 'esl-lite (dynconf fix)':
      details = await consumeEslLite(meter, Number(port));
      break;
    case 'modesl':
      details = await consumeModesl(meter, Number(port));
      break;
    case 'dynconf EslConnection':
      details = await consumeDynconf(meter, Number(port), { runtime: false });
      break;
    case 'dynconf pipeline':
      details = await consumeDynconf(meter, Number(port), { runtime: true });
      break;
    default:
      throw new Error(`unknown consumer ${kind}`);
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'server-done') meter.serverDone();
  });
  const limit = setTimeout(() => meter.serverDone(0), HARD_LIMIT_MS);
  await meter.finished();
  clearTimeout(limit);
  const message: ConsumerMessage = { type: 'result', result: meter.result(details()) };
  process.send?.(message, () => process.exit(0));
}

main().catch((err: unknown) => {
  const message: ConsumerMessage = {
    type: 'failed',
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
  process.send?.(message, () => process.exit(1));
});
