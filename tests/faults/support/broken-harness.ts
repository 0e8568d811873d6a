// A fault harness whose restarted controllers hear FreeSWITCH through a filter: a deliberately broken
// controller (it loses some events after a restart), to show that the campaign's checks catch it. The rig
// is the ordinary one (faultHarness: simulator, first controller, virtual clock, log); only
// restartController differs: the new controller gets a connection made here (the same EslConnection the
// controller would make, src/controller/main.ts) wrapped so that the events the filter drops never reach it.
import type { Clock } from '../../../src/clock.js';
import { type ControllerConnection, startController } from '../../../src/controller/main.js';
import { EslConnection } from '../../../src/esl/connection.js';
import type { DynconfEvent } from '../../../src/esl/events.js';
import { createLogger } from '../../../src/log.js';
import { STAR0_SUBCLASS } from '../../../src/runtime/escalation.js';
import type { SessionView } from '../../../src/runtime/session.js';
import { ADMIN_PIN, type Harness, type HarnessOptions } from '../../e2e/support/harness.js';
import { phonesFor } from '../../support/phones.js';
import { faultHarness } from './campaign.js';

/** Whether the controller must not hear `event` (given its sessions now). */
export type EventFilter = (event: DynconfEvent, sessions: readonly SessionView[]) => boolean;

export interface BrokenHarness extends Harness {
  /** Events the filters kept from the controllers so far. */
  readonly dropped: readonly DynconfEvent[];
}

/**
 * faultHarness, but every controller restartController starts hears FreeSWITCH through
 * `afterRestart()` (a fresh filter for each one). The first controller hears everything.
 */
export async function brokenHarness(
  afterRestart: () => EventFilter,
  options: HarnessOptions = {},
): Promise<BrokenHarness> {
  const base = await faultHarness(options);
  const { sim, config, clock } = base;
  const dropped: DynconfEvent[] = [];
  // The controllers started here log into the harness's own log (the same array the first one writes).
  const logs = base.logs as string[];
  const logger = createLogger({
    level: 'debug',
    destination: {
      write: (line: string) => {
        logs.push(line);
      },
    },
  });
  let controller = base.controller;
  let connection: EslConnection | undefined;
  const phones = phonesFor({
    sim,
    sessions: () => controller.sessions(),
    accessNumber: config.accessNumber,
    pin: ADMIN_PIN,
    wait: (check, what, timeoutMs) => base.until(check, what, { timeoutMs }),
  });
  const closeConnection = async () => {
    const open = connection;
    connection = undefined;
    await open?.close();
  };
  const harness: BrokenHarness = {
    ...phones,
    sim,
    get controller() {
      return controller;
    },
    config,
    clock,
    logs,
    dropped,
    until: base.until,
    drive: base.drive,
    nextCollect: (call, wait = {}) => phones.nextCollect(call, wait.timeoutMs),
    sessionState: (adminUuid, state, wait = {}) => phones.sessionState(adminUuid, state, wait.timeoutMs),
    expectClean: (wait = {}) => phones.expectClean(wait.timeoutMs),
    async restartController({ crash = true, whileDown } = {}) {
      const old = controller;
      await base.drive(crash ? old.crash() : old.stop(), 'the controller to stop');
      // A connection made here is not closed by the controller: closed now, as a dying process's socket.
      await base.drive(closeConnection(), 'its event socket to close');
      await whileDown?.();
      const filter = afterRestart();
      const inner = eslConnection(config, clock, logger);
      connection = inner;
      let next: ReturnType<typeof startController> | undefined;
      const sessions = () => next?.sessions() ?? [];
      next = startController({
        config,
        logger,
        clock,
        connection: filtered(inner, filter, sessions, dropped),
      });
      controller = next;
      inner.start();
      await base.drive(next.ready(), 'the restarted controller to be ready');
      return next;
    },
    async close() {
      await base.drive(controller.stop(), 'the controller to stop');
      await base.drive(closeConnection(), 'its event socket to close');
      await base.close();
    },
  };
  return harness;
}

/** The connection startController would make for this configuration (src/controller/main.ts). */
function eslConnection(config: Harness['config'], clock: Clock, logger: ReturnType<typeof createLogger>) {
  return new EslConnection({
    host: config.eventSocket.host,
    port: config.eventSocket.port,
    password: config.eventSocket.password,
    logger,
    clock,
    customSubclasses: [STAR0_SUBCLASS],
    backoff: {
      initialMs: config.eventSocket.reconnect.initialDelayMs,
      maxMs: config.eventSocket.reconnect.maxDelayMs,
    },
  });
}

/** `inner`, with the events `drop` picks kept from every listener (and recorded in `dropped`). */
function filtered(
  inner: EslConnection,
  drop: EventFilter,
  sessions: () => readonly SessionView[],
  dropped: DynconfEvent[],
): ControllerConnection {
  return {
    get state() {
      return inner.state;
    },
    onEvent: (listener) =>
      inner.onEvent((event) => {
        if (drop(event, sessions())) {
          dropped.push(event);
          return;
        }
        listener(event);
      }),
    onStateChange: (listener) => inner.onStateChange(listener),
    start: () => inner.start(),
    close: () => inner.close(),
    api: (command, options) => inner.api(command, options),
    bgapi: (command, options) => inner.bgapi(command, options),
    execute: (uuid, app, options) => inner.execute(uuid, app, options),
  };
}

/** The administrator's `*` keys (on a leg some session is the administrator of), `limit` of them at most. */
export function adminStars(limit = Number.POSITIVE_INFINITY): () => EventFilter {
  return () => {
    let count = 0;
    return (event, sessions) => {
      if (count >= limit || event.type !== 'dtmf' || event.digit !== '*') return false;
      if (!sessions.some((s) => s.adminUuid === event.channel.uuid)) return false;
      count++;
      return true;
    };
  };
}

/** No event dropped: the same rig with an intact controller. */
export const nothing = (): EventFilter => () => false;
