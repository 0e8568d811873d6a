// A channel (one call leg) and how it renders into event headers (Channel-*, Caller-*, Other-Leg-*, variable_*).
import type { TimerHandle } from '../../clock.js';
import type { EventData, HeaderValue } from '../events/event.js';
import type { CallWhere, HeardItem, PhoneBehaviour } from '../types.js';
import { DigitMachine } from './digit-actions.js';
import type { DtmfSource, Frame } from './frame.js';

export type ChannelStateName =
  | 'CS_NEW'
  | 'CS_INIT'
  | 'CS_ROUTING'
  | 'CS_SOFT_EXECUTE'
  | 'CS_EXECUTE'
  | 'CS_EXCHANGE_MEDIA'
  | 'CS_PARK'
  | 'CS_CONSUME_MEDIA'
  | 'CS_HIBERNATE'
  | 'CS_RESET'
  | 'CS_HANGUP'
  | 'CS_REPORTING'
  | 'CS_DESTROY'
  | 'CS_NONE';

const STATE_NUMBER: Record<ChannelStateName, number> = {
  CS_NEW: 0,
  CS_INIT: 1,
  CS_ROUTING: 2,
  CS_SOFT_EXECUTE: 3,
  CS_EXECUTE: 4,
  CS_EXCHANGE_MEDIA: 5,
  CS_PARK: 6,
  CS_CONSUME_MEDIA: 7,
  CS_HIBERNATE: 8,
  CS_RESET: 9,
  CS_HANGUP: 10,
  CS_REPORTING: 11,
  CS_DESTROY: 12,
  CS_NONE: 13,
};

export type CallStateName = 'DOWN' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'RING_WAIT' | 'HANGUP';
export type AnswerStateName = 'ringing' | 'early' | 'answered' | 'hangup';

export interface CallerProfile {
  username?: string;
  dialplan?: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName?: string;
  origCallerIdNumber?: string;
  calleeIdName?: string;
  calleeIdNumber?: string;
  networkAddr?: string;
  ani: string;
  destinationNumber: string;
  source: string;
  transferSource?: string;
  context: string;
  profileIndex: number;
  profileCreated: number;
}

export interface ChannelTimes {
  created: number;
  answered: number;
  progress: number;
  progressMedia: number;
  hangup: number;
  transfer: number;
  bridged: number;
}

export type Endpoint = 'sofia' | 'loopback';

export interface BridgeLink {
  peer: Channel;
  role: 'a' | 'b';
  kind: 'uuid_bridge' | 'bridge';
}

export class Channel {
  state: ChannelStateName = 'CS_NEW';
  /** Channel-State-Number when it differs from the state's own number (CS_HANGUP while still executing). */
  stateNumberOverride?: number;
  callState: CallStateName = 'DOWN';
  answerState: AnswerStateName = 'ringing';
  hitDialplan: boolean;
  presenceId?: string;
  media = false;
  readCodec: 'PCMU' | 'L16' = 'PCMU';
  readonly vars = new Map<string, HeaderValue>();
  /** Variables handed to every leg this one originates (export / export_vars). */
  readonly exported = new Map<string, string>();
  other?: { type: 'originator' | 'originatee'; leg: Channel };
  hangupCause?: string;
  hangingUp = false;
  gone = false;
  /** Running applications: [0] from the dialplan, the rest run inside it (sendmsg, broadcast). */
  readonly stack: Frame[] = [];
  /** The extension being executed (dialplan apps left to run). */
  extension?: { apps: Array<{ app: string; data: string }>; next: number };
  /** sendmsg executes waiting for the running nested app. */
  readonly pending: Array<() => void> = [];
  bridge?: BridgeLink;
  /** Parked by park_after_bridge: CS_PARK without a park application. */
  parkedAfterBridge = false;
  /**
   * uuid_transfer accepted and not carried out yet: FreeSWITCH flags the channel (CF_TRANSFER) when the
   * command is answered, and a flagged channel whose bridge ends goes where it was sent instead of parking.
   */
  transfersPending = 0;
  memberId?: number;
  room?: string;
  /** Sticky Application-Response (set by playback). */
  appResponse?: string;
  readonly heard: HeardItem[] = [];
  readonly timers = new Set<TimerHandle>();
  /** uuid_recv_dtmf keys on their way (a transfer drops them). */
  readonly pendingDtmf: TimerHandle[] = [];
  /** Keys that arrived while no application read keys (between two apps): the next reader gets them. */
  readonly queuedDtmf: Array<{ readonly digit: string; readonly source: DtmfSource }> = [];
  /** How the phone on an outbound leg behaves (undefined for inbound legs). */
  behaviour?: PhoneBehaviour;
  /** The leg of a loopback pair on the other side. */
  loopbackPeer?: Channel;
  /** Outbound leg still being originated (ringing): who to tell how it goes. */
  originating?: { onHangup(cause: string): void; onAnswer?(): void; onEarlyMedia?(): void };
  hangupDisposition?: string;
  /** Who asked for the hangup: the phone (recv_*) or the switch (send_*). */
  hangupBy?: 'remote' | 'local';
  /** Digits bound with bind_meta_app on this leg. */
  metaBindings: Array<{ key: string; app: string; data: string }> = [];
  /** bind_digit_action: keys from this leg's phone (`self`) and from its bridge partner's (`peer`). */
  readonly digitMachines = { self: new DigitMachine(), peer: new DigitMachine() };
  metaArmed = false;
  answerSupervision = true;

