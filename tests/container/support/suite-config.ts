// dynconf's configuration for the end-to-end suite: short timeouts so a scenario takes seconds, and routes
// to the parties of the minimal FreeSWITCH configuration (freeswitch-config/minimal/):
//   70x, 7100  context dynconf-e2e (dialplan/dynconf-e2e.xml): 700 voicemail, 701 answers
//   83x        context default (dialplan/default/10_test_behaviours.xml): 831 never answers, 832 busy, ...
//   07NNN      the loopback-trunk gateway, a trunk with answer supervision
//   09NNN      the same gateway to a far end without answer supervision (answered at once)
import { type Config, type ConfigInput, formatConfigIssues, parseConfig } from '../../../src/config/index.js';
import type { EslAddress } from './freeswitch-driver.js';

/** The administrator PIN of the suite. */
export const SUITE_PIN = '4711';
/** How long an invitee may ring before the administrator is returned to the room (routes below). */
export const RING_TIMEOUT_MS = 3000;
/** How long the administrator may take to key a number after `0` (dial tone all that time). */
export const DIAL_TIMEOUT_MS = 5000;
/** How long the caller may take to key the first PIN digit after the PIN prompt. */
export const PIN_TIMEOUT_MS = 5000;
/** Prefix of the suite's room names, so its rooms are told apart from anything else on the switch. */
export const ROOM_PREFIX = 'e2e';

export function suiteConfigInput(esl: EslAddress, overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    eventSocket: {
      host: esl.host,
      port: esl.port,
      password: esl.password,
      commandTimeoutMs: 5000,
      // eventSocket.reconnect: the shipped defaults, which the restart scenario holds to their promise.
    },
    accessNumber: '900',
    adminPins: [SUITE_PIN],
    maxPinAttempts: 3,
    pinTimeoutMs: PIN_TIMEOUT_MS,
    digitTimeoutMs: 1000,
    dialTimeoutMs: DIAL_TIMEOUT_MS,
    keySequenceTimeoutMs: 1500,
    // Every scenario calls from its own caller ID; wrong PINs of one must not lock out another.
    lockout: { maxFailures: 10, globalRatePerMinute: 1000 },
    conference: { profile: 'dynconf', roomPrefix: ROOM_PREFIX },
    returnOnVoicemail: false,
    routes: [
      {
        name: 'e2e-parties',
        pattern: '70[0-9]',
        dialString: 'loopback/{number}/dynconf-e2e',
        ringTimeoutMs: RING_TIMEOUT_MS,
      },
      {
        name: 'test-behaviours',
        pattern: '83[0-9]',
        dialString: 'loopback/{number}/default',
        ringTimeoutMs: RING_TIMEOUT_MS,
      },
      {
        name: 'trunk-supervised',
        pattern: '07[0-9]{3}',
        dialString: 'sofia/gateway/loopback-trunk/{number}',
        ringTimeoutMs: RING_TIMEOUT_MS,
      },
      {
        name: 'trunk-unsupervised',
        pattern: '09[0-9]{3}',
        dialString: 'sofia/gateway/loopback-trunk/{number}',
        answerSupervision: false,
        ringTimeoutMs: RING_TIMEOUT_MS,
      },
      { name: 'premium-refused', pattern: '0?90[0-9]*', allow: false },
    ],
    http: { port: 0 },
    log: { level: 'debug' },
    ...overrides,
  };
}

/** The validated configuration; throws with every problem named (a broken suite config is a bug here). */
export function suiteConfig(esl: EslAddress, overrides: Partial<ConfigInput> = {}): Config {
  const result = parseConfig(suiteConfigInput(esl, overrides));
  if (!result.ok)
    throw new Error(`the suite's dynconf configuration is invalid:\n${formatConfigIssues(result.issues)}`);
  return result.config;
}
