// The ONE module that owns FreeSWITCH command strings. Every builder validates or escapes its inputs
// (escape.ts) and returns an opaque command object; nothing outside this module can make one, and
// connection.ts refuses objects that were not made here. Builders never throw: bad input comes back
// as `{ ok: false, error }` naming the field and the rule.
import {
  checkDialString,
  checkDtmfDigits,
  checkFreeText,
  checkHangupCause,
  checkInteger,
  checkRoomOrProfile,
  checkToken,
  checkUuid,
  checkVariableName,
  escapeApiArgument,
  escapeOriginateValue,
} from './escape.js';
import { type BuildResult, type InvalidCommandInput, invalidInput } from './result.js';

let newApiCommand: (name: string, args: string) => ApiCommand;
let newAppCommand: (
  callCommand: 'execute' | 'hangup',
  app: string,
  arg: string,
  longRunning: boolean,
  eventLock?: boolean,
) => AppCommand;

/**
 * An api command (`uuid_transfer …`, `originate …`, `conference …`), sent by the connection as
 * `bgapi <text>` (or `api <text>`). Only commands.ts constructs it.
 */
export class ApiCommand {
  /** Nominal brand: a structurally equal object literal is not an ApiCommand. */
  readonly #brand = 'api';
  /** The whole command line, e.g. `uuid_kill <uuid> NORMAL_CLEARING`. One line, validated. */
  readonly text: string;
  /** The api name, e.g. `uuid_kill` (for logs and counters). */
  readonly name: string;
  private constructor(name: string, args: string) {
    this.name = name;
    this.text = args === '' ? name : `${name} ${args}`;
  }
  static {
    // The only way to make one; the function stays inside this module.
    newApiCommand = (name, args) => new ApiCommand(name, args);
  }
  /** True for objects built by commands.ts (used by connection.ts to refuse anything else). */
  static is(value: unknown): value is ApiCommand {
    return typeof value === 'object' && value !== null && #brand in value;
  }
}

/**
 * A message for one channel, sent with `sendmsg <uuid>`: `execute` of an allowed dialplan application
 * (`execute-app-name`/`execute-app-arg`), or `hangup` with a cause. Only commands.ts constructs it.
 */
export class AppCommand {
  readonly #brand = 'app';
  /** `execute` or `hangup` (`call-command`). */
  readonly callCommand: 'execute' | 'hangup';
  /** Application name for `execute` (`execute-app-name`); `hangup` for a hangup. */
  readonly app: string;
  /** `execute-app-arg` (may be `''`), or the hangup cause. */
  readonly arg: string;
  /** True for long-running apps (`park`, …) whose CHANNEL_EXECUTE_COMPLETE must not be awaited. */
  readonly longRunning: boolean;
  /**
   * `event-lock: true`: messages sent after it wait until it has finished. Without it FreeSWITCH runs a
   * message that arrives while an app runs inside that app (a `hangup` sent behind a `playback` cuts it).
   */
  readonly eventLock: boolean;
  private constructor(
    callCommand: 'execute' | 'hangup',
    app: string,
    arg: string,
    longRunning: boolean,
    eventLock: boolean,
  ) {
    this.callCommand = callCommand;
    this.app = app;
    this.arg = arg;
    this.longRunning = longRunning;
    this.eventLock = eventLock;
  }
  static {
    newAppCommand = (callCommand, app, arg, longRunning, eventLock = false) =>
      new AppCommand(callCommand, app, arg, longRunning, eventLock);
  }
  static is(value: unknown): value is AppCommand {
    return typeof value === 'object' && value !== null && #brand in value;
  }
}

/** A command line plus its header lines, built only here; encodeFrame() turns it into bytes. */
export interface EslFrame {
  /** First line: `sendmsg <uuid>`, `bgapi <command>`, `api <command>`. */
  readonly command: string;
  /** Header lines in order (`call-command`, `execute-app-name`, `job-uuid`, …), each one line. */
  readonly headers: Readonly<Record<string, string>>;
}

