// The dynconf controller for one FreeSWITCH node: its event-socket connection (inbound mode), the runtime that
// turns its events into administrator sessions, and a read-only view of those sessions.
import { type Clock, realClock } from '../clock.js';
import type { Config } from '../config/index.js';
import { showChannelsJson } from '../esl/commands.js';
import { type ConnectionState, EslConnection, type LinkStatus, type StateChange } from '../esl/connection.js';
import type { DynconfEvent } from '../esl/events.js';
import type { HistoryRecorder } from '../history/index.js';
import type { Logger } from '../log.js';
import { type DynconfMetrics, runtimeMetricsHooks } from '../metrics/index.js';
import type { EslPort } from '../runtime/commander.js';
import { STAR0_SUBCLASS } from '../runtime/escalation.js';
import type { OperatorDesk } from '../runtime/operator/index.js';
import { type DrainReport, type RecoveryReport, Runtime, type RuntimeStats } from '../runtime/runtime.js';
import type { Session, SessionView } from '../runtime/session.js';
import { eslBackoff } from './backoff.js';
import { watchLoopLag } from './loop-lag.js';

export interface ControllerConnection extends EslPort {
  readonly state: ConnectionState;
  onEvent(listener: (event: DynconfEvent) => void): () => void;
  onStateChange(listener: (change: StateChange) => void): () => void;
  /** Connected or not, since when, why not (EslConnection has it; a stand-in may not). */
  status?(): LinkStatus;
  start(): void;
  close(): Promise<void>;
}

export interface ControllerOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Time for deadlines and prompts (tests run it faster). Default: the wall clock. */
  readonly clock?: Clock;
  /** A connection made elsewhere (not closed by stop()). Default: a new EslConnection from the config. */
  readonly connection?: ControllerConnection;
  /** Count into these metrics (commands timed, how invitations end). Default: none. */
  readonly metrics?: DynconfMetrics;
  /** Record every session and invitation into this call history (not closed by stop()). Default: none. */
  readonly history?: HistoryRecorder;
  /** This node's name on the history's rows. Default: the event socket's `host:port`. */
  readonly nodeId?: string;
  /** How late the event loop runs (ms), for the overload guard. Default: measured, under the real clock. */
  readonly eventLoopLagMs?: () => number;
}

export interface Controller {
  readonly connection: ControllerConnection;
  /** What the operator side may see and do (the runtime's desk: its calls are the runtime's). */
  readonly operator: OperatorDesk;
  /**
   * Resolves once the event socket is connected and subscribed (a command round trip after the
   * subscriptions); rejects after `timeoutMs` (wall clock, default 10 s).
   */
  ready(options?: { timeoutMs?: number }): Promise<void>;
  /** Sessions in progress (and ended ones still letting go of their legs). */
  sessions(): SessionView[];
  stats(): RuntimeStats;
  /** Called with each session once it has ended and let go of every leg. */
  onSessionFinished(listener: (session: SessionView) => void): () => void;
  /**
   * Graceful shutdown, before stop(): no new session starts, and every call is left in a safe place
   * (Runtime.drain). Resolves once all are settled or after `timeoutMs` (clock ms, default 15 s).
   */
  drain(options?: { timeoutMs?: number }): Promise<DrainReport>;
  /** The last recovery (FreeSWITCH's state read at start and after each reconnect), once it is done. */
  recovered(): Promise<RecoveryReport | undefined>;
  /**
   * Stops the sessions (calls go on in FreeSWITCH) and closes a connection the controller opened. The
   * sessions' state stays on FreeSWITCH: a controller started later takes them over.
   */
  stop(): Promise<void>;
  /**
   * Test hook: the controller dies at once, as on SIGKILL: the socket is destroyed, every session and
   * timer dropped, nothing sent to FreeSWITCH (not even to a call in the middle of a move).
   */
  crash(): Promise<void>;
}

/** Default time a graceful shutdown waits for every call to reach a safe place (clock ms). */
export const DRAIN_TIMEOUT_MS = 15_000;

