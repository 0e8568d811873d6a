// The whole configuration, validated once at start. Every field has a default except the two secrets
// (eventSocket.password, adminPins). Field names are camelCase: the environment mapping in env.ts relies on it.
import { z } from 'zod';
import { PROMPT_IDS, PROMPT_SETS, type PromptId, promptConfigKey, soundProblem } from '../prompts.js';
import { isValidRoomPrefix } from '../rooms.js';
import { bool, int, list, millis, record, section } from './coerce.js';
import { pinEntryProblem } from './pin.js';
import {
  CALLER_ID_NAME_RULES,
  CALLER_ID_NUMBER_RULES,
  DIAL_STRING_RULES,
  parseTemplate,
  type TemplateRules,
} from './template.js';

/** FreeSWITCH's factory event-socket password. */
export const FREESWITCH_DEFAULT_PASSWORD = 'ClueCon';

export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

const text = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `must be ${what}`) });

const hostname = text('a host name or IP address')
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(/^[A-Za-z0-9.:[\]-]+$/, { error: 'must be a host name or IP address' });

const pinEntry = z
  .string({
    error: (iss) =>
      typeof iss.input === 'number'
        ? 'must be a quoted string such as "1234" (an unquoted number loses leading zeros)'
        : 'must be a string',
  })
  .superRefine((value, ctx) => {
    const problem = pinEntryProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

function template(rules: TemplateRules, what: string) {
  return text(what).superRefine((value, ctx) => {
    const parsed = parseTemplate(value, rules);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });
}

function compiles(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const routeSchema = section({
  /** Shown in logs; defaults to `route-<position>` (1-based). */
  name: text('a name')
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, _ . -' })
    .optional(),
  /** Regular expression on the dialed digits; it must match the whole number. */
  pattern: text('a regular expression')
    .min(1, { error: 'must not be empty' })
    .max(500, { error: 'must be at most 500 characters' })
    .superRefine((value, ctx) => {
      const problem = compiles(value);
      if (problem !== undefined)
        ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${problem}` });
    }),
  /** Required unless allow is false. */
  dialString: template(DIAL_STRING_RULES, 'a dial string template')
    .superRefine((value, ctx) => {
      if (!/^[a-z][a-z0-9_]*\//.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must start with an endpoint such as user/, sofia/ or loopback/',
        });
      }
    })
    .optional(),
  gateway: text('a gateway name')
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, _ . -' })
    .optional(),
  callerIdNumber: template(CALLER_ID_NUMBER_RULES, 'a caller ID number template').optional(),
  callerIdName: template(CALLER_ID_NAME_RULES, 'a caller ID name template').optional(),
  ringTimeoutMs: millis(1000, 600_000).default(30_000),
  /** False for trunks that report "answered" at once (FXO, GSM): no automatic return then. */
  answerSupervision: bool().default(true),
  /** False: numbers matching this rule are refused (toll-fraud guard); rules are tried in order. */
  allow: bool().default(true),
}).superRefine((route, ctx) => {
  if (route.allow && route.dialString === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['dialString'],
      message: 'is required for a rule that allows calls (allow: true)',
    });
  }
  for (const field of ['dialString', 'callerIdNumber', 'callerIdName'] as const) {
    const value = route[field];
    if (value?.includes('{gateway}') && route.gateway === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway'],
        message: `is required because ${field} uses {gateway}`,
      });
    }
  }
});

export type RouteRule = z.output<typeof routeSchema>;

const promptShape: Record<string, z.ZodType> = {};
for (const id of PROMPT_IDS) {
  promptShape[promptConfigKey(id)] = text('a sound file path or FreeSWITCH sound URL')
    .superRefine((value, ctx) => {
      const problem = soundProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional();
}
const promptsSchema = section(promptShape).transform((byKey) => {
  const byId: Partial<Record<PromptId, string>> = {};
  for (const id of PROMPT_IDS) {
    const value = (byKey as Record<string, string | undefined>)[promptConfigKey(id)];
    if (value !== undefined) byId[id] = value;
  }
  return byId;
});

const accessNumberSchema = text('a string of digits').regex(/^[0-9*#]{1,16}$/, {
  error: 'must be 1 to 16 digits (or * #)',
});

const adminPinsSchema = list(pinEntry).refine((pins) => pins.length > 0, {
  error: 'must hold at least one PIN',
});

const promptSetSchema = z.enum(PROMPT_SETS, { error: `must be one of ${PROMPT_SETS.join(', ')}` });

/** A dialplan context as FreeSWITCH and FusionPBX name them (FusionPBX: the domain name). */
const contextName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,253}$/, { error: 'must be a dialplan context: letters, digits, _ . -' });

/**
 * One tenant's own settings. Its PINs and routes are its own: a PIN of one tenant never opens a room in
 * another, and its administrators call out only through its routes. The rest defaults to the top level.
 */
const tenantSchema = section({
  accessNumber: accessNumberSchema.optional(),
  adminPins: adminPinsSchema,
  routes: list(routeSchema).default([]),
  promptSet: promptSetSchema.optional(),
  prompts: promptsSchema.optional(),
});

const star0Schema = section({
  /**
   * `dtmf-events`: from the DTMF events of calls the dialplan marks `dynconf_star0=enabled` (the other
   * party hears the two keys). `digit-binding`: the dialplan binds `*0` with bind_digit_action, which keeps
   * the keys from the other party and fires `CUSTOM dynconf::star0` on the presser's leg (only keys sent by
   * phones reach a binding; keys injected with uuid_recv_dtmf do not).
   */
  detection: z
    .enum(['dtmf-events', 'digit-binding'], { error: 'must be dtmf-events or digit-binding' })
    .default('dtmf-events'),
});

/**
 * How often dynconf tries the event socket again while FreeSWITCH is away (README, "When FreeSWITCH goes
 * away"): each wait is drawn from the upper half of its ceiling; the ceiling starts at initialDelayMs, grows
 * by factor after each failed attempt and stops at maxDelayMs, which is how late dynconf can be once
 * FreeSWITCH accepts connections again. A refused password or ACL waits refusedDelayMs instead.
 */
const reconnectSchema = section({
  initialDelayMs: millis(10, 60_000).default(100),
  maxDelayMs: millis(100, 600_000).default(1000),
  refusedDelayMs: millis(1000, 3_600_000).default(30_000),
  factor: z
    .preprocess(
      (v) => (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
      z
        .number({ error: 'must be a number between 1 and 10' })
        .min(1, { error: 'must be a number between 1 and 10' })
        .max(10, { error: 'must be a number between 1 and 10' }),
    )
    .default(2),
}).superRefine((value, ctx) => {
  if (value.maxDelayMs < value.initialDelayMs) {
    ctx.addIssue({ code: 'custom', path: ['maxDelayMs'], message: 'must not be less than initialDelayMs' });
  }
});

const eventSocketSchema = section({
  host: hostname.default('127.0.0.1'),
  port: int(1, 65535).default(8021),
  password: text('a string').min(1, { error: 'must not be empty' }),
  /** Allow FreeSWITCH's default password `ClueCon` on a host other than this machine. */
  allowDefaultPassword: bool().default(false),
  /** How long to wait for a reply to one command before treating it as failed. */
  commandTimeoutMs: millis(100, 120_000).default(10_000),
  reconnect: reconnectSchema.prefault({}),
}).superRefine((value, ctx) => {
  if (
    value.password === FREESWITCH_DEFAULT_PASSWORD &&
    !isLoopbackHost(value.host) &&
    !value.allowDefaultPassword
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['password'],
      message: `is FreeSWITCH's default password on a host that is not this machine (${value.host}); change it in event_socket.conf.xml and here, or set eventSocket.allowDefaultPassword: true`,
    });
  }
});

/**
 * One FreeSWITCH node of several (`eventSockets`): where its event socket is. The password (unless given
 * here), command timeout and reconnect delays come from `eventSocket`.
 */
const nodeSchema = section({
  host: hostname,
  port: int(1, 65535).default(8021),
  password: text('a string').min(1, { error: 'must not be empty' }).optional(),
});

const lockoutSchema = section({
  /** Failed PIN entries from one caller ID within windowMs that lock it out. */
  maxFailures: int(1, 1000).default(5),
  windowMs: millis(1000, 86_400_000).default(600_000),
  durationMs: millis(1000, 86_400_000).default(900_000),
  /** Failed PIN entries per minute from all callers together before every caller is locked out. */
  globalRatePerMinute: int(1, 100_000).default(30),
});

const conferenceSchema = section({
  /** The conference profile in conference.conf.xml (its caller controls must be `none`). */
  profile: text('a profile name')
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, _ -' })
    .default('dynconf'),
  roomPrefix: text('a room prefix')
    .refine(isValidRoomPrefix, {
      error:
        'must start with a lower-case letter and hold only a-z, 0-9 and single inner dashes (at most 24)',
    })
    .default('dynconf'),
  endConferenceWhenAdminLeaves: bool().default(false),
});

export const httpSchema = section({
  host: hostname.default('127.0.0.1'),
  port: int(0, 65535).default(8088),
  /** Bearer token for the operator API; without one only the unauthenticated health endpoints answer. */
  token: text('a string').min(16, { error: 'must be at least 16 characters' }).optional(),
});

const logSchema = section({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  /** `auto`: readable lines in a terminal, JSON lines otherwise (a pipe, a file, journald, containers). */
  format: z.enum(['auto', 'pretty', 'json'], { error: 'must be one of auto, pretty, json' }).default('auto'),
});

/**
 * The call history (audit): every administrator session and invitation in an SQLite file. `path` unset:
 * $STATE_DIRECTORY/history.sqlite under systemd's StateDirectory=, else /var/lib/dynconf/history.sqlite
 * when that directory exists, else dynconf-history.sqlite in the working directory (src/history/settings.ts).
 */
export const historySchema = section({
  enabled: bool().default(true),
  path: text('a file path')
    .min(1, { error: 'must not be empty' })
    .max(4096, { error: 'must be at most 4096 characters' })
    .optional(),
  /** Sessions (and their invitations) older than this many days are deleted, at start and once a day. */
  retentionDays: int(1, 3650).default(90),
});

/**
 * When the controller itself is overloaded, a new caller to the access number hears the busy prompt and is
 * hung up at once, instead of every session slowing down; sessions already running go on.
 */
export const overloadSchema = section({
  /** The event loop's delay (p99 over the last second) above which new callers are turned away. */
  maxEventLoopLagMs: int(10, 60_000).default(1_000),
  /** Commands sent to FreeSWITCH and not answered yet above which new callers are turned away. */
  maxPendingCommands: int(10, 1_000_000).default(2_000),
});

export const configSchema = z
  .strictObject(
    {
      eventSocket: eventSocketSchema.prefault({}),
      /** Several FreeSWITCH nodes: dynconf connects to each; a session belongs to the node its call is on. */
      eventSockets: list(nodeSchema)
        .refine((nodes) => nodes.length > 0, { error: 'must hold at least one node (or leave it out)' })
        .optional(),
      accessNumber: accessNumberSchema.default('900'),
      adminPins: adminPinsSchema,
      maxPinAttempts: int(1, 10).default(3),
      /** Wait for the first PIN digit. */
      pinTimeoutMs: millis(1000, 120_000).default(10_000),
      /** Wait between two digits (PIN and number entry); ends the entry like `#`. */
      digitTimeoutMs: millis(500, 30_000).default(3_000),
      /** Wait for the first digit after dial tone; no digit at all returns the administrator to the room. */
      dialTimeoutMs: millis(1000, 120_000).default(10_000),
      /** Wait for the second key of `**`, `*#`, `*0` after `*`. */
      keySequenceTimeoutMs: millis(100, 10_000).default(1_500),
      lockout: lockoutSchema.prefault({}),
      conference: conferenceSchema.prefault({}),
      /** Return to the room automatically when the invitee's voicemail answers. */
      returnOnVoicemail: bool().default(false),
      routes: list(routeSchema).default([]),
      /** Invitee calls one administrator session may place in all (toll-fraud guard). */
      maxOutboundLegsPerAdmin: int(1, 1000).default(20),
      /**
       * Invitee calls up at the same time, all administrator sessions together (ringing, talking privately, or
       * brought into a room whose administrator is still there): a further number is refused (toll-fraud guard).
       */
      maxOutboundLegs: int(1, 100_000).default(100),
      /** How `*0` in an ordinary call is recognised. */
      star0: star0Schema.prefault({}),
      /** `freeswitch`: FreeSWITCH's English sound files where one fits (tones where the switch lacks them). */
      promptSet: promptSetSchema.default('freeswitch'),
      prompts: promptsSchema.prefault({}),
      /**
       * Several tenants on one PBX (FusionPBX: one dialplan context per domain): settings per context of the
       * administrator's call. A call from a context not listed gets the top-level settings.
       */
      tenants: record(contextName, tenantSchema).default({}),
      http: httpSchema.prefault({}),
      log: logSchema.prefault({}),
      history: historySchema.prefault({}),
      overload: overloadSchema.prefault({}),
    },
    { error: 'must be a mapping' },
  )
  .superRefine((config, ctx) => {
    const nodes = new Map<string, number>();
    config.eventSockets?.forEach((node, index) => {
      const id = `${node.host}:${node.port}`;
      const first = nodes.get(id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['eventSockets', index],
          message: `repeats eventSockets[${first}] (${id})`,
        });
      } else nodes.set(id, index);
      const password = node.password ?? config.eventSocket.password;
      if (
        password === FREESWITCH_DEFAULT_PASSWORD &&
        !isLoopbackHost(node.host) &&
        !config.eventSocket.allowDefaultPassword
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['eventSockets', index, 'password'],
          message: `is FreeSWITCH's default password on a host that is not this machine (${node.host}); change it, or set eventSocket.allowDefaultPassword: true`,
        });
      }
    });
    for (const [context, tenant] of Object.entries(config.tenants)) {
      const names = new Map<string, number>();
      tenant.routes.forEach((route, index) => {
        if (route.name === undefined) return;
        const first = names.get(route.name);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', context, 'routes', index, 'name'],
            message: `repeats the name of routes[${first}]`,
          });
        else names.set(route.name, index);
      });
    }
    const seen = new Map<string, number>();
    config.routes.forEach((route, index) => {
      if (route.name === undefined) return;
      const first = seen.get(route.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', index, 'name'],
          message: `repeats the name of routes[${first}]`,
        });
      } else {
        seen.set(route.name, index);
      }
    });
  });

export type Config = z.output<typeof configSchema>;
/** What a configuration file may hold before defaults and coercion. */
export type ConfigInput = z.input<typeof configSchema>;

/** Names of the top-level fields (used by env.ts to tell configuration variables from others). */
export const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set(Object.keys(configSchema.shape));
