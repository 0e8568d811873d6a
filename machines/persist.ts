// Saving and restoring a session across a controller restart. Pending deadlines are not timers inside
// the machine: after a restore the runtime re-arms those listed by `deadlinesToRearm`.

import type { Snapshot } from 'xstate';
import { MACHINE_VERSION, type SessionContext } from './context.js';
import type { DeadlineName } from './events.js';
import { adminSessionMachine } from './session.js';

export interface PersistedSession {
  readonly machineVersion: number;
  /** What `actor.getPersistedSnapshot()` returned: plain JSON. */
  readonly snapshot: unknown;
}

export type RestoreResult =
  | { readonly ok: true; readonly snapshot: Snapshot<unknown>; readonly context: SessionContext }
  | { readonly ok: false; readonly error: string };

/** Wraps a persisted snapshot with the machine version that wrote it. */
export function persistSession(persistedSnapshot: unknown): PersistedSession {
  return { machineVersion: MACHINE_VERSION, snapshot: persistedSnapshot };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Checks a persisted session before `createActor(machine, { snapshot })`: same machine version, still
 * active, a state this machine knows. Errors are values; nothing throws.
 */
export function restoreSession(data: unknown): RestoreResult {
  if (!isRecord(data) || typeof data.machineVersion !== 'number') {
    return { ok: false, error: 'not a persisted session' };
  }
  if (data.machineVersion !== MACHINE_VERSION) {
    return { ok: false, error: `machine version ${data.machineVersion}, expected ${MACHINE_VERSION}` };
  }
  const snap = data.snapshot;
  if (!isRecord(snap) || !isRecord(snap.context) || snap.context.version !== MACHINE_VERSION) {
    return { ok: false, error: 'snapshot has no context of this machine version' };
  }
  if (snap.status !== 'active') return { ok: false, error: `session is ${String(snap.status)}, not active` };
  try {
    const resolved = adminSessionMachine.resolveState({
      value: snap.value as never,
      context: snap.context as unknown as SessionContext,
    });
    return { ok: true, snapshot: snap as Snapshot<unknown>, context: resolved.context };
  } catch (error) {
    return { ok: false, error: `unknown state: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The deadlines a restored session had armed: re-arm each (a past one fires at once). */
export function deadlinesToRearm(context: SessionContext): Array<{ name: DeadlineName; at: number }> {
  return (Object.entries(context.deadlines) as Array<[DeadlineName, number | undefined]>)
    .filter((entry): entry is [DeadlineName, number] => entry[1] !== undefined)
    .map(([name, at]) => ({ name, at }));
}
