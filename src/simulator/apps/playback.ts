// playback: plays a sound; Application-Response "FILE PLAYED" (sticky on the channel, trace README §4).
import type { AppInstance } from '../model/frame.js';
import { Player } from './player.js';
import type { AppFactory } from './registry.js';

export const playbackApp: AppFactory = (ctx) => {
  // A file the switch does not have: the app ends at once, nothing played (FreeSWITCH 1.10.12).
  if (!ctx.core.config.sounds.playable(ctx.data)) {
    ctx.core.after(0, () => ctx.done('FILE NOT FOUND'), ctx.ch);
    return { readsDtmf: () => false, onDtmf: () => undefined, stop: () => undefined };
  }
  const player = new Player(ctx);
  const finish = () => {
    ctx.ch.appResponse = 'FILE PLAYED';
    ctx.done('FILE PLAYED');
  };
  player.play(ctx.data, finish);
  const inst: AppInstance = {
    readsDtmf: () => true,
    onDtmf(digit) {
      const terminators = ctx.ch.getVar('playback_terminators') ?? '*';
      if (terminators !== 'none' && terminators.includes(digit)) {
        player.stop();
        finish();
      }
    },
    stop() {
      player.stop('done');
      ctx.ch.appResponse = 'FILE PLAYED';
    },
  };
  breakers.set(inst, () => {
    player.stop();
    finish();
  });
  return inst;
};

/** uuid_break hooks, per running media app. */
export const breakers = new WeakMap<AppInstance, () => void>();
