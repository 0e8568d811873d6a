// When an administrator's leg carries a session mark but no usable snapshot (written by another machine
// version, or unreadable), the session is rebuilt in a safe state chosen from the plain-text state mark:
//
// | last state written                    | rebuilt as                                                      |
// |---------------------------------------|-----------------------------------------------------------------|
// | inRoom, dialing, invitation.*         | `inRoom`: the administrator back in their room as moderator (a  |
// |                                       | call in progress is hung up), flow 2's other party in it too    |
// | restoringCall; authenticating flow 2  | `restoringCall`: the two-party call is restored (other party    |
// |                                       | there), else the presser is asked for the PIN, alone            |
// | authenticating flow 1, or unknown     | `authenticating`: asked for the PIN again                       |
// | ended                                 | the administrator is hung up (the session was ending that way)  |
// | callRestored                          | nothing: the leg is a plain call again (its marks are cleared)  |
import type { Snapshot } from 'xstate';
import {
  adminSessionMachine,
  type Flow,
  MACHINE_VERSION,
  persistSession,
  restoreSession,
  type SessionContext,
  type SessionSettings,
} from '../../machines/index.js';
import type { AdminMarks } from './marks.js';

export type Fallback =
  | {
      readonly kind: 'resume';
      readonly state: 'inRoom' | 'restoringCall' | 'authenticating';
      readonly flow: Flow;
      readonly room: string;
      readonly snapshot: Snapshot<unknown>;
    }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'clear' };

export interface FallbackInput {
  readonly settings: SessionSettings;
  readonly now: number;
  /** Flow 2: the other party's leg is still up. */
  readonly otherAlive: boolean;
  /** A room name for marks that have none. */
  readonly freshRoom: () => string;
}

const PAST_PIN = /^(inRoom|dialing|invitation(\..*)?)$/;

/** The safe state for an administrator whose snapshot cannot be restored. */
export function fallbackFor(marks: AdminMarks, input: FallbackInput): Fallback {
  const flow: Flow = marks.flow ?? 'access';
  const state = marks.state ?? '';
  if (state === 'ended') return { kind: 'hangup' };
  if (state === 'callRestored') return { kind: 'clear' };
  const escalation = flow === 'escalation';
  const room = marks.room ?? input.freshRoom();
  let target: 'inRoom' | 'restoringCall' | 'authenticating';
  if (PAST_PIN.test(state)) target = 'inRoom';
  else if (escalation && input.otherAlive) target = 'restoringCall';
  else if (state === 'restoringCall') return { kind: 'hangup' };
  else target = 'authenticating';
  const base = baseContext(flow, room, input);
  const context: SessionContext =
    target === 'inRoom'
      ? {
          ...base,
          roomRequested: true,
          otherParty: escalation ? (input.otherAlive ? 'in-room' : 'gone') : 'none',
          deadlines: {},
        }
      : target === 'restoringCall'
        ? { ...base, otherParty: 'held', deadlines: {} }
        : { ...base, otherParty: escalation ? (input.otherAlive ? 'held' : 'gone') : 'none' };
  return { kind: 'resume', state: target, flow, room, snapshot: synthesize(target, context) };
}

function baseContext(flow: Flow, room: string, input: FallbackInput): SessionContext {
  return {
    version: MACHINE_VERSION,
    flow,
    room,
    settings: input.settings,
    pinFailures: 0,
    otherParty: 'none',
    roomRequested: false,
    adminInRoom: false,
    invitation: null,
    legs: {},
    invitations: 0,
    deadlines: { pin: input.now + input.settings.pinEntryTimeoutMs },
    outcome: null,
  };
}

/** A persisted snapshot of this machine version in `state` with `context`, checked like any other. */
function synthesize(state: string, context: SessionContext): Snapshot<unknown> {
  const resolved = adminSessionMachine.resolveState({ value: state as never, context });
  const checked = restoreSession(persistSession(adminSessionMachine.getPersistedSnapshot(resolved)));
  if (!checked.ok) throw new Error(`fallback snapshot refused: ${checked.error}`);
  return checked.snapshot;
}
