// What the runtime needs from the configuration, derived once at start: prompts resolved to sounds,
// digit-collection parameters, outer bounds for the machine's deadlines.
import type { SessionSettings } from '../../machines/index.js';
import type { Config } from '../config/index.js';
import type { PlayAndGetDigitsOptions } from '../esl/commands.js';
import { type PromptId, resolvePrompts } from '../prompts.js';
import { MAX_DIALED_DIGITS } from '../routing.js';
import { DIAL_VARIABLE, PIN_VARIABLE } from './channel-vars.js';

/** Longest PIN accepted (config/pin.ts: 4 to 16 digits). */
const MAX_PIN_DIGITS = 16;
/** Slack above a digit collection's own worst case before the machine's outer deadline falls due. */
const ENTRY_SLACK_MS = 15_000;

export type DigitCollection = Omit<PlayAndGetDigitsOptions, 'prompt'> & { readonly prompt: string };

export interface RuntimeSettings {
  readonly profile: string;
  readonly roomPrefix: string;
  readonly prompts: Readonly<Record<PromptId, string>>;
  readonly pinEntry: DigitCollection;
  readonly numberEntry: DigitCollection;
  /** Settings handed to every session machine. */
  readonly session: SessionSettings;
  readonly keySequenceTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly routes: Config['routes'];
  readonly maxOutboundLegsPerAdmin: number;
  readonly maxOutboundLegs: number;
  readonly lockout: Config['lockout'];
}

export function runtimeSettings(config: Config): RuntimeSettings {
  const prompts = resolvePrompts(config.prompts);
  const invalidPrompt = 'silence_stream://250';
  const pinEntry: DigitCollection = {
    minDigits: 1,
    maxDigits: MAX_PIN_DIGITS,
    tries: 1,
    timeoutMs: config.pinTimeoutMs,
    terminators: '#',
    prompt: prompts['enter-pin'],
    invalidPrompt,
    variable: PIN_VARIABLE,
    regexp: '\\d+',
    digitTimeoutMs: config.digitTimeoutMs,
  };
  const numberEntry: DigitCollection = {
    minDigits: 1,
    maxDigits: MAX_DIALED_DIGITS,
    tries: 1,
    timeoutMs: config.dialTimeoutMs,
    terminators: '#',
    prompt: prompts['dial-tone'],
    invalidPrompt,
    variable: DIAL_VARIABLE,
    regexp: '\\d+',
    digitTimeoutMs: config.digitTimeoutMs,
  };
  return {
    profile: config.conference.profile,
    roomPrefix: config.conference.roomPrefix,
    prompts,
    pinEntry,
    numberEntry,
    session: {
      maxPinAttempts: config.maxPinAttempts,
      returnOnVoicemail: config.returnOnVoicemail,
      endConferenceWhenAdminLeaves: config.conference.endConferenceWhenAdminLeaves,
      pinEntryTimeoutMs: entryBound(pinEntry),
      dialEntryTimeoutMs: entryBound(numberEntry),
    },
    keySequenceTimeoutMs: config.keySequenceTimeoutMs,
    commandTimeoutMs: config.eventSocket.commandTimeoutMs,
    routes: config.routes,
    maxOutboundLegsPerAdmin: config.maxOutboundLegsPerAdmin,
    maxOutboundLegs: config.maxOutboundLegs,
    lockout: config.lockout,
  };
}

/** The longest one entry can take in FreeSWITCH (first-digit wait + every inter-digit wait), plus slack. */
function entryBound(entry: DigitCollection): number {
  return (entry.timeoutMs + entry.maxDigits * entry.digitTimeoutMs) * entry.tries + ENTRY_SLACK_MS;
}
