// DTMF storms for the end-to-end harness: seeded random key sequences pressed on a phone (stopping if the
// call ends), a wait for the whole system to go quiet, and a check that the administrator's session and the
// administrator's leg agree on where things stand (the "sane state" a storm must leave behind).
import fc from 'fast-check';
import { expect } from 'vitest';
import type { SimCall } from '../../../src/simulator/index.js';
import type { Harness } from '../../e2e/support/harness.js';

/** Phones on the harness's routes: every outcome an invitation can have. */
export const STORM_DIRECTORY = {
  '801': { kind: 'answer', afterMs: 400 },
  '802': { kind: 'busy' },
  '803': { kind: 'ring-forever' },
  '804': { kind: 'voicemail' },
  '805': { kind: 'answer-then-hangup', afterMs: 300, hangupAfterMs: 700 },
  '806': { kind: 'reject' },
  '807': { kind: 'early-media-then-answer', afterMs: 500 },
  '811': { kind: 'answer', afterMs: 200 },
  '813': { kind: 'answer', afterMs: 200 },
} as const;

/** Trunks of the harness's routes (the gsm one has no answer supervision). */
export const STORM_GATEWAYS = {
  gsm: { answerSupervision: false, farEnd: { kind: 'ring-forever' } },
  trunk: { farEnd: { kind: 'answer', afterMs: 300 } },
} as const;

const KEY = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...'0123456789*#') },
  { weight: 1, arbitrary: fc.constantFrom('A', 'B', 'C', 'D') },
);

/** Key groups an administrator might press: numbers to dial (allowed, refused, failing), `**`, `*#`, `0`. */
const GESTURE = fc.constantFrom(
  '0',
  '**',
  '*#',
  '0801#',
  '0803#',
  '0804#',
  '0807#',
  '801#',
  '802#',
  '803#',
  '804#',
  '805#',
  '806#',
  '807#',
  '819#',
  '0612345678#',
  '70612345678#',
  '900123#',
  '#',
);

/** A reproducible random key sequence (fast-check, fixed seed): any keys at all. */
export function randomKeys(seed: number, minLength = 150, maxLength = 400): string {
  const [keys] = fc.sample(fc.array(KEY, { minLength, maxLength }), { seed, numRuns: 1 });
  return (keys ?? []).join('');
}

/**
 * A reproducible random sequence of plausible gestures mixed with random keys: it gets further into the
 * flows (numbers that route, invitations, `**`, `*#`) than keys alone would.
 */
export function plausibleKeys(seed: number, minLength = 60, maxLength = 120): string {
  const token = fc.oneof({ weight: 3, arbitrary: GESTURE }, { weight: 2, arbitrary: KEY });
  const [tokens] = fc.sample(fc.array(token, { minLength, maxLength }), { seed, numRuns: 1 });
  return (tokens ?? []).join('');
}

/**
 * Presses `keys` on the phone `gapMs` of simulator time apart (0: all in one burst), in slices, and stops
 * quietly when the call ends mid-storm. Resolves with how many keys were pressed.
 */
export async function storm(call: SimCall, keys: string, gapMs: number): Promise<number> {
  const slice = 12;
  let pressed = 0;
  for (let i = 0; i < keys.length; i += slice) {
    if (call.where().state === 'gone') break;
    const part = keys.slice(i, i + slice);
    try {
      await call.press(part, { gapMs });
    } catch (err) {
      if (call.where().state === 'gone') break;
      throw err;
    }
    pressed += part.length;
  }
  return pressed;
}

/**
 * Waits until nothing has happened for a while: no event from the simulator and no command from the
 * controller across 5 s of simulator time (longer than every key, digit and sequence timeout).
 */
export async function quiet(h: Harness, timeoutMs = 20_000): Promise<void> {
  let events = 0;
  const off = h.sim.onEvent(() => events++);
  try {
    const sent = () => h.controller.stats().commands.sent;
    let mark = { events, sent: sent(), at: h.clock.now() };
    await h.until(
      () => {
        const now = { events, sent: sent(), at: h.clock.now() };
        if (now.events !== mark.events || now.sent !== mark.sent) {
          mark = now;
          return false;
        }
        return now.at - mark.at >= 5_000;
      },
      'the system to go quiet',
      { timeoutMs },
    );
  } finally {
    off();
  }
}

/**
 * Where the administrator's session stands, when session and leg agree; undefined while they do not (in
 * between). `ended`: no session and the leg is gone. `no-session:<where>`: no session but the leg is up
 * (for flow 2, `no-session:bridged` is the restored call).
 */
export function settledState(h: Harness, admin: SimCall): string | undefined {
  const session = h.session(admin.uuid);
  const where = admin.where();
  if (session === undefined) return where.state === 'gone' ? 'ended' : `no-session:${where.state}`;
  switch (session.state) {
    case 'authenticating':
    case 'dialing':
      return where.state === 'collecting' ? session.state : undefined;
    case 'inRoom':
      return where.state === 'in-conference' && where.room === session.room ? session.state : undefined;
    case 'invitation.ringing':
      return where.state === 'playing' ? session.state : undefined;
    case 'invitation.talking':
    case 'invitation.voicemail':
      return where.state === 'bridged' && where.bridgedTo === session.inviteeUuid ? session.state : undefined;
    default:
      return undefined;
  }
}

/** From any settled state of a live session, back into the room with the keypad (as an administrator would). */
export async function backToRoom(h: Harness, admin: SimCall, pin: string): Promise<void> {
  const state = settledState(h, admin);
  if (state === 'authenticating') await admin.press(`${pin}#`);
  else if (state === 'dialing') await admin.press('#');
  else if (state?.startsWith('invitation.')) await admin.press('*#');
  else if (state !== 'inRoom') throw new Error(`cannot go back to the room from ${state}`);
  await h.sessionState(admin.uuid, 'inRoom', { timeoutMs: 10_000 });
  await h.until(() => settledState(h, admin) === 'inRoom', 'the administrator in the room', {
    timeoutMs: 10_000,
  });
}

/** Error-level log lines of the controller (there must be none: errors are bugs or broken FreeSWITCH). */
export function errorLines(h: Harness): string[] {
  return h.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}

/**
 * The end of every storm or race test: nothing left behind (with a longer wait: storms leave more to
 * settle), no session failed and nothing logged at error level; then the harness is closed.
 */
export async function finishStormHarness(harness: Harness | undefined): Promise<void> {
  if (harness === undefined) return;
  try {
    await harness.expectClean({ timeoutMs: 10_000 });
    expect(harness.controller.stats().sessionErrors).toBe(0);
    expect(errorLines(harness)).toEqual([]);
  } catch (err) {
    if (process.env.DYNCONF_E2E_LOGS) process.stderr.write(harness.logs.join(''));
    throw err;
  } finally {
    await harness.close();
  }
}
