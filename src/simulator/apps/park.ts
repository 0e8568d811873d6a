// park: CHANNEL_PARK, then nothing until the channel is moved (CHANNEL_UNPARK + COMPLETE). park_timeout
// behaves as in FreeSWITCH 1.10's switch_ivr_park: read (and cleared) when park starts, and on expiry the
// channel is hung up (NORMAL_CLEARING or the cause after the colon) — the dialplan does not go on.
import type { TimerHandle } from '../../clock.js';
import { normalizeCause } from '../model/causes.js';
import type { AppInstance } from '../model/frame.js';
import type { AppFactory } from './registry.js';

export const parkApp: AppFactory = (ctx) => {
  const { core, ch } = ctx;
  ch.state = 'CS_EXECUTE';
  core.channelEvent('CHANNEL_PARK', ch);
  core.hear(ch, 'hold', 'park');
  const spec = ch.getVar('park_timeout');
  ch.setVar('park_timeout', undefined);
  const [secText, causeText] = (spec ?? '').split(':');
  const seconds = Number(secText);
  const cause = (causeText === undefined ? undefined : normalizeCause(causeText)) ?? 'NORMAL_CLEARING';
  let suspended = false;
  let timedOut = false;
  // the deadline keeps running while an app (a PIN prompt) runs inside park; it bites when that ends
  const end = () => core.hangup(ch, cause, 'local');
  let timer: TimerHandle | undefined;
  if (Number.isFinite(seconds) && seconds > 0) {
    timer = ctx.after(seconds * 1000, () => {
      if (suspended) timedOut = true;
      else end();
    });
  }
  const inst: AppInstance = {
    readsDtmf: () => true,
    stop() {
      timer?.cancel();
      core.channelEvent('CHANNEL_UNPARK', ch);
    },
    suspend() {
      suspended = true;
    },
    resume() {
      suspended = false;
      if (timedOut) end();
    },
  };
  return inst;
};