function ok<T>(command: T): BuildResult<T> {
  return { ok: true, command };
}
function fail<T>(error: InvalidCommandInput): BuildResult<T> {
  return { ok: false, error };
}
function api(name: string, args: string): BuildResult<ApiCommand> {
  return ok(newApiCommand(name, args));
}
/** The first failed check, if any. */
function firstError(...checks: (InvalidCommandInput | undefined)[]): InvalidCommandInput | undefined {
  for (const c of checks) if (c) return c;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Channel control (api)

/** `uuid_transfer <uuid> park inline`: out of whatever the channel runs (room, bridge) into park. */
export function transferToPark(uuid: string): BuildResult<ApiCommand> {
  const bad = checkUuid('uuid', uuid);
  return bad ? fail(bad) : api('uuid_transfer', `${uuid} park inline`);
}

export interface ConferenceTarget {
  /** Room name: 1-64 of A-Z a-z 0-9 _ . - (a comma would start another inline app). */
  room: string;
  /** Conference profile, e.g. `dynconf` (same charset). */
  profile: string;
  /** Join with `+flags{moderator}`. */
  moderator?: boolean;
  /** `-both`: move the channel and its bridged peer (both get the same flags; see trace 07). */
  both?: boolean;
}

/** `uuid_transfer <uuid> [-both] conference:<room>@<profile>[+flags{moderator}] inline`. */
export function transferToConference(uuid: string, target: ConferenceTarget): BuildResult<ApiCommand> {
  const bad = firstError(
    checkUuid('uuid', uuid),
    checkRoomOrProfile('room', target.room),
    checkRoomOrProfile('profile', target.profile),
  );
  if (bad) return fail(bad);
  const flags = target.moderator ? '+flags{moderator}' : '';
  const both = target.both ? '-both ' : '';
  return api('uuid_transfer', `${uuid} ${both}conference:${target.room}@${target.profile}${flags} inline`);
}

/**
 * `uuid_transfer <uuid> <extension> XML <context>`: into an extension of the XML dialplan, e.g. the access
 * number's "service unavailable" fallback (`dynconf_unavailable` in context `dynconf`).
 */
export function transferToExtension(
  uuid: string,
  target: { extension: string; context: string },
): BuildResult<ApiCommand> {
  const bad = firstError(
    checkUuid('uuid', uuid),
    checkRoomOrProfile('extension', target.extension),
    checkRoomOrProfile('context', target.context),
  );
  return bad ? fail(bad) : api('uuid_transfer', `${uuid} ${target.extension} XML ${target.context}`);
}

/** `uuid_bridge <a> <b>`: replies `+OK <b>`; `-ERR Invalid uuid` if either is gone. */
export function bridge(aLegUuid: string, bLegUuid: string): BuildResult<ApiCommand> {
  const bad = firstError(checkUuid('aLegUuid', aLegUuid), checkUuid('bLegUuid', bLegUuid));
  return bad ? fail(bad) : api('uuid_bridge', `${aLegUuid} ${bLegUuid}`);
}

/** `uuid_kill <uuid> [cause]`. */
export function kill(uuid: string, cause?: string): BuildResult<ApiCommand> {
  const bad = firstError(
    checkUuid('uuid', uuid),
    cause === undefined ? undefined : checkHangupCause('cause', cause),
  );
  return bad ? fail(bad) : api('uuid_kill', cause === undefined ? uuid : `${uuid} ${cause}`);
}

/** `uuid_setvar <uuid> <name> <value>` (value escaped for FreeSWITCH's argument split). */
export function setVariable(uuid: string, name: string, value: string): BuildResult<ApiCommand> {
  const bad = firstError(checkUuid('uuid', uuid), checkVariableName('name', name));
  if (bad) return fail(bad);
  const escaped = escapeApiArgument('value', value);
  if (!escaped.ok) return fail(escaped.error);
  return api('uuid_setvar', `${uuid} ${name} ${escaped.text}`);
}

/** `uuid_setvar <uuid> <name>` without a value: unsets the variable (e.g. a PIN read into it). */
export function unsetVariable(uuid: string, name: string): BuildResult<ApiCommand> {
  const bad = firstError(checkUuid('uuid', uuid), checkVariableName('name', name));
  return bad ? fail(bad) : api('uuid_setvar', `${uuid} ${name}`);
}

/**
 * `sched_del <uuid>`: deletes the tasks scheduled for the channel, i.e. the access number's fallback
 * `sched_transfer` (freeswitch-config/dialplan/default/00_dynconf.xml). Reply `+OK Deleted: <n>`.
 */
export function cancelScheduledTasks(uuid: string): BuildResult<ApiCommand> {
  const bad = checkUuid('uuid', uuid);
  return bad ? fail(bad) : api('sched_del', uuid);
}

/** `uuid_getvar <uuid> <name>`: the value, or `_undef_` when unset. */
export function getVariable(uuid: string, name: string): BuildResult<ApiCommand> {
  const bad = firstError(checkUuid('uuid', uuid), checkVariableName('name', name));
  return bad ? fail(bad) : api('uuid_getvar', `${uuid} ${name}`);
}

/** `global_getvar <name>`: a global variable of the switch, e.g. `sound_prefix` (empty when unset). */
export function globalVariable(name: string): BuildResult<ApiCommand> {
  const bad = checkVariableName('name', name);
  return bad ? fail(bad) : api('global_getvar', name);
}

/**
 * `file_exists <path>`: a plain stat on the switch (no rate folders, no variables). Only absolute paths of
 * the characters sound paths use: the answer for anything else would mean nothing.
 */
export function fileExists(path: string): BuildResult<ApiCommand> {
  if (!/^\/[A-Za-z0-9_./@+=-]{1,1023}$/.test(path) || path.includes('/../'))
    return fail(
      invalidInput('path', path, 'must be an absolute file path of letters, digits and _ . / @ + = -'),
    );
  return api('file_exists', path);
}

const PACKED = /^[A-Za-z0-9_-]+$/;
const MAX_PACKED_LENGTH = 16384;

/**
 * `uuid_setvar <uuid> <name> <value>` for a packed value: base64url text (A-Z a-z 0-9 _ -, at most
 * 16384 characters), e.g. a session snapshot kept on the channel. Nothing in it needs escaping.
 */
export function setPackedVariable(uuid: string, name: string, value: string): BuildResult<ApiCommand> {
  const bad = firstError(checkUuid('uuid', uuid), checkVariableName('name', name));
  if (bad) return fail(bad);
  // The length is checked apart: a bounded repeat ({1,16384}) costs twice as much on every snapshot written.
  if (value.length > MAX_PACKED_LENGTH || !PACKED.test(value)) {
    return fail(invalidInput('value', value.slice(0, 64), 'must be 1-16384 characters of A-Z a-z 0-9 _ -'));
  }
  return api('uuid_setvar', `${uuid} ${name} ${value}`);
}

/** `uuid_dump <uuid> json`: the channel as one CHANNEL_DATA object, variables as `variable_<name>`. */
export function dumpChannel(uuid: string): BuildResult<ApiCommand> {
  const bad = checkUuid('uuid', uuid);
  return bad ? fail(bad) : api('uuid_dump', `${uuid} json`);
}

/** `uuid_exists <uuid>`: `true` / `false`. */
export function exists(uuid: string): BuildResult<ApiCommand> {
  const bad = checkUuid('uuid', uuid);
  return bad ? fail(bad) : api('uuid_exists', uuid);
}

/** Which legs hear a `uuid_broadcast`. */
export type BroadcastLeg = 'aleg' | 'bleg' | 'both';

/**
 * `uuid_broadcast <uuid> <path> <leg>`: play a file to a channel (or both sides of its bridge).
 * The path must be one token without `::` (uuid_broadcast would run `app::args` as an application).
 */
export function broadcast(uuid: string, path: string, leg: BroadcastLeg): BuildResult<ApiCommand> {
  const bad = firstError(checkUuid('uuid', uuid), checkToken('path', path));
  if (bad) return fail(bad);
  if (path.includes('::'))
    return fail(invalidInput('path', path, 'must not contain "::" (would run an app)'));
  if (leg !== 'aleg' && leg !== 'bleg' && leg !== 'both') {
    return fail(invalidInput('leg', String(leg), 'must be aleg, bleg or both'));
  }
  return api('uuid_broadcast', `${uuid} ${path} ${leg}`);
}

/** `uuid_break <uuid> [all]`: stop what the channel is playing (`all`: and everything queued). */
export function breakMedia(uuid: string, all = false): BuildResult<ApiCommand> {
  const bad = checkUuid('uuid', uuid);
  return bad ? fail(bad) : api('uuid_break', all ? `${uuid} all` : uuid);
}

// ---------------------------------------------------------------------------------------------
// Originate

export interface OriginateOptions {
  /** Our own uuid for the new leg (`origination_uuid`): makes a replayed originate harmless to check. */
  uuid: string;
  /** Dial string from routing, e.g. `user/801` or `sofia/gateway/gw1/0611223344`. */
  dialString: string;
  /** `originate_timeout` in seconds (ring timeout), 1-3600. */
  timeoutSec: number;
  /** `ignore_early_media` (default true: a 183 with SDP does not count as answered). */
  ignoreEarlyMedia?: boolean;
  /** `origination_caller_id_number`. */
  callerIdNumber?: string;
  /** `origination_caller_id_name` (spaces and commas escaped; quotes, braces, backslash rejected). */
  callerIdName?: string;
  /**
   * Extra channel variables, e.g. `{ dynconf_role: 'invitee', dynconf_room: 'r-1' }`.
   * Names: A-Z a-z 0-9 _ ; values escaped like callerIdName. The variables set by the options above
   * cannot be given here.
   */
  variables?: Readonly<Record<string, string>>;
}

const ORIGINATE_RESERVED = new Set([
  'origination_uuid',
  'originate_timeout',
  'ignore_early_media',
  'origination_caller_id_number',
  'origination_caller_id_name',
]);

/**
 * `originate {origination_uuid=…,originate_timeout=…,ignore_early_media=true,…}<dialString> &park()`.
 * Send it with `bgapi`: the BACKGROUND_JOB body is `+OK <uuid>` or `-ERR <CAUSE>` (NO_ANSWER,
 * USER_BUSY, …). The new leg parks once answered; all its events carry `Unique-ID` = `uuid`.
 */
export function originate(options: OriginateOptions): BuildResult<ApiCommand> {
  return originateThen(options, '&park()');
}

/**
 * `originate {…}<dialString> &conference(<room>@<profile>)`: the answered leg goes straight into the room
 * as an ordinary member (the operator API's invitation). Same variables and results as `originate`.
 */
export function originateIntoRoom(
  options: OriginateOptions,
  target: { room: string; profile: string },
): BuildResult<ApiCommand> {
  const bad = firstError(
    checkRoomOrProfile('room', target.room),
    checkRoomOrProfile('profile', target.profile),
  );
  return bad ? fail(bad) : originateThen(options, `&conference(${target.room}@${target.profile})`);
}

function originateThen(options: OriginateOptions, application: string): BuildResult<ApiCommand> {
  const bad = firstError(
    checkUuid('uuid', options.uuid),
    checkDialString('dialString', options.dialString),
    checkInteger('timeoutSec', options.timeoutSec, 1, 3600),
  );
  if (bad) return fail(bad);
  const vars: string[] = [`origination_uuid=${options.uuid}`, `originate_timeout=${options.timeoutSec}`];
  if (options.ignoreEarlyMedia ?? true) vars.push('ignore_early_media=true');
  const add = (name: string, value: string): InvalidCommandInput | undefined => {
    const escaped = escapeOriginateValue(name, value);
    if (!escaped.ok) return escaped.error;
    vars.push(`${name}=${escaped.text}`);
    return undefined;
  };
  if (options.callerIdNumber !== undefined) {
    const e = add('origination_caller_id_number', options.callerIdNumber);
    if (e) return fail({ ...e, field: 'callerIdNumber' });
  }
  if (options.callerIdName !== undefined) {
    const e = add('origination_caller_id_name', options.callerIdName);
    if (e) return fail({ ...e, field: 'callerIdName' });
  }
  for (const [name, value] of Object.entries(options.variables ?? {})) {
    const badName = checkVariableName(`variables.${name}`, name);
    if (badName) return fail(badName);
    if (ORIGINATE_RESERVED.has(name)) {
      return fail(invalidInput(`variables.${name}`, name, 'is set by its own option'));
    }
    const e = add(name, value);
    if (e) return fail({ ...e, field: `variables.${name}` });
  }
  return api('originate', `{${vars.join(',')}}${options.dialString} ${application}`);
}

// ---------------------------------------------------------------------------------------------
// Conference and state queries

/** `conference <room> json_list`, or `conference json_list` (every room) without a room. */
export function conferenceJsonList(room?: string): BuildResult<ApiCommand> {
  if (room === undefined) return api('conference', 'json_list');
  const bad = checkRoomOrProfile('room', room);
  return bad ? fail(bad) : api('conference', `${room} json_list`);
}

/** Who a member command applies to: a `Member-ID`, or FreeSWITCH's `all` / `last` / `non_moderator`. */
export type MemberSelector = number | 'all' | 'last' | 'non_moderator';

function checkMember(member: MemberSelector): InvalidCommandInput | undefined {
  if (member === 'all' || member === 'last' || member === 'non_moderator') return undefined;
  return checkInteger('member', member, 0, 2 ** 31 - 1);
}

/** `conference <room> kick|hup|mute|unmute <member>`. */
export function conferenceMember(
  room: string,
  action: 'kick' | 'hup' | 'mute' | 'unmute',
  member: MemberSelector,
): BuildResult<ApiCommand> {
  const bad = firstError(checkRoomOrProfile('room', room), checkMember(member));
  if (bad) return fail(bad);
  if (!['kick', 'hup', 'mute', 'unmute'].includes(action)) {
    return fail(invalidInput('action', String(action), 'must be kick, hup, mute or unmute'));
  }
  return api('conference', `${room} ${action} ${member}`);
}

/** `conference <room> lock|unlock`. */
export function conferenceLock(room: string, locked: boolean): BuildResult<ApiCommand> {
  const bad = checkRoomOrProfile('room', room);
  return bad ? fail(bad) : api('conference', `${room} ${locked ? 'lock' : 'unlock'}`);
}

/** `show channels as json`: `{"row_count":N,"rows":[…]}`, or `{"row_count": 0}` with no channels. */
export function showChannelsJson(): BuildResult<ApiCommand> {
  return api('show', 'channels as json');
}

// ---------------------------------------------------------------------------------------------
// Applications run on a channel with sendmsg

/** Apps dynconf may run with `sendmsg`; anything else is refused (an unknown app hangs the call up). */
export const ALLOWED_APPS = [
  'answer',
  'pre_answer',
  'ring_ready',
  'park',
  'playback',
  'endless_playback',
  'play_and_get_digits',
  'gentones',
  'sleep',
  'hangup',
] as const;
export type AllowedApp = (typeof ALLOWED_APPS)[number];

/** Apps that keep running until the channel leaves them: never await their completion. */
const LONG_RUNNING: ReadonlySet<string> = new Set(['park', 'endless_playback']);

/**
 * `execute <app> <arg>` for an allowed app. `arg` is the app's whole data: one line, no `${`.
 * Prefer the specific builders below, which validate each argument.
 */
export function executeApp(app: AllowedApp, arg = ''): BuildResult<AppCommand> {
  if (!(ALLOWED_APPS as readonly string[]).includes(app)) {
    return fail(invalidInput('app', String(app), `must be one of ${ALLOWED_APPS.join(', ')}`));
  }
  if (arg !== '') {
    const bad = checkFreeText('arg', arg, 1024);
    if (bad) return fail(bad);
  }
  return ok(newAppCommand('execute', app, arg, LONG_RUNNING.has(app)));
}

export const answer = (): BuildResult<AppCommand> => executeApp('answer');
export const park = (): BuildResult<AppCommand> => executeApp('park');

/**
 * `playback <path>` (a file, `silence_stream://…`, `tone_stream://…`). `eventLock`: what is sent to the
 * channel after it waits for the end of the prompt (see AppCommand.eventLock).
 */
export function playback(path: string, options: { eventLock?: boolean } = {}): BuildResult<AppCommand> {
  const bad = checkToken('path', path, 1024);
  if (bad) return fail(bad);
  return options.eventLock
    ? ok(newAppCommand('execute', 'playback', path, false, true))
    : executeApp('playback', path);
}

/** `call-command: hangup` with `hangup-cause` (default NORMAL_CLEARING). */
export function hangup(cause = 'NORMAL_CLEARING'): BuildResult<AppCommand> {
  const bad = checkHangupCause('cause', cause);
  return bad ? fail(bad) : ok(newAppCommand('hangup', 'hangup', cause, false));
}

export interface PlayAndGetDigitsOptions {
  minDigits: number;
  maxDigits: number;
  /** How many times the prompt is played before giving up. */
  tries: number;
  /** Wait for the first digit after the prompt, ms. */
  timeoutMs: number;
  /** Keys that end entry, e.g. `#`; `none` for none. */
  terminators: string;
  /** Prompt file / stream. */
  prompt: string;
  /** Played after an entry that does not match `regexp`. */
  invalidPrompt: string;
  /** Channel variable that receives the digits (`variable_<name>` in EXECUTE_COMPLETE). */
  variable: string;
  /** PCRE the entry must match, e.g. `\d+` or `^\d{4}$` (one token, no spaces). */
  regexp: string;
  /** Inter-digit timeout, ms. */
  digitTimeoutMs: number;
}

/**
 * `play_and_get_digits <min> <max> <tries> <timeout> <terminators> <prompt> <invalid-prompt> <var>
 * <regexp> <digit-timeout>`, the order FreeSWITCH 1.10 reads (trace 02). The result is in
 * `variable_<variable>` and `variable_read_result` of the CHANNEL_EXECUTE_COMPLETE whose
 * Application-UUID is the event-uuid sent with it.
 */
export function playAndGetDigits(o: PlayAndGetDigitsOptions): BuildResult<AppCommand> {
  const bad = firstError(
    checkInteger('minDigits', o.minDigits, 0, 128),
    checkInteger('maxDigits', o.maxDigits, Math.max(1, o.minDigits), 128),
    checkInteger('tries', o.tries, 1, 100),
    checkInteger('timeoutMs', o.timeoutMs, 1, 3_600_000),
    o.terminators === 'none' ? undefined : checkDtmfDigits('terminators', o.terminators),
    checkToken('prompt', o.prompt, 1024),
    checkToken('invalidPrompt', o.invalidPrompt, 1024),
    checkVariableName('variable', o.variable),
    checkToken('regexp', o.regexp, 256),
    checkInteger('digitTimeoutMs', o.digitTimeoutMs, 1, 3_600_000),
  );
  if (bad) return fail(bad);
  const arg = [
    o.minDigits,
    o.maxDigits,
    o.tries,
    o.timeoutMs,
    o.terminators,
    o.prompt,
    o.invalidPrompt,
    o.variable,
    o.regexp,
    o.digitTimeoutMs,
  ].join(' ');
  return executeApp('play_and_get_digits', arg);
}

/**
 * The `sendmsg` frame for an AppCommand on a channel: header names as FreeSWITCH's clients and the
 * recordings spell them. `eventUuid` comes back as `Application-UUID` on the app's EXECUTE/EXECUTE_COMPLETE.
 */
export function sendmsgFrame(uuid: string, command: AppCommand, eventUuid: string): BuildResult<EslFrame> {
  const bad = firstError(checkUuid('uuid', uuid), checkUuid('eventUuid', eventUuid));
  if (bad) return fail(bad);
  if (!AppCommand.is(command))
    return fail(invalidInput('command', String(command), 'must be built by commands.ts'));
  const headers: Record<string, string> =
    command.callCommand === 'hangup'
      ? { 'call-command': 'hangup', 'hangup-cause': command.arg }
      : command.arg === ''
        ? { 'call-command': 'execute', 'execute-app-name': command.app, 'event-uuid': eventUuid }
        : {
            'call-command': 'execute',
            'execute-app-name': command.app,
            'execute-app-arg': command.arg,
            'event-uuid': eventUuid,
          };
  return ok({
    command: `sendmsg ${uuid}`,
    headers: command.eventLock ? { ...headers, 'event-lock': 'true' } : headers,
  });
}

/** `bgapi <command>` with our job uuid (the header FreeSWITCH reads: `job-uuid`). */
export function bgapiFrame(command: ApiCommand, jobUuid: string): BuildResult<EslFrame> {
  const bad = checkUuid('jobUuid', jobUuid);
  if (bad) return fail(bad);
  if (!ApiCommand.is(command))
    return fail(invalidInput('command', String(command), 'must be built by commands.ts'));
  return ok({ command: `bgapi ${command.text}`, headers: { 'job-uuid': jobUuid } });
}

/** `api <command>`: the reply is an `api/response` whose body is the command's output. */
export function apiFrame(command: ApiCommand): BuildResult<EslFrame> {
  if (!ApiCommand.is(command))
    return fail(invalidInput('command', String(command), 'must be built by commands.ts'));
  return ok({ command: `api ${command.text}`, headers: {} });
}

/** A CUSTOM subclass to subscribe to (`vendor::name`): it goes on the subscription line as is. */
export function checkCustomSubclass(subclass: string): InvalidCommandInput | undefined {
  return /^[A-Za-z0-9_]+(::[A-Za-z0-9_]+)+$/.test(subclass)
    ? undefined
    : invalidInput('subclass', subclass, 'must look like vendor::name (A-Z a-z 0-9 _)');
}

// ---------------------------------------------------------------------------------------------
// Session commands: what connection.ts writes at the start of every session, before anything else.

/** `auth <password>`, the first command of every session (the one place the password is written). */
export function authFrame(password: string): EslFrame {
  return { command: `auth ${password}`, headers: {} };
}

/** `event json <NAME>`: FreeSWITCH sends that event type from now on, as JSON. */
export function subscribeFrame(eventName: string): BuildResult<EslFrame> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(eventName))
    return fail(invalidInput('eventName', eventName, 'must be an event name (A-Z 0-9 _)'));
  return ok({ command: `event json ${eventName}`, headers: {} });
}

/** `event json CUSTOM <subclass> ` (FreeSWITCH splits the line on spaces: the trailing one is harmless). */
export function subscribeCustomFrame(subclass: string): BuildResult<EslFrame> {
  const bad = checkCustomSubclass(subclass);
  if (bad) return fail(bad);
  return ok({ command: `event json CUSTOM ${subclass} `, headers: {} });
}

/** The bytes of a frame: its command line, one `name: value` line per header, then a blank line. */
export function encodeFrame(frame: EslFrame): Buffer {
  let text = `${frame.command}\n`;
  for (const [name, value] of Object.entries(frame.headers)) text += `${name}: ${value}\n`;
  return Buffer.from(`${text}\n`, 'utf8');
}
