// The keypad side of the history, read from what the runtime already has: the events it sends to each
// administrator's machine (Runtime's `observe` hook) for the invitations, and the session's start and end.
// The machine's rules decide what an event means here, as in the machine: `**` counts only while talking
// privately, `*#` gives up a ringing call or ends a private talk or a voicemail, the ring deadline only
// before an answer. An invitation answered by voicemail is written as ended (`voicemail`) when the
// voicemail is detected and ended again, later, when its leg goes: the first outcome stands, the last
// time counts. A leg's end reported for an invitation the feed does not follow (placed before a restart,
// or brought into the room) still closes or lengthens its row.
import type { InviteFailure, SessionEvent } from '../../machines/index.js';
import type { HistoryRecorder } from './recorder.js';
import type { InvitationOutcome, SessionEnd, SessionStart } from './records.js';

interface Current {
  readonly legId: string;
  answered: boolean;
  voicemail: boolean;
}

interface Followed {
  readonly room: string;
  readonly node: string | undefined;
  current: Current | undefined;
}

export class SessionHistoryFeed {
  readonly #recorder: HistoryRecorder;
  readonly #sessions = new Map<string, Followed>();

  constructor(recorder: HistoryRecorder) {
    this.#recorder = recorder;
  }

  /** A session began (or was rebuilt after a restart: `restored`). */
  started(start: SessionStart): void {
    this.#sessions.set(start.id, { room: start.room, node: start.node, current: undefined });
    this.#recorder.sessionStarted(start);
  }

  /** The session is over: an invitation still open ends with it. */
  ended(end: SessionEnd): void {
    const session = this.#sessions.get(end.id);
    if (session !== undefined) this.#giveUp(session, end.at);
    this.#sessions.delete(end.id);
    this.#recorder.sessionEnded(end);
  }

  /** Sessions followed (for leak checks). */
  get size(): number {
    return this.#sessions.size;
  }

  /** An event sent to session `sessionId`'s machine. Never throws. */
  observe(sessionId: string, event: SessionEvent): void {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) return;
    const current = session.current;
    const mine = (legId: string) => current !== undefined && current.legId === legId;
    switch (event.type) {
      case 'number.dialed': {
        this.#giveUp(session, event.at);
        const common = { source: 'keypad', sessionId, room: session.room, number: event.digits } as const;
        const node = session.node === undefined ? {} : { node: session.node };
        if (event.route.allowed) {
          session.current = { legId: event.route.legId, answered: false, voicemail: false };
          this.#recorder.invitationPlaced({
            ...common,
            ...node,
            id: event.route.legId,
            route: event.route.rule,
            at: event.at,
          });
        } else {
          this.#recorder.invitationRefused({ ...common, ...node, reason: event.route.reason, at: event.at });
        }
        return;
      }
      case 'invitee.answered':
        if (current !== undefined && mine(event.legId) && !current.answered) {
          current.answered = true;
          this.#recorder.invitationAnswered({ id: event.legId, at: event.at });
        }
        return;
      case 'invitee.voicemail':
        if (current !== undefined && mine(event.legId) && !current.voicemail) {
          if (!current.answered) this.#recorder.invitationAnswered({ id: event.legId, at: event.at });
          current.answered = true;
          current.voicemail = true;
          this.#recorder.invitationEnded({ id: event.legId, at: event.at, outcome: 'voicemail' });
        }
        return;
      case 'invitee.failed':
        this.#legGone(session, event.legId, event.at, event.reason);
        return;
      case 'invitee.hungUp':
        this.#legGone(session, event.legId, event.at, undefined);
        return;
      case 'deadline.reached':
        if (event.name === 'ring' && current !== undefined && !current.answered)
          this.#end(session, event.at, 'no-answer');
        return;
      case 'command.failed':
        if (
          (event.command === 'callInvitee' || event.command === 'bridgeAdminAndInvitee') &&
          event.legId !== undefined &&
          mine(event.legId)
        )
          this.#end(session, event.at, 'failed');
        return;
      case 'key.command':
        if (event.command === 'join-with-guest' && current?.answered === true && !current.voicemail) {
          this.#recorder.invitationJoined({ id: current.legId, at: event.at });
          this.#end(session, event.at, 'answered');
        } else if (event.command === 'return-alone') this.#giveUp(session, event.at);
        return;
      case 'admin.hungUp':
        this.#giveUp(session, event.at);
        return;
      default:
        return;
    }
  }

  /** What the current invitation ends as when the administrator leaves it (or the session ends). */
  #giveUp(session: Followed, at: number): void {
    const current = session.current;
    if (current === undefined) return;
    this.#end(session, at, current.voicemail ? 'voicemail' : current.answered ? 'answered' : 'cancelled');
  }

  #legGone(session: Followed, legId: string, at: number, failure: InviteFailure | undefined): void {
    const current = session.current;
    if (current !== undefined && current.legId === legId) {
      const answered = current.voicemail ? 'voicemail' : 'answered';
      this.#end(session, at, current.answered ? answered : (failure ?? 'answered'));
      return;
    }
    // Not the invitation followed now: one placed before a restart, or already in the room.
    this.#recorder.invitationEnded({ id: legId, at, outcome: failure ?? 'answered' });
  }

  #end(session: Followed, at: number, outcome: InvitationOutcome): void {
    const current = session.current;
    if (current === undefined) return;
    session.current = undefined;
    this.#recorder.invitationEnded({ id: current.legId, at, outcome });
  }
}
