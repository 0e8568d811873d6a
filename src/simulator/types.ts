// Public types of the FreeSWITCH simulator's scripting API (see index.ts for startSimulator).
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { SoundFiles } from './sounds.js';

/** The dialplan the simulator emulates; the same as the project's freeswitch-config/. */
export interface DialplanOptions {
  /**
   * Destination that reaches the controller (freeswitch-config/dialplan/default/00_dynconf.xml):
   * `set dynconf_role=admin`, `answer`, `sched_transfer +<parkTimeoutSec> dynconf_unavailable XML dynconf`,
   * `park`. Default `900`.
   */
  accessNumber?: string;
  /**
   * Seconds before the access number's scheduled fallback moves a call nobody took to the `dynconf`
   * context ("service unavailable", hangup SERVICE_UNAVAILABLE). The controller takes a call with
   * `api sched_del <uuid>` (`+OK Deleted: 1`). 0 = no fallback. Default 10, as the config.
   */
  parkTimeoutSec?: number;
  /** What the fallback plays. Default the special information tone of dialplan/dynconf.xml. */
  serviceUnavailablePrompt?: string;
  /**
   * Numbers that are local extensions: `export dynconf_star0=enabled`, `set call_timeout=30`,
   * `set hangup_after_bridge=true`, `bridge user/<ext>@<domain>`, `hangup ${originate_disposition}`.
   * Default `^(8[01]\d|10[01]\d)$`.
   */
  extensionPattern?: RegExp;
  /**
   * Numbers routed to a trunk, tried in order: `pattern` on the dialed digits → gateway name.
   * Default: none (an unknown number gets `UNALLOCATED_NUMBER`).
   */
  trunkRoutes?: Array<{ pattern: RegExp; gateway: string }>;
  /**
   * Extra extensions matched before everything else: destination → applications, e.g.
   * `{ '7100': [{ app: 'bridge', data: 'user/801' }] }`. Lets tests reproduce another dialplan exactly.
   */
  extensions?: Record<string, Array<{ app: string; data: string }>>;
  /** Numbers answered by voicemail (like the vanilla 7002): number → mailbox. Default none. */
  voicemailNumbers?: Record<string, string>;
  /** Dialplan context of inbound calls. Default `default`. */
  context?: string;
  /** SIP domain / host of the PBX. Default `127.0.0.1`. */
  domain?: string;
}

export interface SimulatorOptions {
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Listen port; 0 = an ephemeral port (read it back from `sim.port`). Default 0. */
  port?: number;
  /** Event-socket password. Default `ClueCon`. */
  password?: string;
  /** Time source for every timer (ring timeouts, prompts, park timeout). Default: the wall clock. */
  clock?: Clock;
  logger?: Logger;
  dialplan?: DialplanOptions;
  /** FreeSWITCH-Hostname / Switchname in events. Default `fs-sim`. */
  hostname?: string;
  /** Starting value of Event-Sequence. Default 1. */
  firstEventSequence?: number;
  /** Clock ms a sound file (not a tone/silence stream) plays. Default 2000. */
  fileDurationMs?: number;
  /** Clock ms between HEARTBEAT events (FreeSWITCH: 20 s). 0 = none. Default 20000. */
  heartbeatMs?: number;
  /**
   * Clock ms `show channels|calls|bridged_calls` trail the events, as FreeSWITCH's core database does
   * (`show tasks`: until the scheduler's next pass, at least this long). 0 = live. Default 200.
   */
  coreDbLagMs?: number;
  /**
   * Sound files on the switch: `standard` = the prompts of FreeSWITCH's English sound package
   * (sounds.ts STANDARD_PROMPTS, in rate folders under sound_prefix), `none` = no sound package. Default
   * `standard`. Change them later through `sim.sounds`.
   */
  sounds?: 'standard' | 'none';
}

/**
 * How a phone (extension in `sim.directory`, or the far end of a trunk) behaves when called.
 * Delays are in the simulator clock's milliseconds.
 */
export type PhoneBehaviour =
  /** 180 Ringing, then 200 OK after `afterMs` (default 1000). */
  | { kind: 'answer'; afterMs?: number }
  /** 180 Ringing for ever (until cancelled or the originate times out: NO_ANSWER). */
  | { kind: 'ring-forever' }
  /** 486 Busy Here → USER_BUSY. */
  | { kind: 'busy' }
  /** 603 Decline → CALL_REJECTED. */
  | { kind: 'reject' }
  /** Nothing reachable (503) → NORMAL_TEMPORARY_FAILURE. */
  | { kind: 'unreachable' }
  /** A black hole: no reply at all, not even 180 → NO_ANSWER when the originate times out. */
  | { kind: 'no-response' }
  /** Known user with no registration → USER_NOT_REGISTERED, no channel created. */
  | { kind: 'unregistered' }
  /** No such user in the directory → SUBSCRIBER_ABSENT, no channel created (also any unknown extension). */
  | { kind: 'no-such-user' }
  /** 183 Session Progress with SDP (early media), then 200 OK after `afterMs` (default 3000). */
  | { kind: 'early-media-then-answer'; afterMs?: number }
  /**
   * Forwarded to voicemail: the call is answered at once by a `loopback/` leg pair whose B side runs
   * `voicemail` (trace 09 part 1). Before `afterMs` (default 0) it rings like `answer`.
   */
  | { kind: 'voicemail'; afterMs?: number }
  /** Answers after `afterMs` (default 1000), then hangs up (BYE) `hangupAfterMs` after answering. */
  | { kind: 'answer-then-hangup'; afterMs?: number; hangupAfterMs: number };