export function startController(options: ControllerOptions): Controller {
  const { config } = options;
  const clock = options.clock ?? realClock;
  const logger = options.logger.child({ module: 'controller' });
  const owned = options.connection === undefined;
  const connection: ControllerConnection =
    options.connection ??
    new EslConnection({
      host: config.eventSocket.host,
      port: config.eventSocket.port,
      password: config.eventSocket.password,
      logger: options.logger,
      clock,
      customSubclasses: [STAR0_SUBCLASS],
      backoff: eslBackoff(config.eventSocket.reconnect),
    });
  const hooks = runtimeMetricsHooks(options.metrics, connection, logger);
  // The overload guard reads how late the event loop runs, on the machine's own time only.
  const loopLag = options.eventLoopLagMs === undefined && clock === realClock ? watchLoopLag() : undefined;
  const eventLoopLagMs = options.eventLoopLagMs ?? (loopLag === undefined ? undefined : () => loopLag.read());
  const runtime = new Runtime({
    config,
    port: hooks.port,
    clock,
    logger,
    ...(eventLoopLagMs === undefined ? {} : { eventLoopLagMs }),
    ...(hooks.observe === undefined ? {} : { observe: hooks.observe }),
    ...(options.history === undefined
      ? {}
      : {
          history: {
            recorder: options.history,
            node: options.nodeId ?? `${config.eventSocket.host}:${config.eventSocket.port}`,
          },
        }),
  });
  runtime.onSessionFinished((session) => hooks.sessionEnded(session.id));
  const offEvent = connection.onEvent((event) => runtime.handle(event));
  // Every (re)connection starts with FreeSWITCH's own state: what a restart or a gap of events lost
  // (callers who reached the access number meanwhile are taken then). The connection itself logs the
  // outage, once when it starts and once when it ends.
  let recovery: Promise<RecoveryReport> | undefined;
  const offState = connection.onStateChange((change) => {
    if (change.state === 'connected' && change.previous === 'reconnecting') {
      recovery = runtime.recover('reconnect');
    } else if (change.state === 'connected') recovery ??= runtime.recover('start');
  });
  if (connection.state === 'connected') recovery = runtime.recover('start');
  if (owned) connection.start();
  let stopping: Promise<void> | undefined;
  const stop = (message: string) => {
    stopping ??= (async () => {
      offEvent();
      offState();
      runtime.stop();
      loopLag?.stop();
      if (owned) await connection.close();
      logger.info(message);
    })();
    return stopping;
  };

  return {
    connection,
    async ready({ timeoutMs = 10_000 } = {}) {
      await waitConnected(connection, timeoutMs);
      // Commands are answered in order: once this one is, every subscription sent before it is active.
      const probe = showChannelsJson();
      if (!probe.ok) return;
      const reply = await connection.api(probe.command, { timeoutMs });
      if (!reply.ok && reply.error.kind !== 'rejected') {
        throw new Error(`event socket not ready: ${reply.error.kind}`);
      }
      // Ready once the calls already on FreeSWITCH are taken over.
      await recovery;
    },
    operator: runtime.operator,
    sessions: () => runtime.sessions(),
    stats: () => runtime.stats(),
    onSessionFinished(listener) {
      return runtime.onSessionFinished((session: Session) => listener(session.view()));
    },
    drain: ({ timeoutMs = DRAIN_TIMEOUT_MS } = {}) => runtime.drain(timeoutMs),
    recovered: async () => recovery,
    stop: () => stop('controller stopped'),
    crash: () => stop('controller stopped abruptly (crash)'),
  };
}

function waitConnected(connection: ControllerConnection, timeoutMs: number): Promise<void> {
  if (connection.state === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`event socket not connected within ${timeoutMs} ms (state: ${connection.state})`));
    }, timeoutMs);
    const off = connection.onStateChange((change) => {
      if (change.state === 'connected') {
        clearTimeout(timer);
        off();
        resolve();
      } else if (change.state === 'closed') {
        clearTimeout(timer);
        off();
        reject(new Error('event socket closed'));
      }
    });
  });
}
