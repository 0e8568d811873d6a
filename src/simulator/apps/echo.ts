// echo: the caller hears themself; keys are not read (no DTMF events, trace 02 case H).
import type { AppFactory } from './registry.js';

export const echoApp: AppFactory = (ctx) => {
  ctx.core.hear(ctx.ch, 'party', ctx.ch.uuid);
  return { readsDtmf: () => false, stop: () => undefined };
};
