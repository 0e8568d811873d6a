// Several tenants on one PBX (FusionPBX: a dialplan context per domain): each with its own PINs and
// routes; a PIN of one never opens a room in another; {domain} reaches the administrator's own users.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimCall } from '../../src/simulator/index.js';
import { ADMIN_PIN, finishHarness, type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async (context) => {
  await finishHarness(h, context.task.result?.state === 'fail');
  h = undefined;
});

const A = 'pbx-a.example.com';
const B = 'pbx-b.example.com';
const PIN_A = '24682468';
const PIN_B = '13571357';

async function tenants(): Promise<Harness> {
  return startHarness({
    config: {
      tenants: {
        [A]: {
          adminPins: [PIN_A],
          routes: [{ name: 'a-users', pattern: '8[01][0-9]', dialString: 'user/{number}@{domain}' }],
        },
        [B]: {
          adminPins: [PIN_B],
          routes: [{ name: 'b-users', pattern: '81[0-9]', dialString: 'user/{number}@{domain}' }],
        },
      },
    },
    directory: { '801': { kind: 'answer', afterMs: 500 }, '811': { kind: 'answer', afterMs: 500 } },
  });
}

/** A caller of `domain` dials 900 and keys `pin`: resolves in the room, or rejects when no room comes. */
async function enterRoom(harness: Harness, domain: string, from: string, pin: string): Promise<SimCall> {
  const admin = await harness.sim.placeCall({ from, to: '900', domain });
  await admin.waitUntil('collecting');
  await harness.enterPin(admin, pin);
  await admin.waitUntil('in-conference');
  return admin;
}

describe('tenants', () => {
  it("flow 1 in each tenant, with its own PIN; the invitee is dialed in the administrator's domain", async () => {
    h = await tenants();
    const originates: string[] = [];
    h.sim.onEvent((e) => {
      if (e.name === 'API' && e.get('API-Command') === 'originate')
        originates.push(e.get('API-Command-Argument') ?? '');
    });
    for (const [domain, pin, number] of [
      [A, PIN_A, '801'],
      [B, PIN_B, '811'],
    ] as const) {
      const admin = await enterRoom(h, domain, domain === A ? '1001' : '1002', pin);
      const invitee = await h.dial(admin, number);
      expect(invitee.where().state).not.toBe('gone');
      const leg = h.sim.channel(invitee.uuid);
      expect(leg?.variables.dynconf_role).toBe('invitee');
      // The dial string was user/<number>@<the administrator's domain>.
      expect(originates.filter((o) => o.includes(`}user/${number}@${domain} `))).toHaveLength(1);
      await h.sessionState(admin.uuid, 'invitation.talking');
      await admin.press('**');
      await h.until(
        () => h?.sim.channel(invitee.uuid)?.where.state === 'in-conference',
        'the invitee in the room',
      );
      await admin.hangup();
      await invitee.hangup();
    }
  });

  it("a PIN opens rooms only in its own tenant: B's PIN and the top-level PIN are wrong PINs in A", async () => {
    h = await tenants();
    const admin = await h.sim.placeCall({ from: '1003', to: '900', domain: A });
    await admin.waitUntil('collecting');
    for (const pin of [PIN_B, ADMIN_PIN]) {
      const again = h.nextCollect(admin);
      await h.enterPin(admin, pin);
      await again;
      expect(admin.where().state).toBe('collecting');
    }
    expect(h.controller.stats().pinWrong).toBe(2);
    await admin.hangup();
    // Outside every tenant, the top-level PIN is the one.
    const other = await enterRoom(h, 'other.example.com', '1004', ADMIN_PIN);
    await other.hangup();
  });

  it("an administrator calls out only through its tenant's routes", async () => {
    h = await tenants();
    const admin = await enterRoom(h, B, '1005', PIN_B);
    // 801 is a number of tenant A's routes, not of B's: refused, nothing is called.
    const before = h.sim.channels().length;
    await h.enterNumber(admin, '801');
    await h.sessionState(admin.uuid, 'inRoom');
    expect(h.sim.channels().length).toBe(before);
    expect(h.logs.some((l) => l.includes('number refused'))).toBe(true);
    await admin.hangup();
  });

  it('flow 2 in a tenant: *0 and its PIN turn the call into a room', async () => {
    h = await tenants();
    const { a, b } = await h.sim.placeTwoPartyCall({ from: '810', to: '811', domain: A });
    await h.until(() => a.where().bridgedTo === b.uuid, 'the two-party call');
    const pin = h.nextCollect(a);
    await a.press('*0');
    await pin;
    await h.enterPin(a, PIN_A);
    await a.waitUntil('in-conference');
    await h.until(() => b.where().state === 'in-conference', 'the other party in the room');
    await a.hangup();
    await b.hangup();
  });
});
