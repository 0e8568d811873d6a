// Part 1: the same recorded stream, over loopback TCP from a separate server process, read by each
// consumer in a fresh process of its own (no shared JIT state or heap).
import { exited, forkBench, nextMessage } from '../child.js';
import { CONSUMERS, type ConsumerKind, type ConsumerMessage } from './consumer.js';
import type { IngestResult } from './meter.js';
import { preparePristineEslLite } from './pristine-esl-lite.js';
import type { ServerMessage } from './server.js';

export interface IngestOptions {
  readonly targetBytes: number;
  readonly lanes: number;
  /** Passes over the consumers (interleaved, so background load hits them alike); the best one counts. */
  readonly runs: number;
  /** Node flags for the dynconf consumer's first run only (e.g. --cpu-prof). */
  readonly dynconfNodeFlags: readonly string[];
  readonly progress: (line: string) => void;
}

export interface ConsumerReport {
  readonly consumer: ConsumerKind;
  /** The run with the highest throughput. */
  readonly best: IngestResult;
  readonly runs: readonly IngestResult[];
}

export interface IngestReport {
  readonly streamBytes: number;
  readonly streamEvents: number;
  readonly recordedFrames: number;
  readonly lanes: number;
  readonly consumers: readonly ConsumerReport[];
}

const isServer =
  <T extends ServerMessage['type']>(type: T) =>
  (m: unknown) =>
    (m as ServerMessage).type === type ? (m as Extract<ServerMessage, { type: T }>) : undefined;

export async function runIngest(options: IngestOptions): Promise<IngestReport> {
  const pristine = preparePristineEslLite();
  const server = forkBench('./ingest/server', [String(options.targetBytes), String(options.lanes)]);
  try {
    const ready = await nextMessage(server, isServer('ready'));
    options.progress(
      `ingest: ${(ready.bytes / 1e6).toFixed(0)} MB, ${ready.events} events (${ready.recordedFrames} recorded frames, ${options.lanes} lanes)`,
    );
    const runs = new Map<ConsumerKind, IngestResult[]>(CONSUMERS.map((kind) => [kind, []]));
    for (let run = 0; run < options.runs; run++) {
      for (const kind of CONSUMERS) {
        server.send({ type: 'rewind' });
        await nextMessage(server, isServer('rewound'));
        const flags = kind === 'dynconf pipeline' && run === 0 ? options.dynconfNodeFlags : [];
        const result = await consume(kind, server, ready, pristine.entry, flags);
        options.progress(
          `  ${kind}: ${result.mbPerSecond.toFixed(1)} MB/s, ${result.receivedEvents}/${result.expectedEvents} events`,
        );
        runs.get(kind)?.push(result);
      }
    }
    return {
      streamBytes: ready.bytes,
      streamEvents: ready.events,
      recordedFrames: ready.recordedFrames,
      lanes: options.lanes,
      consumers: CONSUMERS.map((consumer) => {
        const all = runs.get(consumer) ?? [];
        const best = all.reduce((a, b) => (b.mbPerSecond > a.mbPerSecond ? b : a));
        return { consumer, best, runs: all };
      }),
    };
  } finally {
    server.kill();
    await exited(server);
    pristine.remove();
  }
}

async function consume(
  kind: ConsumerKind,
  server: ReturnType<typeof forkBench>,
  stream: { port: number; events: number; bytes: number },
  pristineEntry: string,
  nodeFlags: readonly string[],
): Promise<IngestResult> {
  const args = [kind, String(stream.port), String(stream.events), String(stream.bytes), pristineEntry];
  const child = forkBench('./ingest/consumer', args, nodeFlags);
  const forwardDone = (m: unknown) => {
    if ((m as ServerMessage).type === 'done' && child.connected) child.send({ type: 'server-done' });
  };
  server.on('message', forwardDone);
  try {
    const message = await nextMessage(child, (m) => m as ConsumerMessage);
    if (message.type === 'failed') throw new Error(`${kind} consumer failed: ${message.error}`);
    await exited(child);
    return message.result;
  } finally {
    server.off('message', forwardDone);
    if (child.exitCode === null) child.kill();
  }
}
