// What a session knows about one of its channels: where it is (parked, in a room, bridged), what it is
// running that we started, whether it is gone; and waiters for the facts a queued effect needs next
// (the leg parked, our app completed). Fed with every event routed to the leg.
import type { Clock } from '../clock.js';
import type { DynconfEvent } from '../esl/events.js';

export type LegRole = 'admin' | 'other' | 'invitee' | 'related';

/** `collecting` of an entry this controller did not start (taken over after a restart). */
export const ADOPTED_ENTRY = 'adopted';

export type WaitOutcome = 'matched' | 'gone' | 'timeout' | 'superseded';

export interface WaitResult {
  readonly outcome: WaitOutcome;
  /** The event that matched (outcome `matched`). */
  readonly event?: DynconfEvent;
}

interface Waiter {
  readonly match: (event: DynconfEvent) => boolean;
  readonly settle: (outcome: WaitOutcome, event?: DynconfEvent) => void;
}

/** Facts about an invitee leg that make each of its outcomes reported once. */
export interface InviteeFacts {
  /** `invitee.answered` was reported. */
  answered: boolean;
  /** `invitee.failed` / `invitee.hungUp` was reported. */
  ended: boolean;
  /** `invitee.voicemail` was reported. */
  voicemail: boolean;
  /** We asked FreeSWITCH to hang it up (its ORIGINATOR_CANCEL / NORMAL_CLEARING is ours). */
  cancelled: boolean;
  /** Handed to the room with `**`: not this session's to end any more. */
  joined: boolean;
  /** The originate's background job finished (either way). */
  jobDone: boolean;
}

export class Leg {
  readonly uuid: string;
  readonly role: LegRole;
  /** For invitee and related legs: the invitee leg id (origination uuid) they belong to. */
  readonly inviteeId: string | undefined;
  parked = false;
  /** Left a bridge (or was sent to park) and should park by itself shortly (park_after_bridge). */
  parkExpected = false;
  inRoom = false;
  bridgedTo: string | undefined;
  gone = false;
  /** A channel event was seen for it (an originated leg exists in FreeSWITCH). */
  seen = false;
  /** playback_terminators was set to `none` on the channel (see LegActions.keepPlayingOnKeys). */
  terminatorsCleared = false;
  /** Our hangup found no such channel yet (originate still starting): hang it up when it shows up. */
  killRetry = false;
  /** Event uuid of a looping playback we started (ringback, hold music), until it completes. */
  looping: string | undefined;
  /** Its CHANNEL_EXECUTE was seen: it runs now (a break sent before that would find nothing to stop). */
  loopingStarted = false;
  /** Event uuid of a play_and_get_digits we started (or ADOPTED_ENTRY), until it completes. */
  collecting: string | undefined;
  readonly invitee: InviteeFacts = {
    answered: false,
    ended: false,
    voicemail: false,
    cancelled: false,
    joined: false,
    jobDone: false,
  };
  readonly #waiters = new Set<Waiter>();
  readonly #clock: Clock;

  constructor(uuid: string, role: LegRole, clock: Clock, inviteeId?: string) {
    this.uuid = uuid;
    this.role = role;
    this.inviteeId = inviteeId;
    this.#clock = clock;
  }