  /** The caller profile as it was when the channel was created (show channels' initial_* columns). */
  readonly initial: CallerProfile;

  constructor(
    readonly uuid: string,
    public name: string,
    readonly direction: 'inbound' | 'outbound',
    readonly endpoint: Endpoint,
    public profile: CallerProfile,
    readonly times: ChannelTimes,
  ) {
    this.hitDialplan = direction === 'inbound';
    this.initial = { ...profile };
  }

  get stateNumber(): number {
    return this.stateNumberOverride ?? STATE_NUMBER[this.state];
  }

  get answered(): boolean {
    return this.answerState === 'answered' || (this.hangingUp && this.times.answered > 0);
  }

  getVar(name: string): string | undefined {
    const v = this.vars.get(name);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : v.join('|');
  }

  setVar(name: string, value: HeaderValue | undefined): void {
    if (value === undefined || value === '') this.vars.delete(name);
    else this.vars.set(name, value);
  }

  varTrue(name: string): boolean {
    const v = this.getVar(name)?.toLowerCase();
    return v === 'true' || v === 'yes' || v === 'on' || v === '1' || v === 'enabled';
  }

  /** The app running now (innermost). */
  get top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  where(): CallWhere {
    if (this.gone || this.hangingUp) {
      return { state: 'gone', hangupCause: this.hangupCause, answered: this.times.answered > 0 };
    }
    const base = { answered: this.answerState === 'answered', application: this.top?.app };
    if (this.bridge) return { ...base, state: 'bridged', bridgedTo: this.bridge.peer.uuid };
    const top = this.top;
    if (top?.app === 'play_and_get_digits') return { ...base, state: 'collecting' };
    if (top?.app === 'playback') return { ...base, state: 'playing' };
    if (top?.app === 'conference' && this.room !== undefined)
      return { ...base, state: 'in-conference', room: this.room };
    if (top?.app === 'park' || this.parkedAfterBridge) return { ...base, state: 'parked' };
    if (top !== undefined && top.app !== 'bridge') return { ...base, state: 'executing' };
    if (this.answerState === 'early') return { ...base, state: 'early' };
    if (this.answerState === 'ringing') return { ...base, state: 'ringing' };
    return { ...base, state: 'executing' };
  }

