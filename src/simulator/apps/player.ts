// Plays one sound on a channel: PLAYBACK_START, then PLAYBACK_STOP when it ends or is broken off.
import type { TimerHandle } from '../../clock.js';
import { describeMedia } from './media.js';
import type { AppContext } from './registry.js';

export class Player {
  private timer?: TimerHandle;
  private path?: string;
  private startedAt = 0;

  constructor(private readonly ctx: AppContext) {}

  get playing(): boolean {
    return this.path !== undefined;
  }

  play(path: string, onDone: () => void): void {
    const { core, ch } = this.ctx;
    const media = describeMedia(path, core.config.fileDurationMs);
    core.hear(ch, media.kind, path);
    this.path = path;
    this.startedAt = core.clock.now();
    core.channelEvent('PLAYBACK_START', ch, { after: [['Playback-File-Path', path]] });
    if (media.durationMs !== undefined) {
      this.timer = this.ctx.after(media.durationMs, () => {
        this.finish('done');
        onDone();
      });
    }
  }

  /**
   * Cuts the sound off. A key or uuid_break breaks it (`break`); the channel leaving the app (a transfer, a
   * hangup) ends FreeSWITCH's play loop as if the sound had ended (`done`: trace 10, and a prompt cut by a
   * transfer on FreeSWITCH 1.10.12).
   */
  stop(status: 'break' | 'done' = 'break'): void {
    if (!this.playing) return;
    this.timer?.cancel();
    this.finish(status);
  }

  private finish(status: 'done' | 'break'): void {
    const { core, ch } = this.ctx;
    const path = this.path;
    if (path === undefined) return;
    this.path = undefined;
    const ms = Math.max(0, Math.round(core.clock.now() - this.startedAt));
    ch.setVar('playback_last_offset_pos', String(ms * 8));
    ch.setVar('playback_seconds', String(Math.floor(ms / 1000)));
    ch.setVar('playback_ms', String(ms));
    ch.setVar('playback_samples', String(ms * 8));
    core.channelEvent('PLAYBACK_STOP', ch, {
      after: [
        ['Playback-File-Path', path],
        ['Playback-Status', status],
      ],
    });
  }
}
