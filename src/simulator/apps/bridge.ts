// bridge DIALSTRING: originates the B leg; the caller hears ringback, then both are bridged (trace 08 part 1).
// Fails → the caller is hung up with the B leg's cause (unless continue_on_fail).
import { leaveBridge, linkBridge } from '../bridge.js';
import { DialStringError, parseDialString } from '../dialstring.js';
import type { Channel } from '../model/channel.js';
import type { AppInstance } from '../model/frame.js';
import { STEP_MS } from '../model/timing.js';
import type { AppFactory } from './registry.js';

export const bridgeApp: AppFactory = (ctx) => {
  const { core, ch } = ctx;
  let dial: ReturnType<typeof parseDialString>;
  try {
    dial = parseDialString(ctx.data);
  } catch (err) {
    if (!(err instanceof DialStringError)) throw err;
    core.after(0, () => ctx.running && failed('CHAN_NOT_IMPLEMENTED'), ch);
    return { readsDtmf: () => true, stop: () => undefined };
  }
  let leg: Channel | undefined;
  let linked = false;
  const timeoutSec = Number(dial.vars.get('originate_timeout') ?? ch.getVar('call_timeout') ?? 60) || 60;

  /** An answered caller waiting for a ringing B leg shows callstate RING_WAIT (show channels, trace 09). */
  function ringWait(): void {
    if (ch.answerState === 'answered') ch.callState = 'RING_WAIT';
  }

  function failed(cause: string): void {
    if (ch.callState === 'RING_WAIT') ch.callState = 'ACTIVE';
    if (!ctx.running) return;
    ch.setVar('originate_disposition', cause);
    ch.setVar('DIALSTATUS', cause);
    const continueOnFail = ch.getVar('continue_on_fail');
    if (continueOnFail === 'true' || (continueOnFail ?? '').split(',').includes(cause)) {
      ctx.done();
      return;
    }
    core.hangup(ch, cause, 'local');
  }

  const result = core.originator.dial(
    // early media is passed through to the caller; the bridge itself waits for the answer (trace 09 part 2)
    { target: dial.target, vars: dial.vars, originator: ch, timeoutSec, ignoreEarlyMedia: true },
    {
      onProgress: () =>
        core.after(
          STEP_MS,
          () => {
            if (!ctx.running) return;
            core.ringReady(ch);
            ringWait();
            core.hear(ch, 'ringback', dial.target);
          },
          ch,
        ),
      onEarlyMedia: () => {
        if (!ctx.running) return;
        core.preAnswer(ch);
        ringWait();
        core.hear(ch, 'ringback', dial.target);
      },
      onResult: (r) => {
        if (!r.ok) {
          failed(r.cause);
          return;
        }
        if (!ctx.running) {
          core.hangup(r.leg, 'ORIGINATOR_CANCEL', 'local');
          return;
        }
        core.after(
          STEP_MS,
          () => {
            if (!ctx.running || r.leg.gone || r.leg.hangingUp) return;
            core.answer(ch);
            if (ch.callState === 'RING_WAIT') ch.callState = 'ACTIVE';
            linked = true;
            linkBridge(core, ch, r.leg, 'bridge');
          },
          ch,
        );
      },
    },
  );
  leg = result.leg;

  const inst: AppInstance = {
    readsDtmf: () => true,
    onDtmf: (digit) => {
      const peer = ch.bridge?.peer;
      if (peer !== undefined) core.forwardDtmf(peer, digit);
    },
    stop: (reason) => {
      if (ch.bridge !== undefined) {
        leaveBridge(core, ch, reason === 'hangup' ? 'hangup' : 'transfer');
        return;
      }
      // still dialing: the B leg is cancelled (once bridged, the bridge decides what becomes of it)
      if (!linked && leg !== undefined && !leg.gone && !leg.hangingUp)
        core.hangup(leg, 'ORIGINATOR_CANCEL', 'local');
    },
  };
  return inst;
};
