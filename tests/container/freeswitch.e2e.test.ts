// dynconf end to end against a real FreeSWITCH: flow 1 (dial 900) and flow 2 (*0 in a two-party call)
// of SPEC.md, with callers and invitees as FreeSWITCH loopback legs whose keys are pressed with
// uuid_recv_dtmf. Every outcome is read from FreeSWITCH itself through the suite's own event-socket
// client (modesl). Runs against a FreeSWITCH container when a container runtime exists, against a running
// FreeSWITCH when DYNCONF_E2E_ESL_HOST is set (see docker/README.md), and says why it skipped otherwise.
import { describe, expect, it } from 'vitest';
import type { FreeSwitchDriver } from './support/freeswitch-driver.js';
import {
  eventTimeMs,
  roomOf,
  sofiaGatewayExists,
  sofiaProfileRunning,
  switchNowMs,
  waitAllClear,
  waitBridged,
  waitGone,
  waitHangup,
  waitInRoom,
  waitLegCreated,
  waitNoScheduledTask,
  waitOutOfRooms,
  waitUnbridged,
  waitUntilCollecting,
} from './support/observe.js';
import { dial, hangUp, type Phone, press, pressOn } from './support/phones.js';
import { planFromEnv } from './support/plan.js';
import { DIAL_TIMEOUT_MS, PIN_TIMEOUT_MS, RING_TIMEOUT_MS, ROOM_PREFIX } from './support/suite-config.js';
import { useEnvironment } from './support/use-environment.js';

const plan = await planFromEnv();
if (plan.kind === 'skip') {
  process.stdout.write(`tests/container: end-to-end suite skipped: ${plan.reason}\n`);
}

const SCENARIO_TIMEOUT_MS = 60_000;

