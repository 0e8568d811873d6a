// What the runtime needs from the configuration, derived once at start: prompts resolved to sounds,
// digit-collection parameters, outer bounds for the machine's deadlines.
import type { SessionSettings } from '../../machines/index.js';
import { type Config, type RouteRule, type TenantSettings, tenantSettings } from '../config/index.js';
import type { PlayAndGetDigitsOptions } from '../esl/commands.js';
import type { Logger } from '../log.js';
import { dialToneFor, type PromptId, promptsOfSet, withAvailableFiles } from '../prompts.js';
import { MAX_DIALED_DIGITS } from '../routing.js';
import { DIAL_VARIABLE, PIN_VARIABLE } from './channel-vars.js';
import type { SoundFiles } from './sound-check.js';

/** Longest PIN accepted (config/pin.ts: 4 to 16 digits). */
const MAX_PIN_DIGITS = 16;
/** Slack above a digit collection's own worst case before the machine's outer deadline falls due. */
const ENTRY_SLACK_MS = 15_000;

export type DigitCollection = Omit<PlayAndGetDigitsOptions, 'prompt'> & {
  readonly prompt: string;
  /**
   * No key within this long of the prompt starting ends the entry without input (the runtime's own bound:
   * FreeSWITCH's `timeoutMs` counts only from the prompt's end).
   */
  readonly noKeyWithinMs?: number;
};

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
  readonly routes: readonly RouteRule[];
  /** The tenant (dialplan context) these settings are for; undefined: the top level. */
  readonly tenant: string | undefined;
  readonly maxOutboundLegsPerAdmin: number;
  readonly maxOutboundLegs: number;
  readonly lockout: Config['lockout'];
}

/**
 * The settings of one tenant (default: the top level): its prompt set with the operator's overrides, a file
 * the switch lacks played as its tone (`sounds`: what the switch said it has; by default nothing is known
 * yet, so tones), its routes.
 */
export function runtimeSettings(
  config: Config,
  tenant: TenantSettings = tenantSettings(config, undefined),
  sounds: SoundFiles = () => false,
): RuntimeSettings {
  const { prompts } = withAvailableFiles(promptsOfSet(tenant.promptSet, tenant.prompts), sounds);
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
  // Dial tone for the whole dialTimeoutMs, back to the room when it passes without a key (prompts.ts).
  const dialTone = dialToneFor(prompts['dial-tone'], config.dialTimeoutMs);
  const numberEntry: DigitCollection = {
    minDigits: 1,
    maxDigits: MAX_DIALED_DIGITS,
    tries: 1,
    timeoutMs: dialTone.firstKeyWaitMs,
    noKeyWithinMs: config.dialTimeoutMs,
    terminators: '#',
    prompt: dialTone.prompt,
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
    routes: tenant.routes,
    tenant: tenant.tenant,
    maxOutboundLegsPerAdmin: config.maxOutboundLegsPerAdmin,
    maxOutboundLegs: config.maxOutboundLegs,
    lockout: config.lockout,
  };
}

/**
 * The longest one entry can take in FreeSWITCH (the prompt, the first-digit wait, every inter-digit wait),
 * plus slack. Only a prompt the runtime bounds (noKeyWithinMs) is counted; other prompts are short.
 */
function entryBound(entry: DigitCollection): number {
  const oneTry = (entry.noKeyWithinMs ?? 0) + entry.timeoutMs + entry.maxDigits * entry.digitTimeoutMs;
  return oneTry * entry.tries + ENTRY_SLACK_MS;
}

/** Every sound file the top level and the tenants could play: what to ask the switch about. */
export function soundsInUse(config: Config): string[] {
  const tenants = [undefined, ...Object.keys(config.tenants)].map((context) =>
    tenantSettings(config, context),
  );
  return tenants.flatMap((t) => Object.values(promptsOfSet(t.promptSet, t.prompts)));
}

/** One warning naming the prompt files the switch lacks (played as tones), or nothing when none is missing. */
export function warnMissingSounds(config: Config, sounds: SoundFiles, logger: Logger): void {
  const missing = new Set<string>();
  for (const context of [undefined, ...Object.keys(config.tenants)]) {
    const t = tenantSettings(config, context);
    for (const m of withAvailableFiles(promptsOfSet(t.promptSet, t.prompts), sounds).missing)
      missing.add(m.sound);
  }
  if (missing.size > 0)
    logger.warn(
      { files: [...missing].sort() },
      'prompt files FreeSWITCH does not have: their tones are played instead (install the English sound package, or set prompts)',
    );
}
