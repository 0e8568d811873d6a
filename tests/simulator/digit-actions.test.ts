// bind_digit_action as FreeSWITCH 1.10.12 has it: keys from the phone (RFC 2833) reach the binding, which
// keeps them and fires its action on the presser's leg; keys injected with uuid_recv_dtmf never do; keys
// that turn out to be no bound sequence go on as ordinary keys.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent, TestClient } from './support/esl-client.js';
import { type Harness, harness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STAR0 = 'dynconf,*0,exec[i]:event,^^;Event-Name=CUSTOM;Event-Subclass=dynconf::star0,both,self';

/** A call from 1003 to 7200: the binding, then a bridge to 801 (answers at once). */
async function boundCall(): Promise<{ c: TestClient; a: string; b: string }> {
  h = await harness({
    dialplan: {
      extensions: {
        '7200': [
          { app: 'bind_digit_action', data: STAR0 },
          { app: 'digit_action_set_realm', data: 'dynconf' },
          { app: 'bridge', data: 'user/801' },
        ],
      },
    },
  });
  h.sim.directory.set('801', { kind: 'answer', afterMs: 0 });
  const c = await h.client('event json ALL');
  const call = await h.sim.placeCall({ from: '1003', to: '7200' });
  const bridged = await call.waitUntil('bridged');
  if (bridged.bridgedTo === undefined) throw new Error('not bridged');
  return { c, a: call.uuid, b: bridged.bridgedTo };
}

const star0On = (c: TestClient, from: number, uuid: string) =>
  c.events
    .slice(from)
    .filter((e) => e.headers['Event-Subclass'] === 'dynconf::star0' && e.headers['Unique-ID'] === uuid);
const dtmfOn = (c: TestClient, from: number, uuid: string): string =>
  c.events
    .slice(from)
    .filter((e: ClientEvent) => e.name === 'DTMF' && e.headers['Unique-ID'] === uuid)
    .map((e) => e.headers['DTMF-Digit'])
    .join('');

describe('bind_digit_action', () => {
  it('*0 from either phone: the keys are kept, the event fires on the presser', async () => {
    const { c, a, b } = await boundCall();
    if (h === undefined) throw new Error('no harness');
    let from = c.events.length;
    await h.sim.call(a).press('*0');
    await c.waitEvent((e) => e.headers['Event-Subclass'] === 'dynconf::star0', 5000, from);
    expect(star0On(c, from, a)).toHaveLength(1);
    expect(dtmfOn(c, from, a)).toBe('');
    expect(h.sim.heard(b).filter((x) => x.kind === 'dtmf')).toEqual([]);
    from = c.events.length;
    await h.sim.call(b).press('*0');
    await c.waitEvent((e) => e.headers['Event-Subclass'] === 'dynconf::star0', 5000, from);
    expect(star0On(c, from, b)).toHaveLength(1);
    expect(star0On(c, from, a)).toHaveLength(0);
    expect(dtmfOn(c, from, b)).toBe('');
  });

  it('keys injected with uuid_recv_dtmf never reach the binding: plain DTMF events only', async () => {
    const { c, a } = await boundCall();
    if (h === undefined) throw new Error('no harness');
    const from = c.events.length;
    expect(await c.api(`uuid_recv_dtmf ${a} *0`)).toMatch(/^\+OK/);
    await c.waitFor(() => (dtmfOn(c, from, a) === '*0' ? true : undefined), 5000, 'the two DTMF events');
    await h.clock.advance(3000);
    expect(star0On(c, from, a)).toEqual([]);
  });

  it('a key that starts no bound sequence goes on at once; a held * goes on when the next key does not fit', async () => {
    const { c, a, b } = await boundCall();
    if (h === undefined) throw new Error('no harness');
    const from = c.events.length;
    await h.sim.call(a).press('5*7');
    await c.waitFor(() => (dtmfOn(c, from, a) === '5*7' ? true : undefined), 5000, 'the keys as DTMF');
    expect(star0On(c, from, a)).toEqual([]);
    expect(
      h.sim
        .heard(b)
        .filter((x) => x.kind === 'dtmf')
        .map((x) => x.what)
        .join(''),
    ).toBe('5*7');
  });

  it('a lone * is let go after bind_digit_digit_timeout (1.5 s)', async () => {
    const { c, a } = await boundCall();
    if (h === undefined) throw new Error('no harness');
    const from = c.events.length;
    const pressed = h.clock.now();
    await h.sim.call(a).press('*');
    const star = await c.waitEvent((e) => e.name === 'DTMF' && e.headers['Unique-ID'] === a, 5000, from);
    expect(star.headers['DTMF-Digit']).toBe('*');
    expect(h.clock.now() - pressed).toBe(1500);
  });
});
