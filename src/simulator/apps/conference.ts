// conference ROOM@PROFILE[+flags{...}]: the member stays until moved, hung up or it leaves (kick, `#`).
import type { AppInstance } from '../model/frame.js';
import type { AppFactory } from './registry.js';

export const conferenceApp: AppFactory = (ctx) => {
  const conf = ctx.core.conferences;
  const member = conf.join(ctx.ch, ctx.data, () => ctx.done());
  if (member === undefined) {
    ctx.done();
    return undefined;
  }
  const inst: AppInstance = {
    readsDtmf: () => true,
    onDtmf: (digit) => conf.dtmf(member, digit),
    stop: () => conf.leave(member),
  };
  return inst;
};
