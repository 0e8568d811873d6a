// The dialplan applications the simulator knows, and what each gets to work with.
import type { TimerHandle } from '../../clock.js';
import type { Channel } from '../model/channel.js';
import type { Core } from '../model/core.js';
import type { AppInstance, Frame } from '../model/frame.js';
import { basicApps } from './basic.js';
import { bridgeApp } from './bridge.js';
import { conferenceApp } from './conference.js';
import { echoApp } from './echo.js';
import { playAndGetDigitsApp } from './pagd.js';
import { parkApp } from './park.js';
import { playbackApp } from './playback.js';
import { voicemailApp } from './voicemail.js';

export class AppContext {
  constructor(
    readonly core: Core,
    readonly ch: Channel,
    readonly frame: Frame,
  ) {}

  get data(): string {
    return this.frame.data;
  }

  get running(): boolean {
    return !this.frame.finished && !this.ch.hangingUp && !this.ch.gone;
  }

  /** The application is over (CHANNEL_EXECUTE_COMPLETE with this response, or the sticky one). */
  done(response?: string): void {
    this.core.finishApp(this.ch, this.frame, response);
  }

  /** A timer that only fires while this application still runs. */
  after(ms: number, fn: () => void): TimerHandle {
    return this.core.after(
      ms,
      () => {
        if (this.running) fn();
      },
      this.ch,
    );
  }
}

export type AppFactory = (ctx: AppContext) => AppInstance | undefined;

export const APPS: Record<string, AppFactory> = {
  ...basicApps,
  park: parkApp,
  playback: playbackApp,
  play_and_get_digits: playAndGetDigitsApp,
  conference: conferenceApp,
  bridge: bridgeApp,
  echo: echoApp,
  voicemail: voicemailApp,
};
