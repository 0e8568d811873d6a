// Recognises key commands from single DTMF digits: `0` (dial), `**` (join with guest), `*#` (return
// alone), `*0` (escalate). A pure reducer: the runtime keeps one KeyState per watched leg.
//
// `*` starts a sequence that the next digit completes if it comes within the inter-digit timeout. A lone
// `*` is never a command, so no timer is needed: an expired `*` is dropped when the next digit comes
// (or on an explicit `timeout` input, for a runtime that wants to forget it early). `0` alone is `dial`
// at once. Anything else (other digits, unknown keys, a `*` followed by a non-command digit) is ignored.

import type { KeyCommand } from './events.js';

export const DEFAULT_INTER_DIGIT_MS = 2000;

export interface KeyState {
  /** When the pending `*` was pressed (epoch ms), or null when nothing is pending. */
  readonly starAt: number | null;
}

export const IDLE_KEYS: KeyState = { starAt: null };

export type KeyInput =
  | { readonly type: 'digit'; readonly digit: string; readonly at: number }
  | { readonly type: 'timeout'; readonly at: number };

export interface KeyStep {
  readonly state: KeyState;
  readonly command: KeyCommand | null;
}

const DTMF = /^[0-9*#A-Da-d]$/;

const AFTER_STAR: Readonly<Record<string, KeyCommand>> = {
  '*': 'join-with-guest',
  '#': 'return-alone',
  '0': 'escalate',
};

export function readKey(state: KeyState, input: KeyInput, interDigitMs = DEFAULT_INTER_DIGIT_MS): KeyStep {
  const pending = state.starAt !== null && input.at - state.starAt <= interDigitMs;
  if (input.type === 'timeout') return { state: pending ? state : IDLE_KEYS, command: null };
  const { digit } = input;
  if (!DTMF.test(digit)) return { state, command: null };
  if (pending) return { state: IDLE_KEYS, command: AFTER_STAR[digit] ?? null };
  if (digit === '*') return { state: { starAt: input.at }, command: null };
  return { state: IDLE_KEYS, command: digit === '0' ? 'dial' : null };
}

/** Feeds several digits pressed at the given times; returns the commands recognised, in order. */
export function readKeys(
  state: KeyState,
  inputs: readonly KeyInput[],
  interDigitMs = DEFAULT_INTER_DIGIT_MS,
): { state: KeyState; commands: KeyCommand[] } {
  let current = state;
  const commands: KeyCommand[] = [];
  for (const input of inputs) {
    const next = readKey(current, input, interDigitMs);
    current = next.state;
    if (next.command !== null) commands.push(next.command);
  }
  return { state: current, commands };
}
