// park: CHANNEL_PARK, then nothing until the channel is moved (CHANNEL_UNPARK + COMPLETE) or park_timeout.
import type { TimerHandle } from '../../clock.js';
import { normalizeCause } from '../model/causes.js';
import type { AppInstance } from '../model/frame.js';
import type { AppFactory } from './registry.js';

export const parkApp: AppFactory = (ctx) => {
  const { core, ch } = ctx;
  ch.state = 'CS_EXECUTE';
  core.channelEvent('CHANNEL_PARK', ch);
  core.hear(ch, 'hold', 'park');
  // park_timeout=<seconds>[:<cause>] is read when park starts, like FreeSWITCH's switch_ivr_park.
  const spec = ch.getVar('park_timeout');
  const [secText, causeText] = (spec ?? '').split(':');
  const seconds = Number(secText);
  const cause = causeText === undefined ? undefined : normalizeCause(causeText);
  let suspended = false;
  let timedOut = false;
  const end = () => {
    if (cause !== undefined) {
      core.hangup(ch, cause, 'local');
      return;
    }
    core.channelEvent('CHANNEL_UNPARK', ch);
    ctx.done();
  };
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