  /** Updates what is known from an event about this leg, then settles the waiters it satisfies. */
  observe(event: DynconfEvent): void {
    if ('channel' in event && event.channel?.uuid === this.uuid) {
      this.seen = true;
      switch (event.type) {
        case 'channel-park':
          this.parked = true;
          this.parkExpected = false;
          this.inRoom = false;
          this.bridgedTo = undefined;
          break;
        case 'channel-unpark':
          this.parked = false;
          break;
        case 'channel-execute':
          if (event.applicationUuid !== undefined && event.applicationUuid === this.looping)
            this.loopingStarted = true;
          if (event.application === 'conference') {
            // In a room: whatever bridge it left on the way (a move straight out of a private talk), no
            // park_after_bridge park is coming.
            this.inRoom = true;
            this.parked = false;
            this.parkExpected = false;
          }
          break;
        case 'channel-execute-complete':
          if (event.application === 'conference') this.inRoom = false;
          if (event.applicationUuid !== undefined && event.applicationUuid === this.looping)
            this.looping = undefined;
          if (
            (event.applicationUuid !== undefined && event.applicationUuid === this.collecting) ||
            (this.collecting === ADOPTED_ENTRY && event.application === 'play_and_get_digits')
          )
            this.collecting = undefined;
          break;
        case 'channel-hangup':
        case 'channel-hangup-complete':
        case 'channel-destroy':
          this.markGone();
          break;
      }
    }
    if (event.type === 'channel-bridge' && (event.aLegUuid === this.uuid || event.bLegUuid === this.uuid)) {
      this.bridgedTo = event.aLegUuid === this.uuid ? event.bLegUuid : event.aLegUuid;
      this.parked = false;
      this.parkExpected = false;
    }
    if (event.type === 'channel-unbridge' && (event.aLegUuid === this.uuid || event.bLegUuid === this.uuid)) {
      // park_after_bridge parks it, unless it was sent into a room while still bridged (`**`, `*#`).
      if (this.bridgedTo !== undefined && !this.inRoom) this.parkExpected = true;
      this.bridgedTo = undefined;
    }
    for (const waiter of [...this.#waiters]) if (waiter.match(event)) waiter.settle('matched', event);
  }

  markGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.parked = false;
    this.parkExpected = false;
    this.inRoom = false;
    this.bridgedTo = undefined;
    this.looping = undefined;
    this.collecting = undefined;
    for (const waiter of [...this.#waiters]) waiter.settle('gone');
  }

  /**
   * Waits for an event about this leg that `match` accepts, the leg ending, `timeoutMs` of clock time, or
   * `interrupt` being called (superseded), whichever comes first.
   */
  waitFor(
    match: (event: DynconfEvent) => boolean,
    timeoutMs: number,
  ): { readonly done: Promise<WaitResult>; readonly interrupt: () => void } {
    let settle: (outcome: WaitOutcome) => void = () => {};
    const done = new Promise<WaitResult>((resolve) => {
      if (this.gone) {
        resolve({ outcome: 'gone' });
        return;
      }
      const timer = this.#clock.setTimer(timeoutMs, () => settle('timeout'));
      const waiter: Waiter = {
        match,
        settle: (outcome, event) => {
          if (!this.#waiters.delete(waiter)) return;
          timer.cancel();
          resolve(event === undefined ? { outcome } : { outcome, event });
        },
      };
      settle = waiter.settle;
      this.#waiters.add(waiter);
    });
    return { done, interrupt: () => settle('superseded') };
  }

  /** Waits for CHANNEL_PARK of this leg. */
  waitParked(timeoutMs: number): Promise<WaitResult> {
    if (this.parked) return Promise.resolve({ outcome: 'matched' });
    return this.waitFor((e) => e.type === 'channel-park' && e.channel.uuid === this.uuid, timeoutMs).done;
  }

  /** Waits for the CHANNEL_EXECUTE_COMPLETE of the app we sent with `eventUuid`. */
  waitCompleted(eventUuid: string, timeoutMs: number) {
    return this.waitFor(
      (e) =>
        e.type === 'channel-execute-complete' &&
        e.channel.uuid === this.uuid &&
        e.applicationUuid === eventUuid,
      timeoutMs,
    );
  }

  /** True while the invitee leg still needs ending by this session (originated, not handed over, not dead). */
  get liveInvitee(): boolean {
    if (this.role !== 'invitee' || this.invitee.joined || this.gone) return false;
    // Never seen and the originate already failed: there is no channel.
    return !(this.invitee.jobDone && !this.seen);
  }
}
