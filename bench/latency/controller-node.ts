// Child process: the dynconf controller on one simulator node, its connection wrapped by the timeline
// recorder (timed-connection.ts). On request it reads the reactions out of the timeline and forgets it.
import { parseConfig } from '../../src/config/index.js';
import { type Controller, startController } from '../../src/controller/controller.js';
import { EslConnection } from '../../src/esl/connection.js';
import { silentLogger } from '../../src/log.js';
import { STAR0_SUBCLASS } from '../../src/runtime/escalation.js';
import { type ReactionReport, readReactions, type TimelineEntry } from './reactions.js';
import { timedConnection } from './timed-connection.js';

export type LatencyControllerCommand =
  | { type: 'start'; port: number; pin: string }
  | { type: 'take-reactions' }
  | { type: 'exit' };

export type LatencyControllerMessage = { type: 'ready' } | { type: 'reactions'; report: ReactionReport };

const HOST = '127.0.0.1';
const PASSWORD = 'ClueCon';
const send = (message: LatencyControllerMessage) => process.send?.(message);

let controller: Controller | undefined;
const timeline: TimelineEntry[] = [];

async function start(port: number, pin: string): Promise<void> {
  const parsed = parseConfig({
    eventSocket: { host: HOST, port, password: PASSWORD },
    adminPins: [pin],
    routes: [{ name: 'extensions', pattern: '8[01][0-9]', dialString: 'user/{number}' }],
    http: { port: 0 },
  });
  if (!parsed.ok) throw new Error(`bench configuration: ${JSON.stringify(parsed.issues)}`);
  const logger = silentLogger();
  const inner = new EslConnection({
    host: HOST,
    port,
    password: PASSWORD,
    logger,
    customSubclasses: [STAR0_SUBCLASS],
  });
  controller = startController({
    config: parsed.config,
    logger,
    connection: timedConnection(inner, timeline),
  });
  inner.start();
  await controller.ready({ timeoutMs: 30_000 });
  send({ type: 'ready' });
}

process.on('message', (command: LatencyControllerCommand) => {
  switch (command.type) {
    case 'start':
      start(command.port, command.pin).catch((err: unknown) => {
        process.stderr.write(`controller: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      });
      break;
    case 'take-reactions':
      send({ type: 'reactions', report: readReactions(timeline) });
      timeline.length = 0;
      break;
    case 'exit':
      void controller?.stop().then(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
