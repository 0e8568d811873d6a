// The four ways of reading the stream. Each connects as an inbound client (auth, subscribe), counts
// every event it is handed, and stops the meter at the end-of-stream event.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../../src/config/index.js';
import { startController } from '../../src/controller/main.js';
import { showChannelsJson } from '../../src/esl/commands.js';
import { EslConnection } from '../../src/esl/connection.js';
import { silentLogger } from '../../src/log.js';
import { STAR0_SUBCLASS } from '../../src/runtime/escalation.js';
import type { Meter } from './meter.js';
import { END_SUBCLASS } from './stream.js';

const HOST = '127.0.0.1';
const PASSWORD = 'ClueCon';

export type Details = Record<string, number | string>;

type EslLiteModule = typeof import('esl-lite');

/** esl-lite's FreeSwitchClient from `entry` (the pristine copy) or from node_modules (patched). */
export async function consumeEslLite(meter: Meter, port: number, entry?: string): Promise<() => Details> {
  const lite: EslLiteModule =
    entry === undefined ? await import('esl-lite') : await import(pathToFileURL(entry).href);
  const client = new lite.FreeSwitchClient({ host: HOST, port, password: PASSWORD, logger: silentLogger() });
  client.on('ALL', (event: { body: { data: Record<string, unknown> } }) => {
    meter.event();
    if (event.body.data['Event-Subclass'] === END_SUBCLASS) meter.end();
  });
  return () => ({
    reconnects: Number(client.stats.authRequest) - 1,
    bodyParseErrors: Number(client.stats.bodyParseErrors),
    missingEventName: Number(client.stats.missingEventName),
    missingContentType: Number(client.stats.missingContentType),
  });
}

/** The parts of modesl 1.2.1 used here (it ships no types). */
interface ModeslEvent {
  type?: string;
  getHeader(name: string): string | undefined;
}
interface ModeslConnection {
  on(name: string, listener: (event: ModeslEvent) => void): void;
  events(type: 'json', events: string, cb?: () => void): void;
}
type ModeslModule = {
  Connection: new (host: string, port: number, password: string, ready: () => void) => ModeslConnection;
};

export async function consumeModesl(meter: Meter, port: number): Promise<() => Details> {
  const modesl = createRequire(import.meta.url)('modesl') as ModeslModule;
  let errors = 0;
  const connection: ModeslConnection = new modesl.Connection(HOST, port, PASSWORD, () => {
    connection.events('json', 'all');
  });
  connection.on('error', () => {
    errors++;
  });
  connection.on('esl::event::**', (event) => {
    if (event.type === undefined) return; // command replies
    meter.event();
    if (event.type === 'CUSTOM' && event.getHeader('Event-Subclass') === END_SUBCLASS) meter.end();
  });
  return () => ({ errors });
}

/**
 * Waits until the work the stream caused is done: sessions started and the commands they sent answered.
 * Commands are answered in order, so once a probe's reply comes back with no other command sent in the
 * meantime, nothing is left in flight.
 */
async function settle(connection: EslConnection, commandsSent: () => number): Promise<void> {
  const probe = showChannelsJson();
  if (!probe.ok) return;
  for (;;) {
    const before = commandsSent();
    await connection.api(probe.command, { timeoutMs: 30_000 });
    if (commandsSent() === before) return;
  }
}

/**
 * dynconf: EslConnection (framing, decoding), and with `runtime` the whole pipeline behind it: the
 * controller's runtime (routing to sessions, machine transitions, the commands they send back), timed
 * until that work has settled.
 */
export async function consumeDynconf(
  meter: Meter,
  port: number,
  options: { runtime: boolean },
): Promise<() => Details> {
  const parsed = parseConfig({
    eventSocket: { host: HOST, port, password: PASSWORD },
    adminPins: ['8642097531'],
    http: { port: 0 },
  });
  if (!parsed.ok) throw new Error(`bench configuration: ${JSON.stringify(parsed.issues)}`);
  const logger = silentLogger();
  const connection = new EslConnection({
    host: HOST,
    port,
    password: PASSWORD,
    logger,
    customSubclasses: [STAR0_SUBCLASS],
  });
  const controller = options.runtime
    ? startController({ config: parsed.config, logger, connection })
    : undefined;
  connection.onEvent((event) => {
    meter.event();
    if (event.type === 'custom' && event.subclass === END_SUBCLASS) {
      if (controller === undefined) meter.end();
      else void settle(connection, () => controller.stats().commands.sent).then(() => meter.end());
    }
  });
  connection.start();
  return () => {
    const counters = connection.counters();
    const { events } = counters;
    // Events dynconf does not use are dropped by the decoder before any listener: count them there.
    meter.recount(events.decoded + events.ignored + events.unknown + events.malformed);
    const details: Details = {
      decoded: events.decoded,
      ignored: events.ignored,
      unknown: events.unknown,
      malformed: events.malformed,
    };
    if (controller === undefined) return details;
    const stats = controller.stats();
    return {
      ...details,
      commandsSent: stats.commands.sent,
      sessionsStarted: stats.sessionsStarted,
      sessionErrors: stats.sessionErrors,
      activeSessions: stats.activeSessions,
    };
  };
}