  /** Channel-*, Caller-*, Other-Leg-* (and variable_* when `withVariables`), in FreeSWITCH's order. */
  appendTo(event: EventData, withVariables: boolean): void {
    event
      .add('Channel-State', this.state)
      .add('Channel-Call-State', this.callState)
      .add('Channel-State-Number', String(this.stateNumber))
      .add('Channel-Name', this.name)
      .add('Unique-ID', this.uuid)
      .add('Call-Direction', this.direction)
      .add('Presence-Call-Direction', this.direction)
      .add('Channel-HIT-Dialplan', this.hitDialplan ? 'true' : 'false');
    if (this.presenceId !== undefined) event.add('Channel-Presence-ID', this.presenceId);
    event.add('Channel-Call-UUID', this.uuid).add('Answer-State', this.answerState);
    if (this.hangupCause !== undefined) event.add('Hangup-Cause', this.hangupCause);
    if (this.media) {
      const l16 = this.readCodec === 'L16';
      event
        .add('Channel-Read-Codec-Name', this.readCodec)
        .add('Channel-Read-Codec-Rate', '8000')
        .add('Channel-Read-Codec-Bit-Rate', l16 ? '128000' : '64000')
        .add('Channel-Write-Codec-Name', 'PCMU')
        .add('Channel-Write-Codec-Rate', '8000')
        .add('Channel-Write-Codec-Bit-Rate', '64000');
    }
    appendProfile(event, 'Caller', this, this.direction);
    if (this.other !== undefined) {
      event.add('Other-Type', this.other.type);
      appendProfile(event, 'Other-Leg', this.other.leg, this.other.leg.direction);
    }
    if (withVariables) {
      for (const [k, v] of this.vars) event.add(`variable_${k}`, v);
    }
  }
}

function appendProfile(event: EventData, prefix: string, ch: Channel, direction: string): void {
  const p = ch.profile;
  const t = ch.times;
  event.add(`${prefix}-Direction`, direction).add(`${prefix}-Logical-Direction`, direction);
  // FreeSWITCH leaves out empty caller-profile fields
  const opt = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') event.add(`${prefix}-${key}`, value);
  };
  opt('Username', p.username);
  opt('Dialplan', p.dialplan);
  opt('Caller-ID-Name', p.callerIdName);
  opt('Caller-ID-Number', p.callerIdNumber);
  opt('Orig-Caller-ID-Name', p.origCallerIdName);
  opt('Orig-Caller-ID-Number', p.origCallerIdNumber);
  opt('Callee-ID-Name', p.calleeIdName);
  opt('Callee-ID-Number', p.calleeIdNumber);
  opt('Network-Addr', p.networkAddr);
  event
    .add(`${prefix}-ANI`, p.ani)
    .add(`${prefix}-Destination-Number`, p.destinationNumber)
    .add(`${prefix}-Unique-ID`, ch.uuid)
    .add(`${prefix}-Source`, p.source);
  if (p.transferSource !== undefined) event.add(`${prefix}-Transfer-Source`, p.transferSource);
  event
    .add(`${prefix}-Context`, p.context)
    .add(`${prefix}-Channel-Name`, ch.name)
    .add(`${prefix}-Profile-Index`, String(p.profileIndex))
    .add(`${prefix}-Profile-Created-Time`, String(p.profileCreated))
    .add(`${prefix}-Channel-Created-Time`, String(t.created))
    .add(`${prefix}-Channel-Answered-Time`, String(t.answered))
    .add(`${prefix}-Channel-Progress-Time`, String(t.progress))
    .add(`${prefix}-Channel-Progress-Media-Time`, String(t.progressMedia))
    .add(`${prefix}-Channel-Hangup-Time`, String(t.hangup))
    .add(`${prefix}-Channel-Transfer-Time`, String(t.transfer))
    .add(`${prefix}-Channel-Resurrect-Time`, '0')
    .add(`${prefix}-Channel-Bridged-Time`, String(t.bridged))
    .add(`${prefix}-Channel-Last-Hold`, '0')
    .add(`${prefix}-Channel-Hold-Accum`, '0')
    .add(`${prefix}-Screen-Bit`, 'true')
    .add(`${prefix}-Privacy-Hide-Name`, 'false')
    .add(`${prefix}-Privacy-Hide-Number`, 'false');
}