export type PhoneBehaviourKind = PhoneBehaviour['kind'];

export interface GatewayOptions {
  /**
   * false: the trunk (FXO, GSM) signals "answered" at once whatever the far end does (and a busy far end is
   * heard as a tone on an answered call, not as a cause). Default true.
   */
  answerSupervision?: boolean;
  /** How the far end behaves for numbers without an entry in `numbers`. Default `{ kind: 'answer' }`. */
  farEnd?: PhoneBehaviour;
  /** Per-number far-end behaviour. */
  numbers?: Record<string, PhoneBehaviour>;
}

/** Where a call is now, from the caller's point of view. */
export type CallState =
  | 'ringing'
  | 'early'
  | 'parked'
  | 'in-conference'
  | 'bridged'
  | 'playing'
  | 'collecting'
  | 'executing'
  | 'gone';

export interface CallWhere {
  state: CallState;
  /** Conference room name while `in-conference`. */
  room?: string;
  /** The peer's uuid while `bridged`. */
  bridgedTo?: string;
  /** The application running now (`park`, `conference`, `playback`, …). */
  application?: string;
  /** Set once `gone`. */
  hangupCause?: string;
  answered: boolean;
}

/** One thing a leg heard, in order. */
export interface HeardItem {
  /** Simulator-clock time (ms since the epoch of the clock). */
  at: number;
  /**
   * `file`: a sound file prompt; `tone`: tone_stream://; `silence`: silence_stream://; `ringback`: the far
   * end rings (bridge); `conference`: entered a room; `party`: started talking with another leg;
   * `hold`: music or silence while the peer is away; `dtmf`: a digit forwarded from the peer.
   */
  kind: 'file' | 'tone' | 'silence' | 'ringback' | 'conference' | 'party' | 'hold' | 'dtmf';
  /** The file / tone spec / room name / peer uuid. */
  what: string;
}

/** A FreeSWITCH event as the simulator generated it (before any subscriber filtering). */
export interface SimEvent {
  name: string;
  subclass?: string;
  /** The event's headers in order; variables as `variable_<name>`. Array-valued variables are JSON arrays. */
  headers: ReadonlyArray<readonly [string, string | string[]]>;
  /** Convenience lookup of the first header with this name. */
  get(name: string): string | undefined;
  /** Channel the event is for (`Unique-ID`), if any. */
  uuid?: string;
  /** Event-Sequence. */
  sequence: number;
  body?: string;
}

export interface PlaceCallOptions {
  /** Caller's extension or number (caller id number and SIP user). */
  from: string;
  /** Dialed digits (destination_number). */
  to: string;
  /** Caller id name; default = `from`. */
  callerName?: string;
  /** Extra channel variables set on the inbound channel before the dialplan runs. */
  variables?: Record<string, string>;
  /** The phone's SIP contact `host:port` (Channel-Name `sofia/internal/<from>@<contact>`). Default per extension. */
  contact?: string;
  /**
   * The phone's domain on a multi-tenant PBX (FusionPBX): the call runs in the dialplan context of that name
   * with `domain_name` set to it. Default: the simulator's domain and context.
   */
  domain?: string;
}

export interface PressOptions {
  /**
   * `rtp` (default): RFC 2833 from the phone, reaches dialplan bindings. `info`: SIP INFO (ENDPOINT).
   * `injected`: as `uuid_recv_dtmf` injects them (APP): DTMF events, but never a dialplan binding.
   */
  source?: 'rtp' | 'info' | 'injected';
  /** Clock ms between keys. Default 100. */
  gapMs?: number;
}

/** A handle on one leg, to act as the phone on it. */
export interface SimCall {
  readonly uuid: string;
  /** Keys as the phone sends them (DTMF-Source RTP by default). Resolves once every key was delivered. */
  press(keys: string, options?: PressOptions): Promise<void>;
  /** The phone hangs up (BYE, or CANCEL while ringing): `NORMAL_CLEARING` / `recv_bye` unless told. */
  hangup(cause?: string): Promise<void>;
  /** Answer a ringing outbound leg now (as if the phone picked up), whatever its behaviour said. */
  answer(): Promise<void>;
  /** Talking / silent in a conference (drives start-talking / stop-talking). */
  talk(talking: boolean): void;
  where(): CallWhere;
  heard(): HeardItem[];
  /** Resolves when the leg is in `state` (and, if given, `room`). */
  waitUntil(state: CallState, options?: { room?: string; timeoutMs?: number }): Promise<CallWhere>;
}

