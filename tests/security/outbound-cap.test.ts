// Toll-fraud guards on outbound calls, end to end: numbers no allow rule admits are refused; one session
// places at most maxOutboundLegsPerAdmin invitee calls; all sessions together have at most maxOutboundLegs
// invitee calls up at once. A refusal is clear (the administrator hears not-allowed and is back in the room),
// nothing reaches FreeSWITCH, and the session goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import type { SimCall } from '../../src/simulator/index.js';
import { commandsOf } from './support/esl-proxy.js';
import { finishRig, type Rig, startRig } from './support/rig.js';

let rig: Rig | undefined;

afterEach(async () => {
  const r = rig;
  rig = undefined;
  await finishRig(r);
});

const ANSWER = { kind: 'answer', afterMs: 200 } as const;
const DIRECTORY = { '801': ANSWER, '802': ANSWER, '803': { kind: 'ring-forever' }, '804': ANSWER } as const;

/** Every originate dynconf sent, on every connection. */
function originates(r: Rig): string[] {
  return r.proxy.connections.flatMap((c) =>
    commandsOf(c.toServer)
      .filter((cmd) => cmd.line.startsWith('bgapi originate'))
      .map((cmd) => cmd.line),
  );
}

const notAllowedCount = (r: Rig, call: SimCall) =>
  r.sim.heard(call.uuid).filter((item) => item.what === SHIPPED_PROMPTS['not-allowed']).length;

/** `0`, the number, `#`; then the not-allowed prompt and back in the room, nothing called. */
async function refused(r: Rig, admin: SimCall, room: string, number: string): Promise<void> {
  const before = { prompts: notAllowedCount(r, admin), originates: originates(r).length };
  const collect = r.nextCollect(admin);
  await admin.press('0');
  await collect;
  await admin.press(`${number}#`);
  await r.until(() => notAllowedCount(r, admin) > before.prompts, `the not-allowed prompt for ${number}`);
  await admin.waitUntil('in-conference', { room });
  await r.sessionState(admin.uuid, 'inRoom');
  expect(originates(r)).toHaveLength(before.originates);
}

/** Invites `number` and brings them into the room with `**`. */
async function bringIn(r: Rig, admin: SimCall, room: string, number: string): Promise<SimCall> {
  const invitee = await r.dial(admin, number);
  await r.until(() => admin.where().bridgedTo === invitee.uuid, `talking with ${number}`);
  await admin.press('**');
  await r.until(
    () => r.sim.room(room)?.members.some((m) => m.uuid === invitee.uuid),
    `${number} in the room`,
  );
  await admin.waitUntil('in-conference', { room });
  return invitee;
}

describe('outbound calls: allow rules and caps', () => {
  it('a number no rule allows, or a rule refuses, is refused clearly and never called', async () => {
    rig = await startRig({ directory: DIRECTORY });
    const r = rig;
    const { admin, room } = await r.adminInRoom('2101');
    await refused(r, admin, room, '0912345'); // the premium rule: allow false
    await refused(r, admin, room, '555'); // no rule
    await refused(r, admin, room, '9001'); // no rule (not even a prefix of an allowed one)
    // One refusal logged per number typed, in order, each with its reason: the premium rule denies 0912345;
    // no rule matches 555 or 9001.
    const refusals = r.logs
      .map((line) => JSON.parse(line) as { msg?: string; number?: string; reason?: string; rule?: string })
      .filter((entry) => entry.msg?.startsWith('number refused'))
      .map(({ msg, number, reason, rule }) => ({ msg, number, reason, rule }));
    expect(refusals).toEqual([
      { msg: 'number refused', number: '0912345', reason: 'denied', rule: 'premium' },
      { msg: 'number refused', number: '555', reason: 'no-route', rule: undefined },
      { msg: 'number refused', number: '9001', reason: 'no-route', rule: undefined },
    ]);
    // The session still works.
    await bringIn(r, admin, room, '801');
    expect(originates(r)).toHaveLength(1);
    await admin.hangup();
  });

  it('maxOutboundLegsPerAdmin: one session places at most that many calls; the next number is refused', async () => {
    rig = await startRig({ directory: DIRECTORY, config: { maxOutboundLegsPerAdmin: 2 } });
    const r = rig;
    const { admin, room } = await r.adminInRoom('2102');
    await bringIn(r, admin, room, '801');
    await bringIn(r, admin, room, '802');
    await refused(r, admin, room, '804');
    expect(originates(r)).toHaveLength(2);
    expect(
      r.logs.some((l) => l.includes('too many calls from this session') && l.includes('"limit":2')),
    ).toBe(true);
    // Another administrator has a quota of their own.
    const other = await r.adminInRoom('2103');
    await bringIn(r, other.admin, other.room, '804');
    expect(originates(r)).toHaveLength(3);
    await admin.hangup();
    await other.admin.hangup();
  });

  it('maxOutboundLegs: calls up at once across all administrators are capped; a call that ends frees its place', async () => {
    rig = await startRig({ directory: DIRECTORY, config: { maxOutboundLegs: 2 } });
    const r = rig;
    const one = await r.adminInRoom('2104');
    const two = await r.adminInRoom('2105');
    const three = await r.adminInRoom('2106');
    const first = await bringIn(r, one.admin, one.room, '801');
    // A call still ringing counts too.
    const ringing = await r.dial(two.admin, '803');
    await r.sessionState(two.admin.uuid, 'invitation.ringing');
    await refused(r, three.admin, three.room, '804');
    expect(
      r.logs.some((l) => l.includes('too many outbound calls up at once') && l.includes('"limit":2')),
    ).toBe(true);
    // The ringing call is given up (`*#`): its place is free again.
    await two.admin.press('*#');
    await ringing.waitUntil('gone');
    await r.sessionState(two.admin.uuid, 'inRoom');
    await bringIn(r, three.admin, three.room, '804');
    // A member who hangs up frees a place as well.
    await refused(r, two.admin, two.room, '802');
    await first.hangup();
    await r.until(() => r.sim.room(one.room)?.members.length === 1, 'the first invitee gone');
    await bringIn(r, two.admin, two.room, '802');
    expect(originates(r)).toHaveLength(4);
    for (const { admin } of [one, two, three]) await admin.hangup();
  });
});
