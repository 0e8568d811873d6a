// Shutting down (SIGTERM): every session leaves its call in a safe place, and a caller nobody will serve
// is handed to the dialplan's "service unavailable" fallback. The sessions left in their rooms keep their
// marks: a controller started later resumes them.
import type { Flow, SessionContext, SessionEvent } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { transferToExtension } from '../esl/commands.js';
import type { Logger } from '../log.js';
import type { Commander } from './commander.js';
import type { RuntimeCounters } from './counters.js';
import type { SessionWork } from './effects/host.js';
import type { ScopedTimers } from './timers.js';

/** Where the access number's dialplan sends a call nobody serves ("service unavailable"; dialplan/dynconf.xml). */
export const ACCESS_FALLBACK = { extension: 'dynconf_unavailable', context: 'dynconf' } as const;

/** What drain() left behind. */
export interface DrainReport {
  /** Sessions when the drain started. */
  readonly sessions: number;
  /** Sessions not in a safe place when the time ran out (0 when everything settled). */
  readonly unsettled: number;
}

export interface DrainHost extends SessionWork {
  readonly flow: Flow;
  readonly timers: ScopedTimers;
  machine(): { readonly state: string; readonly context: SessionContext; readonly active: boolean };
  /** The legs may not make this a session again (no marks left on them). */
  clearMarks(): void;
  /** Lets go of the session without waiting for its legs. */
  dispose(): void;
}

/**
 * Leaves one session's call in a safe place. PIN entry of flow 1 goes to the dialplan's "service
 * unavailable" fallback; flow 2 restores the two-party call; number entry and a ringing or voicemail
 * invitee: the administrator back in the room alone; a private talk: both into the room (`**`), except on
 * a trunk without answer supervision (the far end may still be ringing), where the invitee is hung up. A
 * session in the room stays as it is.
 */
export function drainSession(host: DrainHost): void {
  const { state, context, active } = host.machine();
  if (!active) return;
  const at = host.now();
  const key = (command: 'join-with-guest' | 'return-alone'): SessionEvent => ({
    type: 'key.command',
    at,
    command,
  });
  switch (state) {
    case 'authenticating':
      if (host.flow === 'escalation') host.send({ type: 'pin.entered', at, result: 'no-input' });
      else handOffToFallback(host);
      break;
    case 'dialing':
      host.send({ type: 'number.none', at });
      break;
    case 'invitation.ringing':
    case 'invitation.voicemail':
      host.send(key('return-alone'));
      break;
    case 'invitation.talking':
      host.send(
        key(context.invitation?.route.answerSupervision === false ? 'return-alone' : 'join-with-guest'),
      );
      break;
  }
}

/** Flow 1 PIN entry while the controller shuts down: the caller hears what the dialplan plays without it. */
function handOffToFallback(host: DrainHost): void {
  const { admin, logger } = host;
  host.clearMarks();
  host.legs.queue(admin).dropPending();
  host.timers.cancelAll();
  host.legs.enqueue(admin, 'handOff', async () => {
    const sent = await host.actions.api(transferToExtension(admin.uuid, ACCESS_FALLBACK));
    logger.info(
      { ok: sent.ok },
      'controller shutting down: caller handed to the dialplan fallback (service unavailable)',
    );
    host.dispose();
  });
}

/**
 * Shutting down: a new caller of the access number hears at once what the dialplan plays when no
 * controller is there ("service unavailable"). If the transfer fails, the dialplan's scheduled fallback
 * still runs.
 */
export async function refuseAccess(commander: Commander, logger: Logger, uuid: string): Promise<void> {
  const sent = await commander.api(transferToExtension(uuid, ACCESS_FALLBACK), logger);
  logger.info({ adminUuid: uuid, ok: sent.ok }, 'shutting down: access call handed to the dialplan fallback');
}

/** What the runtime's drain needs of a session. */
export interface DrainingSession {
  readonly id: string;
  readonly logger: Logger;
  /** Nothing left to wait for before the controller exits. */
  readonly settled: boolean;
  drain(): void;
  view(): { readonly state: string };
}

export interface DrainDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly counters: RuntimeCounters;
  sessions(): DrainingSession[];
  stopped(): boolean;
}

/**
 * Every session leaves its call in a safe place; resolves once every session is settled or `timeoutMs`
 * (clock) has passed.
 */
export async function drainSessions(deps: DrainDeps, timeoutMs: number): Promise<DrainReport> {
  const { clock, logger } = deps;
  const sessions = deps.sessions();
  logger.info({ sessions: sessions.length }, 'draining: leaving every call in a safe place');
  for (const session of sessions) {
    try {
      session.drain();
    } catch (err) {
      deps.counters.sessionErrors++;
      session.logger.error({ err }, 'drain failed');
    }
  }
  const unsettled = () => deps.sessions().filter((session) => !session.settled);
  const deadline = clock.now() + timeoutMs;
  while (unsettled().length > 0 && clock.now() < deadline && !deps.stopped()) {
    await new Promise<void>((resolve) => clock.setTimer(20, resolve));
  }
  const left = unsettled();
  if (left.length > 0) {
    logger.warn(
      { sessions: left.map((s) => ({ id: s.id, state: s.view().state })) },
      'drain: time is up; these sessions were not settled',
    );
  }
  return { sessions: sessions.length, unsettled: left.length };
}
