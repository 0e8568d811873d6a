// Conference events (`conference::maintenance`) as a table from action to handler, in the manner of
// drachtio-fsmrf's conference.js. Each handler reads one event for one session and says what it means
// for that session's machine; actions not in the table mean nothing to a session.
import type { SessionEvent } from '../../machines/index.js';
import type { EventOf } from '../esl/events.js';

export type ConferenceEvent = EventOf<'conference'>;

/** What a handler knows about the session the event was routed to. */
export interface ConferenceScope {
  readonly room: string;
  readonly adminUuid: string;
  /** When the event was received. */
  readonly at: number;
}

export interface ConferenceOutcome {
  /** For the session's machine. */
  readonly event?: SessionEvent;
  /** For the session's log (never the raw event). */
  readonly note?: string;
}

type Handler = (event: ConferenceEvent, scope: ConferenceScope) => ConferenceOutcome | undefined;

const isAdmin = (event: ConferenceEvent, scope: ConferenceScope) =>
  event.room === scope.room && event.channel?.uuid === scope.adminUuid;

export const CONFERENCE_ACTIONS: Readonly<Record<string, Handler>> = {
  'add-member': (event, scope) => {
    if (isAdmin(event, scope))
      return { event: { type: 'room.joined', at: scope.at }, note: 'administrator joined the room' };
    return event.room === scope.room ? { note: 'member joined the room' } : undefined;
  },
  'del-member': (event, scope) => {
    if (isAdmin(event, scope))
      return { event: { type: 'room.left', at: scope.at }, note: 'administrator left the room' };
    return event.room === scope.room ? { note: 'member left the room' } : undefined;
  },
  'conference-create': (event, scope) => (event.room === scope.room ? { note: 'room created' } : undefined),
  'conference-destroy': (event, scope) => (event.room === scope.room ? { note: 'room ended' } : undefined),
};

/** Runs the handler for the event's action, if there is one. */
export function handleConferenceEvent(
  event: ConferenceEvent,
  scope: ConferenceScope,
): ConferenceOutcome | undefined {
  return CONFERENCE_ACTIONS[event.action]?.(event, scope);
}
