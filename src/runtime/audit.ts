// The call history's feed from the runtime: each session's start and end, the events its machine is sent
// (the keypad's invitations, read by SessionHistoryFeed) and the operator's calls (their reports). Only
// queues records: the recorder never blocks and never throws, and neither does anything here.
import type { SessionEvent } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { type HistoryRecorder, SessionHistoryFeed } from '../history/index.js';
import type { Logger } from '../log.js';
import type { InvitationReport } from './operator/invitations.js';
import type { Session } from './session.js';

export interface AuditOptions {
  readonly recorder: HistoryRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The FreeSWITCH node (`host:port`) this runtime drives, written on every row. */
  readonly node?: string;
  /** The session whose room this is (an operator's call belongs to it). */
  readonly sessionOfRoom: (room: string) => string | undefined;
}

export class RuntimeAudit {
  readonly #o: AuditOptions;
  readonly #feed: SessionHistoryFeed;
  readonly #node: { readonly node?: string };

  constructor(options: AuditOptions) {
    this.#o = options;
    this.#feed = new SessionHistoryFeed(options.recorder);
    this.#node = options.node === undefined ? {} : { node: options.node };
  }

  sessionStarted(session: Session): void {
    this.#safely(() => {
      const { caller } = session;
      this.#feed.started({
        id: session.id,
        adminUuid: session.adminUuid,
        flow: session.flow,
        at: session.startedAt,
        room: session.room,
        ...(caller.number === undefined ? {} : { callerNumber: caller.number }),
        ...(caller.name === undefined ? {} : { callerName: caller.name }),
        ...(caller.context === undefined ? {} : { context: caller.context }),
        ...(session.tenant === undefined ? {} : { tenant: session.tenant }),
        ...this.#node,
        ...(session.restored ? { restored: true } : {}),
      });
    });
  }

  /** An event sent to a session's machine. */
  observe(sessionId: string, event: SessionEvent): void {
    this.#safely(() => this.#feed.observe(sessionId, event));
  }

  sessionEnded(session: Session): void {
    this.#safely(() => {
      const { context } = session.machine();
      this.#feed.ended({
        id: session.id,
        adminUuid: session.adminUuid,
        at: this.#o.clock.now(),
        outcome: session.outcome ?? context.outcome ?? 'service-error',
        authenticated: context.roomRequested,
        pinFailures: context.pinFailures,
      });
    });
  }

  /** How one of the operator's calls went. */
  operatorCall(report: InvitationReport): void {
    this.#safely(() => {
      const { recorder } = this.#o;
      const at = this.#o.clock.now();
      switch (report.kind) {
        case 'placed':
          recorder.invitationPlaced({
            id: report.uuid,
            source: 'operator',
            ...this.#session(report.room),
            room: report.room,
            number: report.number,
            route: report.rule,
            ...this.#node,
            at,
          });
          return;
        case 'refused':
          recorder.invitationRefused({
            source: 'operator',
            ...this.#session(report.room),
            room: report.room,
            number: report.number,
            reason: report.ending,
            ...this.#node,
            at,
          });
          return;
        case 'ended':
          if (report.ending === 'answered') {
            // Answered is in the room: the operator's calls go straight there.
            recorder.invitationAnswered({ id: report.uuid, at });
            recorder.invitationJoined({ id: report.uuid, at });
          }
          recorder.invitationEnded({
            id: report.uuid,
            at,
            outcome: report.ending,
            ...(report.cause === undefined ? {} : { cause: report.cause }),
          });
          return;
        case 'left':
          // The first outcome stands; this one only closes its time in the room.
          recorder.invitationEnded({ id: report.uuid, at, outcome: 'answered' });
          return;
      }
    });
  }

  #session(room: string): { sessionId?: string } {
    const id = this.#o.sessionOfRoom(room);
    return id === undefined ? {} : { sessionId: id };
  }

  #safely(record: () => void): void {
    try {
      record();
    } catch (err) {
      this.#o.logger.warn({ err, module: 'history' }, 'history: a record could not be made');
    }
  }
}
