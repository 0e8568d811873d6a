// `*0` by digit binding (star0.detection: digit-binding): the dialplan's bind_digit_action keeps the keys
// from the other party and fires CUSTOM dynconf::star0 on the presser's leg. Keys from the phone (RFC 2833)
// reach the binding; keys injected with uuid_recv_dtmf do not (FreeSWITCH 1.10.12), and DTMF events alone
// start nothing in this mode.
import { afterEach, describe, expect, it } from 'vitest';
import { finishHarness, type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async (context) => {
  await finishHarness(h, context.task.result?.state === 'fail');
  h = undefined;
});

const BINDING = 'dynconf,*0,exec[i]:event,^^;Event-Name=CUSTOM;Event-Subclass=dynconf::star0,both,self';

async function boundCall(harness: Harness) {
  const { a, b } = await harness.sim.placeTwoPartyCall({ from: '1003', to: '7200' });
  await harness.until(() => a.where().bridgedTo === b.uuid, 'the two-party call');
  return { a, b };
}

function start(): Promise<Harness> {
  return startHarness({
    config: { star0: { detection: 'digit-binding' } },
    dialplan: {
      extensions: {
        '7200': [
          { app: 'bind_digit_action', data: BINDING },
          { app: 'digit_action_set_realm', data: 'dynconf' },
          { app: 'bridge', data: 'user/801' },
        ],
      },
    },
    directory: { '801': { kind: 'answer', afterMs: 0 } },
  });
}

describe('*0 by digit binding', () => {
  it('keys from the phone: the PIN prompt comes, and the other party never hears * or 0', async () => {
    h = await start();
    const { a, b } = await boundCall(h);
    const pin = h.nextCollect(a);
    await a.press('*0');
    await pin;
    expect(h.sim.heard(b.uuid).filter((x) => x.kind === 'dtmf')).toEqual([]);
    await h.enterPin(a);
    await a.waitUntil('in-conference');
    await h.until(() => b.where().state === 'in-conference', 'the other party in the room');
    await a.hangup();
    await b.hangup();
  });

  it('keys injected with uuid_recv_dtmf reach no binding: the call goes on, no session', async () => {
    h = await start();
    const { a, b } = await boundCall(h);
    await a.press('*0', { source: 'injected' });
    await h.until(
      () => h?.sim.heard(b.uuid).filter((x) => x.kind === 'dtmf').length === 2,
      'the keys forwarded',
    );
    // Well past the key-sequence window: nothing started.
    await h.sim.call(a.uuid).press('5');
    expect(h.controller.sessions()).toEqual([]);
    expect(a.where().bridgedTo).toBe(b.uuid);
    await a.hangup();
  });
});
