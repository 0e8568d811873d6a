// voicemail PROFILE DOMAIN BOX: greeting, beep, recording; `*` or `#` ends it.
import type { TimerHandle } from '../../clock.js';
import type { AppInstance } from '../model/frame.js';
import { Player } from './player.js';
import type { AppFactory } from './registry.js';

const MAX_RECORD_MS = 120_000;

export const voicemailApp: AppFactory = (ctx) => {
  const { core, ch } = ctx;
  const box = ctx.data.split(' ')[2] ?? 'default';
  const player = new Player(ctx);
  let recording: string | undefined;
  let timer: TimerHandle | undefined;
  const stopRecording = () => {
    if (recording === undefined) return;
    const path = recording;
    recording = undefined;
    timer?.cancel();
    core.channelEvent('RECORD_STOP', ch, { after: [['Record-File-Path', path]] });
  };
  const record = () => {
    recording = `${core.config.soundsDir.replace(/sounds.*$/, 'storage')}/voicemail/default/${core.config.domain}/${box}/msg_${ch.uuid}.wav`;
    core.channelEvent('RECORD_START', ch, { after: [['Record-File-Path', recording]] });
    timer = ctx.after(MAX_RECORD_MS, () => {
      stopRecording();
      ctx.done();
    });
  };
  player.play('voicemail/vm-person.wav', () => player.play('tone_stream://%(1000,0,640)', record));
  const inst: AppInstance = {
    readsDtmf: () => true,
    onDtmf(digit) {
      if (digit !== '*' && digit !== '#') return;
      player.stop();
      stopRecording();
      ctx.done();
    },
    stop() {
      player.stop();
      stopRecording();
    },
  };
  return inst;
};