export interface TwoPartyCall {
  a: SimCall;
  b: SimCall;
}

/** Channel as the simulator sees it (read-only snapshot). */
export interface ChannelInfo {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  callerIdNumber: string;
  callerIdName: string;
  destination: string;
  /** CS_* state. */
  state: string;
  /** DOWN / RINGING / EARLY / ACTIVE / HANGUP. */
  callState: string;
  answerState: 'ringing' | 'early' | 'answered' | 'hangup';
  application?: string;
  applicationData?: string;
  bridgedTo?: string;
  room?: string;
  variables: Record<string, string>;
  where: CallWhere;
}

export interface MemberInfo {
  id: number;
  uuid: string;
  moderator: boolean;
  canSpeak: boolean;
  canHear: boolean;
  talking: boolean;
}

export interface RoomInfo {
  name: string;
  profile: string;
  uuid: string;
  locked: boolean;
  members: MemberInfo[];
}

export interface WaitOptions {
  /** Wall-clock ms; default 5000. Rejects with an Error naming what was awaited. */
  timeoutMs?: number;
  /** Used in the timeout error. */
  what?: string;
}

export interface Faults {
  /** Closes every event-socket connection now (no disconnect notice); calls keep going. */
  dropConnections(): void;
  /** Holds every event for `ms` wall-clock ms before writing it (0: no delay). Replies are not delayed. */
  delayEvents(ms: number): void;
  /**
   * Lets events of different channels overtake each other within a window of `windowSize` events, as
   * FreeSWITCH's threads do; events of one channel keep their order. `false` turns it off.
   */
  reorderWithinAllowed(options: { windowSize?: number; seed?: number } | false): void;
  /** The event-socket side restarts: connections drop, the port refuses for `downMs`, calls keep going. */
  restart(options?: { downMs?: number }): Promise<void>;
  /**
   * FreeSWITCH restarts: connections drop, every channel and room vanishes without events, a new
   * Core-UUID; the port refuses for `downMs`.
   */
  crash(options?: { downMs?: number }): Promise<void>;
  /** While true, new connections are accepted and closed at once (FreeSWITCH unreachable). */
  refuseConnections(refuse: boolean): void;
}

export interface Simulator {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** Extensions → behaviour when called. Unknown extensions in the extension range are `no-such-user`. */
  readonly directory: Map<string, PhoneBehaviour>;
  /** Trunks reached by `sofia/gateway/<name>/<number>`. */
  readonly gateways: Map<string, GatewayOptions>;
  /**
   * Raw SIP dial strings `sofia/<profile>/<user>@<host[:port]>`: behaviour keyed by `user@host:port` (or
   * `host:port`). Unlisted URIs on the PBX's own domain fall back to `directory`; others are unreachable.
   */
  readonly sipEndpoints: Map<string, PhoneBehaviour>;
  readonly faults: Faults;
  readonly clock: Clock;

  /** An inbound SIP call through the dialplan. Resolves once the channel exists (CHANNEL_CREATE sent). */
  placeCall(options: PlaceCallOptions): Promise<SimCall>;
  /**
   * An ordinary call from one extension to another (or a trunk number) through the dialplan's `bridge`:
   * resolves once both legs are answered and bridged. Rejects if the callee does not answer.
   */
  placeTwoPartyCall(options: PlaceCallOptions & { timeoutMs?: number }): Promise<TwoPartyCall>;
  /** A handle on any live leg (e.g. an invitee the controller originated), to press keys or hang up. */
  call(uuid: string): SimCall;

  channels(): ChannelInfo[];
  channel(uuid: string): ChannelInfo | undefined;
  rooms(): RoomInfo[];
  room(name: string): RoomInfo | undefined;
  /** What the leg has heard so far (also after it hung up). */
  heard(uuid: string): HeardItem[];

  /** Every event generated, in order, to every listener; returns the unsubscribe function. */
  onEvent(listener: (event: SimEvent) => void): () => void;
  /** The switch's sound files (`file_exists`, what playback finds): install or remove prompts. */
  readonly sounds: SoundFiles;
  /** Resolves with the first truthy result of `check`, re-evaluated after every event and state change. */
  waitFor<T>(check: () => T | undefined | null | false, options?: WaitOptions): Promise<T>;
  /** Resolves with the first event (from now on) that matches. */
  waitForEvent(match: (event: SimEvent) => boolean, options?: WaitOptions): Promise<SimEvent>;

  /** Number of event-socket connections now open. */
  connectionCount(): number;
  /** Stops listening, closes connections, cancels every timer. Calls vanish without events. */
  close(): Promise<void>;
}
