// What feeds the metrics without the components knowing about them: the event socket's events and state
// changes, every command sent through an instrumented port, and the runtime's own running totals.

import type { EslCommandPort } from '../esl/command-port.js';
import type { StateChange } from '../esl/connection.js';
import type { DynconfEvent } from '../esl/events.js';
import type { CommandError } from '../esl/result.js';
import type { CommandResult, DynconfMetrics } from './metrics.js';

/** The command side of the event socket. */
export type CommandPort = EslCommandPort;

/** The same port, timing every command into `dynconf_command_duration_seconds`. */
export function instrumentCommands(port: CommandPort, metrics: DynconfMetrics): CommandPort {
  const timed = async <R extends { ok: boolean; error?: CommandError }>(
    name: string,
    kind: 'api' | 'bgapi' | 'sendmsg',
    send: () => Promise<R>,
  ): Promise<R> => {
    const started = performance.now();
    let result: CommandResult = 'error';
    try {
      const reply = await send();
      result = resultOf(reply);
      return reply;
    } finally {
      metrics.commandDuration(name, kind, result, (performance.now() - started) / 1000);
    }
  };
  return {
    api: (command, options) => timed(command.name, 'api', () => port.api(command, options)),
    bgapi: (command, options) => timed(command.name, 'bgapi', () => port.bgapi(command, options)),
    execute: (uuid, app, options) => timed(app.app, 'sendmsg', () => port.execute(uuid, app, options)),
  };
}

function resultOf(reply: { ok: boolean; error?: CommandError }): CommandResult {
  if (reply.ok) return 'ok';
  const kind = reply.error?.kind;
  return kind === 'rejected' ? 'rejected' : kind === 'timeout' ? 'timeout' : 'error';
}

/** What the connection offers to watch. */
export interface WatchedConnection {
  onEvent(listener: (event: DynconfEvent) => void): () => void;
  onStateChange(listener: (change: StateChange) => void): () => void;
}

/**
 * Event lag (FreeSWITCH's `Event-Date-Timestamp`, µs since the epoch, to now) and reconnects of node
 * `node` (`host:port`). The lag also holds any clock difference between the two hosts: run NTP on both.
 * Returns the unsubscribe function.
 */
export function watchConnection(
  connection: WatchedConnection,
  metrics: DynconfMetrics,
  node: string,
  now: () => number = Date.now,
): () => void {
  const offEvent = connection.onEvent((event) => {
    const stamp = eventTimestamp(event);
    if (stamp !== undefined) metrics.eventLag((now() * 1000 - stamp) / 1e6);
  });
  const offState = connection.onStateChange((change) => {
    if (change.state === 'connected' && change.previous === 'reconnecting') metrics.reconnect(node);
  });
  return () => {
    offEvent();
    offState();
  };
}

function eventTimestamp(event: DynconfEvent): number | undefined {
  const text =
    event.type === 'background-job'
      ? undefined
      : event.type === 'custom'
        ? event.header('Event-Date-Timestamp')
        : event.channel?.header('Event-Date-Timestamp');
  if (text === undefined || !/^\d{1,20}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The runtime's running totals (`Runtime.stats()`), the part metrics read. */
export interface RuntimeTotals {
  readonly pinWrong: number;
  readonly pinGuard: {
    readonly callerLockouts: number;
    readonly globalLockouts: number;
    readonly refused: number;
  };
  /** Recovery totals (absent where a source does not keep them). */
  readonly recoveries?: number;
  readonly sessionsRestored?: number;
  readonly orphansHungUp?: number;
  /** Callers turned away because the controller was overloaded. */
  readonly overloadRefusals?: number;
}

/**
 * Brings the PIN counters up to date from the runtime's totals before each scrape (the runtime counts them
 * already; this only forwards what grew since the last scrape). Returns the unsubscribe function.
 */
export function followRuntimeTotals(read: () => RuntimeTotals, metrics: DynconfMetrics): () => void {
  let last = {
    wrong: 0,
    caller: 0,
    global: 0,
    refused: 0,
    recoveries: 0,
    restored: 0,
    orphans: 0,
    overload: 0,
  };
  return metrics.beforeScrape(() => {
    const totals = read();
    const next = {
      wrong: totals.pinWrong,
      caller: totals.pinGuard.callerLockouts,
      global: totals.pinGuard.globalLockouts,
      refused: totals.pinGuard.refused,
      recoveries: totals.recoveries ?? 0,
      restored: totals.sessionsRestored ?? 0,
      orphans: totals.orphansHungUp ?? 0,
      overload: totals.overloadRefusals ?? 0,
    };
    metrics.pinFailure(next.wrong - last.wrong);
    metrics.lockout('caller', next.caller - last.caller);
    metrics.lockout('global', next.global - last.global);
    metrics.pinEntryRefused(next.refused - last.refused);
    metrics.recovery('recoveries', next.recoveries - last.recoveries);
    metrics.recovery('sessions_restored', next.restored - last.restored);
    metrics.recovery('orphans_hung_up', next.orphans - last.orphans);
    metrics.overloadRefusals(next.overload - last.overload);
    last = next;
  });
}