describe.skipIf(plan.kind === 'skip')('dynconf against a real FreeSWITCH', () => {
  const environment = useEnvironment(plan);

  function the(): { fs: FreeSwitchDriver; pin: string } {
    const env = environment();
    return { fs: env.fs, pin: env.pin };
  }

  /** Dials 900, keys the PIN (after `wrongFirst` wrong ones), and returns once in a room as moderator. */
  async function enterRoom(from: string, wrongFirst = 0): Promise<{ admin: Phone; room: string }> {
    const { fs, pin } = the();
    let mark = fs.cursor();
    const admin = await dial(fs, { from, to: '900' });
    for (let i = 0; i < wrongFirst; i++) {
      await waitUntilCollecting(fs, admin.leg, mark);
      mark = fs.cursor();
      await press(fs, admin, '0000#');
    }
    await waitUntilCollecting(fs, admin.leg, mark);
    // Asked again after a wrong PIN, and not let into any room meanwhile.
    expect(await roomOf(fs, admin.leg)).toBeUndefined();
    await press(fs, admin, `${pin}#`);
    const seat = await waitInRoom(fs, admin.leg, { moderator: true, members: 1 });
    expect(seat.room.conference_name.startsWith(`${ROOM_PREFIX}-`)).toBe(true);
    return { admin, room: seat.room.conference_name };
  }

  /** `0`, waits for dial tone (out of the room, collecting digits), keys `number#`; returns the event mark. */
  async function dialFromRoom(admin: Phone, number: string): Promise<number> {
    const { fs } = the();
    const mark = fs.cursor();
    await press(fs, admin, '0');
    await waitUntilCollecting(fs, admin.leg, mark);
    await waitOutOfRooms(fs, admin.leg);
    const dialed = fs.cursor();
    await press(fs, admin, `${number}#`);
    return dialed;
  }

  /** Hangs up the given phones, then checks FreeSWITCH is left with nothing: no orphan leg, no room. */
  async function hangUpAndCheckNothingLeft(...phones: Array<Phone | string>): Promise<void> {
    const { fs } = the();
    for (const phone of phones) {
      if (typeof phone === 'string') await fs.kill(phone);
      else await hangUp(fs, phone);
    }
    await waitAllClear(fs);
  }

  describe('flow 1: dial 900', () => {
    it(
      'a wrong PIN gets another try; the right PIN gives each administrator a new room of their own',
      async () => {
        const { fs } = the();
        const first = await enterRoom('1101', 1);
        const second = await enterRoom('1102');
        expect(second.room).not.toBe(first.room);
        const seat = await roomOf(fs, first.admin.leg);
        expect(seat?.room.conference_name).toBe(first.room);
        expect(seat?.member.flags.is_moderator).toBe(true);
        await hangUpAndCheckNothingLeft(first.admin, second.admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'after maxPinAttempts wrong PINs the call is hung up, and no room is made',
      async () => {
        const { fs } = the();
        let mark = fs.cursor();
        const admin = await dial(fs, { from: '1103', to: '900' });
        for (let attempt = 1; attempt <= 3; attempt++) {
          await waitUntilCollecting(fs, admin.leg, mark);
          mark = fs.cursor();
          await press(fs, admin, '9999#');
        }
        await waitGone(fs, [admin.leg, admin.handset]);
        expect(await fs.conferences()).toEqual([]);
        await waitAllClear(fs);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      '0, dial, the invitee answers: private talk; ** brings the invitee into the room',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1104');
        await dialFromRoom(admin, '701');
        const invitee = await waitBridged(fs, admin.leg);
        const inviteePhone = await fs.getVar(invitee, 'other_loopback_leg_uuid');
        expect(inviteePhone).toBeDefined();
        // Private: the administrator talks to the invitee and is in no room meanwhile.
        expect(await roomOf(fs, admin.leg)).toBeUndefined();
        expect(await roomOf(fs, invitee)).toBeUndefined();
        await press(fs, admin, '**');
        // Both moves leave at once: either may join first, so wait for the room with both.
        const adminSeat = await waitInRoom(fs, admin.leg, { room, moderator: true, members: 2 });
        const inviteeSeat = await waitInRoom(fs, invitee, { room, moderator: false });
        expect(adminSeat.room.members.map((m) => m.uuid).sort()).toEqual([admin.leg, invitee].sort());
        expect(inviteeSeat.room.conference_name).toBe(room);
        await waitUnbridged(fs, admin.leg);
        // The room goes on for the invitee when the administrator leaves; then the invitee hangs up.
        await hangUp(fs, admin);
        await waitInRoom(fs, invitee, { room, members: 1 });
        await hangUpAndCheckNothingLeft(inviteePhone ?? invitee);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      '*# while talking privately hangs up the invitee and returns the administrator alone',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1105');
        await dialFromRoom(admin, '701');
        const invitee = await waitBridged(fs, admin.leg);
        const inviteePhone = await fs.getVar(invitee, 'other_loopback_leg_uuid');
        await press(fs, admin, '*#');
        await waitGone(fs, [invitee, ...(inviteePhone === undefined ? [] : [inviteePhone])]);
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'no answer within the ring timeout: the administrator is returned to the room automatically',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1106');
        const dialed = await dialFromRoom(admin, '831');
        const created = await waitLegCreated(fs, '831', dialed);
        const ended = await waitHangup(fs, created.uuid ?? '', dialed, {
          timeoutMs: RING_TIMEOUT_MS + 15_000,
        });
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        // FreeSWITCH's own clock: the invitee rang for the ring timeout, not less.
        expect(eventTimeMs(ended) - eventTimeMs(created)).toBeGreaterThanOrEqual(RING_TIMEOUT_MS * 0.8);
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'no number keyed after 0: dial tone for the whole dial timeout, then back in the room at once',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1112');
        const mark = fs.cursor();
        await press(fs, admin, '0');
        const zero = await fs.waitForEvent(
          'the 0',
          (e) => e.name === 'DTMF' && e.uuid === admin.leg && e.header('DTMF-Digit') === '0',
          { after: mark },
        );
        const collecting = await waitUntilCollecting(fs, admin.leg, mark);
        await waitOutOfRooms(fs, admin.leg);
        const back = await fs.waitForEvent(
          'the administrator to rejoin the room',
          (e) =>
            e.name === 'CUSTOM' &&
            e.header('Event-Subclass') === 'conference::maintenance' &&
            e.header('Action') === 'add-member' &&
            e.uuid === admin.leg,
          { after: collecting.seq, timeoutMs: DIAL_TIMEOUT_MS + 15_000 },
        );
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        // One continuous dial tone (made a second longer than the dial timeout), still playing when the
        // move back to the room cut it before its own end: dial tone all the time, no silence.
        const path = `tone_stream://%(${DIAL_TIMEOUT_MS + 1000},0,350,440)`;
        const playback = (name: string) =>
          fs
            .events(mark)
            .find((e) => e.name === name && e.uuid === admin.leg && e.header('Playback-File-Path') === path);
        const toneOn = playback('PLAYBACK_START');
        const toneOff = await fs.waitForEvent(
          'the dial tone to stop',
          (e) =>
            e.name === 'PLAYBACK_STOP' && e.uuid === admin.leg && e.header('Playback-File-Path') === path,
          { after: mark },
        );
        expect(toneOn).toBeDefined();
        const toneMs = eventTimeMs(toneOff) - eventTimeMs(toneOn ?? toneOff);
        expect(toneMs).toBeGreaterThanOrEqual(DIAL_TIMEOUT_MS - 500);
        expect(toneMs).toBeLessThan(DIAL_TIMEOUT_MS + 1000);
        expect(eventTimeMs(back) - eventTimeMs(toneOff)).toBeLessThanOrEqual(500);
        // FreeSWITCH's own clock: back in the room the dial timeout after the 0 (within a second).
        expect(Math.abs(eventTimeMs(back) - eventTimeMs(zero) - DIAL_TIMEOUT_MS)).toBeLessThanOrEqual(1000);
        const outbound = fs
          .events(mark)
          .filter((e) => e.name === 'CHANNEL_CREATE' && e.header('Call-Direction') === 'outbound');
        expect(outbound).toEqual([]);
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'no PIN keyed: asked again the PIN timeout after the PIN prompt has ended',
      async () => {
        const { fs } = the();
        const mark = fs.cursor();
        const admin = await dial(fs, { from: '1113', to: '900' });
        const first = await waitUntilCollecting(fs, admin.leg, mark);
        const prompted = await fs.waitForEvent(
          'the PIN prompt played',
          (e) => e.name === 'PLAYBACK_STOP' && e.uuid === admin.leg,
          { after: mark },
        );
        const again = await fs.waitForEvent(
          'the PIN asked again',
          (e) =>
            e.name === 'CHANNEL_EXECUTE' &&
            e.uuid === admin.leg &&
            e.header('Application') === 'play_and_get_digits' &&
            e.seq > first.seq,
          { after: mark, timeoutMs: PIN_TIMEOUT_MS + 15_000 },
        );
        // pinTimeoutMs counts from the end of the prompt (FreeSWITCH's play_and_get_digits), not its start.
        expect(Math.abs(eventTimeMs(again) - eventTimeMs(prompted) - PIN_TIMEOUT_MS)).toBeLessThanOrEqual(
          1000,
        );
        expect(await roomOf(fs, admin.leg)).toBeUndefined();
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'a busy invitee: the administrator is returned to the room automatically',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1107');
        const dialed = await dialFromRoom(admin, '832');
        const busy = await fs.waitForEvent(
          'the invitee leg to end busy (USER_BUSY)',
          (e) =>
            e.name === 'CHANNEL_HANGUP' &&
            e.header('Caller-Destination-Number') === '832' &&
            e.header('Hangup-Cause') === 'USER_BUSY',
          { after: dialed },
        );
        expect(busy.uuid).toBeDefined();
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      '*# while the invitee rings cancels the call and returns the administrator alone',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1108');
        const dialed = await dialFromRoom(admin, '831');
        const created = await waitLegCreated(fs, '831', dialed);
        const ringing = created.uuid ?? '';
        expect(await fs.exists(ringing)).toBe(true);
        await press(fs, admin, '*#');
        const ended = await waitHangup(fs, ringing, dialed);
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        // Ended by *#, well before the ring timeout would have ended it.
        expect(eventTimeMs(ended) - eventTimeMs(created)).toBeLessThan(RING_TIMEOUT_MS);
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'the invitee forwarded to voicemail: *# hangs the voicemail up and returns the administrator alone',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1109');
        const dialed = await dialFromRoom(admin, '700');
        const invitee = await waitBridged(fs, admin.leg);
        const mailbox = await fs.getVar(invitee, 'other_loopback_leg_uuid');
        expect(mailbox).toBeDefined();
        // FreeSWITCH ran voicemail on the far end of the invitee's leg.
        await fs.waitForEvent(
          'voicemail on the invitee side',
          (e) =>
            e.name === 'CHANNEL_EXECUTE' && e.uuid === mailbox && e.header('Application') === 'voicemail',
          { after: dialed },
        );
        await press(fs, admin, '*#');
        await waitGone(fs, [invitee, mailbox ?? invitee]);
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'a number the routing rules refuse starts no call and the administrator is back in the room',
      async () => {
        const { fs } = the();
        const { admin, room } = await enterRoom('1110');
        const dialed = await dialFromRoom(admin, '0900');
        await waitInRoom(fs, admin.leg, { room, moderator: true, members: 1 });
        const outbound = fs
          .events(dialed)
          .filter((e) => e.name === 'CHANNEL_CREATE' && e.header('Call-Direction') === 'outbound');
        expect(outbound).toEqual([]);
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'the administrator hangs up while the invitee rings: the invitee leg is hung up too',
      async () => {
        const { fs } = the();
        const { admin } = await enterRoom('1111');
        const dialed = await dialFromRoom(admin, '831');
        const created = await waitLegCreated(fs, '831', dialed);
        expect(await fs.exists(created.uuid ?? '')).toBe(true);
        // Only the administrator hangs up: whatever is left after that was left behind by dynconf.
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'a trunk without answer supervision: no automatic return (another administrator ringing out is), *# returns',
      async (ctx) => {
        const { fs } = the();
        const ownFreeSwitch = plan.kind === 'container';
        const trunkUp =
          (await sofiaProfileRunning(fs, 'trunk', ownFreeSwitch ? 30_000 : 2000)) &&
          (await sofiaGatewayExists(fs, 'loopback-trunk'));
        if (!trunkUp) {
          if (ownFreeSwitch)
            throw new Error(`the suite's FreeSWITCH has no loopback-trunk:\n${await fs.api('sofia status')}`);
          ctx.skip(
            'this FreeSWITCH has no SIP profile "trunk" with the gateway loopback-trunk (freeswitch-config/minimal/)',
          );
        }
        const a = await enterRoom('1201');
        const b = await enterRoom('1202');
        // A calls out through the unsupervised trunk: answered at once, the far end is still ringing.
        await dialFromRoom(a.admin, '09831');
        const trunkLeg = await waitBridged(fs, a.admin.leg);
        // Then B calls a supervised trunk where nobody answers: B is returned after the ring timeout.
        const bDialed = await dialFromRoom(b.admin, '07831');
        const bLeg = await waitLegCreated(fs, '07831', bDialed);
        const bEnded = await waitHangup(fs, bLeg.uuid ?? '', bDialed, {
          timeoutMs: RING_TIMEOUT_MS + 15_000,
        });
        expect(eventTimeMs(bEnded) - eventTimeMs(bLeg)).toBeGreaterThanOrEqual(RING_TIMEOUT_MS * 0.8);
        await waitInRoom(fs, b.admin.leg, { room: b.room, moderator: true, members: 1 });
        // A's call has lasted longer than B's ring timeout, and A is still with the trunk.
        await waitBridged(fs, a.admin.leg, { peer: trunkLeg });
        expect(await roomOf(fs, a.admin.leg)).toBeUndefined();
        await press(fs, a.admin, '*#');
        await waitGone(fs, [trunkLeg]);
        await waitInRoom(fs, a.admin.leg, { room: a.room, moderator: true, members: 1 });
        await hangUpAndCheckNothingLeft(a.admin, b.admin);
      },
      SCENARIO_TIMEOUT_MS,
    );
  });

  describe('the access number when dynconf takes the call, is down, or restarts', () => {
    it(
      'dynconf takes the call: the "service unavailable" fallback scheduled by the dialplan is cancelled',
      async () => {
        const { fs } = the();
        const mark = fs.cursor();
        const admin = await dial(fs, { from: '1401', to: '900' });
        // The dialplan scheduled the fallback before parking; dynconf cancels it when it takes the call.
        await waitUntilCollecting(fs, admin.leg, mark);
        // show tasks is read from the core database: a deleted task is listed until the scheduler's next pass.
        await waitNoScheduledTask(fs, admin.leg);
        await press(fs, admin, `${the().pin}#`);
        await waitInRoom(fs, admin.leg, { moderator: true, members: 1 });
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'dynconf down: a caller dialing 900 hears "service unavailable" after 10 s and is hung up',
      async (ctx) => {
        const { fs } = the();
        const controller = environment().controller;
        if (controller === undefined)
          return ctx.skip('dynconf was not started by the suite, so it cannot stop it');
        await controller.stop();
        try {
          const mark = fs.cursor();
          const caller = await dial(fs, { from: '1402', to: '900' });
          const parked = await fs.waitForEvent(
            'the call to 900 to park',
            (e) => e.name === 'CHANNEL_PARK' && e.uuid === caller.leg,
            { after: mark },
          );
          const fallback = await fs.waitForEvent(
            'the fallback to play its tone',
            (e) =>
              e.name === 'CHANNEL_EXECUTE' &&
              e.uuid === caller.leg &&
              e.header('Application') === 'playback' &&
              (e.header('Application-Data') ?? '').startsWith('tone_stream://'),
            { after: mark, timeoutMs: 20_000 },
          );
          const ended = await waitHangup(fs, caller.leg, mark, { timeoutMs: 20_000 });
          expect(ended.header('Hangup-Cause')).toBe('SERVICE_UNAVAILABLE');
          expect(eventTimeMs(fallback) - eventTimeMs(parked)).toBeGreaterThanOrEqual(9000);
          await waitAllClear(fs);
        } finally {
          await controller.start();
        }
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'dynconf killed and started again during PIN entry: the PIN prompt is played again at once, the PIN works',
      async (ctx) => {
        const { fs, pin } = the();
        const controller = environment().controller;
        if (controller === undefined)
          return ctx.skip('dynconf was not started by the suite, so it cannot restart it');
        const mark = fs.cursor();
        const admin = await dial(fs, { from: '1404', to: '900' });
        const first = await waitUntilCollecting(fs, admin.leg, mark);
        // As on SIGKILL: nothing is sent to FreeSWITCH; the PIN entry goes on without a controller.
        const crashed = fs.cursor();
        await controller.crash();
        await controller.start();
        const ready = await switchNowMs(fs);
        // Asked again at once: the old entry is cut short long before its own wait would have ended it.
        const again = await waitUntilCollecting(fs, admin.leg, crashed);
        expect(eventTimeMs(again) - ready).toBeLessThanOrEqual(1000);
        expect(eventTimeMs(again) - eventTimeMs(first)).toBeLessThan(PIN_TIMEOUT_MS);
        const cut = fs
          .events(crashed)
          .find(
            (e) =>
              e.name === 'CHANNEL_EXECUTE_COMPLETE' &&
              e.uuid === admin.leg &&
              e.header('Application-UUID') === first.header('Application-UUID'),
          );
        expect(cut === undefined ? undefined : eventTimeMs(cut)).toBeLessThanOrEqual(eventTimeMs(again));
        const restarted = fs.cursor();
        await press(fs, admin, `${pin}#`);
        await waitInRoom(fs, admin.leg, { moderator: true, members: 1 });
        expect(fs.events(restarted).some((e) => e.name === 'CHANNEL_HANGUP' && e.uuid === admin.leg)).toBe(
          false,
        );
        await hangUpAndCheckNothingLeft(admin);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'dynconf restarted while an administrator is in the room: 0, dial and ** still work',
      async (ctx) => {
        const { fs } = the();
        const controller = environment().controller;
        if (controller === undefined)
          return ctx.skip('dynconf was not started by the suite, so it cannot restart it');
        const { admin, room } = await enterRoom('1403');
        await controller.stop();
        await controller.start();
        await dialFromRoom(admin, '701');
        const invitee = await waitBridged(fs, admin.leg);
        await press(fs, admin, '**');
        await waitInRoom(fs, invitee, { room, members: 2 });
        await waitInRoom(fs, admin.leg, { room, moderator: true });
        const inviteePhone = await fs.getVar(invitee, 'other_loopback_leg_uuid');
        await hangUpAndCheckNothingLeft(admin, inviteePhone ?? invitee);
      },
      SCENARIO_TIMEOUT_MS,
    );
  });

  describe('flow 2: *0 during a two-party call', () => {
    /** Calls 7100 (marked for *0, bridged to 701) and returns both parties of the bridged call. */
    async function twoPartyCall(
      from: string,
    ): Promise<{ caller: Phone; callee: string; calleePhone: string }> {
      const { fs } = the();
      const caller = await dial(fs, { from, to: '7100', context: 'dynconf-e2e' });
      const callee = await waitBridged(fs, caller.leg);
      const calleePhone = await fs.getVar(callee, 'other_loopback_leg_uuid');
      if (calleePhone === undefined) throw new Error(`the callee ${callee} has no loopback -b leg`);
      return { caller, callee, calleePhone };
    }

    /** `*0` on `presser`: resolves once the PIN prompt runs and the other party is out of the bridge. */
    async function escalate(presser: string, other: string): Promise<void> {
      const { fs } = the();
      const mark = fs.cursor();
      await pressOn(fs, presser, '*0');
      await waitUntilCollecting(fs, presser, mark);
      // The other party waits out of the bridge (on hold), in no room yet.
      await waitUnbridged(fs, other);
      expect(await roomOf(fs, other)).toBeUndefined();
    }

    it(
      'the caller presses *0 and the right PIN: both are in a new room, the caller as its moderator',
      async () => {
        const { fs, pin } = the();
        const { caller, callee } = await twoPartyCall('1301');
        await escalate(caller.leg, callee);
        await pressOn(fs, caller.leg, `${pin}#`);
        const adminSeat = await waitInRoom(fs, caller.leg, { moderator: true });
        const room = adminSeat.room.conference_name;
        expect(room.startsWith(`${ROOM_PREFIX}-`)).toBe(true);
        await waitInRoom(fs, callee, { room, moderator: false, members: 2 });
        // From the room the administrator calls someone and brings them in, as in flow 1.
        await dialFromRoom(caller, '701');
        const invitee = await waitBridged(fs, caller.leg);
        await press(fs, caller, '**');
        await waitInRoom(fs, invitee, { room, members: 3 });
        await waitInRoom(fs, caller.leg, { room, moderator: true });
        const inviteePhone = await fs.getVar(invitee, 'other_loopback_leg_uuid');
        const calleePhone = await fs.getVar(callee, 'other_loopback_leg_uuid');
        await hangUpAndCheckNothingLeft(
          caller,
          ...[inviteePhone, calleePhone].filter((u): u is string => u !== undefined),
        );
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'the called party presses *0 and the right PIN: the called party is the moderator',
      async () => {
        const { fs, pin } = the();
        const { caller, callee, calleePhone } = await twoPartyCall('1302');
        await escalate(callee, caller.leg);
        await pressOn(fs, callee, `${pin}#`);
        const seat = await waitInRoom(fs, callee, { moderator: true });
        await waitInRoom(fs, caller.leg, { room: seat.room.conference_name, moderator: false, members: 2 });
        await hangUpAndCheckNothingLeft(caller, calleePhone);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'wrong PIN maxPinAttempts times: the two are bridged together again and the call goes on',
      async () => {
        const { fs } = the();
        const { caller, callee } = await twoPartyCall('1303');
        let mark = fs.cursor();
        await pressOn(fs, caller.leg, '*0');
        for (let attempt = 1; attempt <= 3; attempt++) {
          await waitUntilCollecting(fs, caller.leg, mark);
          mark = fs.cursor();
          await pressOn(fs, caller.leg, '9999#');
        }
        await waitBridged(fs, caller.leg, { peer: callee });
        expect(await roomOf(fs, caller.leg)).toBeUndefined();
        expect(await roomOf(fs, callee)).toBeUndefined();
        expect(await fs.conferences()).toEqual([]);
        // Only the caller hangs up: the restored call must end for the other party too (nothing parked).
        await hangUpAndCheckNothingLeft(caller);
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'the other party hangs up during PIN entry: the right PIN still makes the room, with the presser alone',
      async () => {
        const { fs, pin } = the();
        const { caller, callee } = await twoPartyCall('1304');
        await escalate(caller.leg, callee);
        await fs.kill(callee);
        await waitGone(fs, [callee]);
        const mark = fs.cursor();
        await pressOn(fs, caller.leg, `${pin}#`);
        await waitInRoom(fs, caller.leg, { moderator: true, members: 1 });
        expect(fs.events(mark).some((e) => e.name === 'CHANNEL_CREATE')).toBe(false);
        await hangUpAndCheckNothingLeft(caller);
      },
      SCENARIO_TIMEOUT_MS,
    );
  });
});
