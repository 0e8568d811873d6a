// The scripting API's handles: a phone on a leg (press keys, hang up, answer, talk) and waiting helpers.
import { VirtualClock } from '../clock.js';
import type { Channel } from './model/channel.js';
import type { Core } from './model/core.js';
import type {
  CallState,
  CallWhere,
  ChannelInfo,
  HeardItem,
  PressOptions,
  SimCall,
  WaitOptions,
} from './types.js';

/** Resolves with the first truthy `check()`, re-checked on every change of the switch. */
export function waitUntil<T>(
  core: Core,
  check: () => T | undefined | null | false,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  // On a virtual clock the wait itself lets time pass (only while nothing else happens); timeoutMs then
  // bounds how long nothing at all may happen, and the wait ends after 10 minutes of the clock's time.
  if (core.clock instanceof VirtualClock)
    return core.clock.until(check, options.what ?? 'a condition', { stuckMs: timeoutMs });
  return new Promise<T>((resolve, reject) => {
    const first = check();
    if (first !== undefined && first !== null && first !== false) {
      resolve(first);
      return;
    }
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      off();
      offBus();
      clearTimeout(timer);
      clearInterval(poll);
      fn();
    };
    const test = () => {
      if (done) return;
      let value: T | undefined | null | false;
      try {
        value = check();
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (value !== undefined && value !== null && value !== false) {
        const v = value;
        finish(() => resolve(v));
      }
    };
    const off = core.onChange(test);
    const offBus = core.bus.subscribe(() => queueMicrotask(test));
    const poll = setInterval(test, 20);
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `simulator: timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}`,
            ),
          ),
        ),
      timeoutMs,
    );
  });
}

export function channelInfo(ch: Channel): ChannelInfo {
  const vars: Record<string, string> = {};
  for (const [k, v] of ch.vars) vars[k] = typeof v === 'string' ? v : v.join('|');
  return {
    uuid: ch.uuid,
    name: ch.name,
    direction: ch.direction,
    callerIdNumber: ch.profile.callerIdNumber,
    callerIdName: ch.profile.callerIdName,
    destination: ch.profile.destinationNumber,
    state: ch.state,
    callState: ch.callState,
    answerState: ch.answerState,
    application: ch.top?.app,
    applicationData: ch.top?.data,
    bridgedTo: ch.bridge?.peer.uuid,
    room: ch.room,
    variables: vars,
    where: ch.where(),
  };
}

export class SimCallHandle implements SimCall {
  constructor(
    private readonly core: Core,
    readonly uuid: string,
  ) {}

  private get ch(): Channel | undefined {
    return this.core.channels.get(this.uuid) ?? this.core.ended.get(this.uuid);
  }

  private live(): Channel {
    const ch = this.core.channels.get(this.uuid);
    if (ch === undefined || ch.hangingUp) throw new Error(`simulator: call ${this.uuid} is gone`);
    return ch;
  }

  async press(keys: string, options: PressOptions = {}): Promise<void> {
    const source = options.source === 'info' ? 'ENDPOINT' : options.source === 'injected' ? 'APP' : 'RTP';
    const gap = options.gapMs ?? 100;
    const valid = keys.replace(/[^0-9*#A-Da-d]/g, '');
    if (valid !== keys) throw new RangeError(`simulator: not DTMF keys: "${keys}"`);
    for (let i = 0; i < valid.length; i++) {
      const ch = this.live();
      this.core.receiveDtmf(ch, valid[i] as string, source);
      this.core.notify();
      if (i < valid.length - 1 && gap > 0) {
        await this.core.pause(gap);
      }
    }
  }

  async hangup(cause = 'NORMAL_CLEARING'): Promise<void> {
    const ch = this.core.channels.get(this.uuid);
    if (ch === undefined || ch.hangingUp) return;
    this.core.hangup(ch, cause, 'remote');
  }

  async answer(): Promise<void> {
    const ch = this.live();
    this.core.answer(ch);
  }

  talk(talking: boolean): void {
    this.core.conferences.talk(this.live(), talking);
  }

  where(): CallWhere {
    const ch = this.ch;
    if (ch === undefined) return { state: 'gone', answered: false };
    return ch.where();
  }

  heard(): HeardItem[] {
    return [...(this.ch?.heard ?? [])];
  }

  waitUntil(state: CallState, options: { room?: string; timeoutMs?: number } = {}): Promise<CallWhere> {
    return waitUntil(
      this.core,
      () => {
        const w = this.where();
        if (w.state !== state) return undefined;
        if (options.room !== undefined && w.room !== options.room) return undefined;
        return w;
      },
      {
        timeoutMs: options.timeoutMs,
        what: `call ${this.uuid} to be ${state}${options.room ? ` in ${options.room}` : ''}`,
      },
    );
  }
}
