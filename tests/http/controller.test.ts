// The operator API on the real controller: what each administrator is doing (entering the PIN, in the
// room, dialing, ringing whom, talking privately), and the keypad metrics (PIN failures, invitation
// outcomes) — with the PIN never appearing in the metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAdministrator, ApiRoom } from '../../src/http/views.js';
import type { SimCall } from '../../src/simulator/index.js';
import { ADMIN_PIN, json, type Rig, startRig } from './support.js';

const WRONG_PIN = '1357913579';

describe('operator API on the controller', () => {
  let rig: Rig;
  let admin: SimCall;
  let roomName = '';

  beforeAll(async () => {
    rig = await startRig({ controller: true });
  });
  afterAll(async () => {
    await rig.close();
  });

  const nextPrompt = (call: SimCall) =>
    rig.sim.waitForEvent(
      (e) =>
        e.name === 'CHANNEL_EXECUTE' &&
        e.uuid === call.uuid &&
        e.get('Application') === 'play_and_get_digits',
      { timeoutMs: 5000, what: 'a digit prompt' },
    );
  const administrator = async (): Promise<{ room: ApiRoom; admin: ApiAdministrator } | undefined> => {
    for (const room of (await rig.rooms()).rooms) {
      const found = room.administrators.find((a) => a.uuid === admin.uuid);
      if (found) return { room, admin: found };
    }
    return undefined;
  };
  const activity = async (wanted: ApiAdministrator['activity']) =>
    rig.until(async () => {
      const found = await administrator();
      return found?.admin.activity === wanted ? found : undefined;
    }, `administrator ${wanted}`);
  const metricsText = async () => (await rig.get('/metrics')).text();

  it('counts a wrong PIN, then shows the administrator in their new room', async () => {
    admin = await rig.sim.placeCall({ from: '1001', to: '900' });
    await admin.waitUntil('collecting');
    const status = await json(await rig.get('/status'));
    expect(status.administrators).toEqual({ 'entering-pin': 1 });
    const again = nextPrompt(admin);
    await admin.press(`${WRONG_PIN}#`);
    await again;
    await admin.press(`${ADMIN_PIN}#`);
    // In the room on the switch first (phone time passing), then the API must show it.
    await admin.waitUntil('in-conference');
    const { room, admin: view } = await activity('in-room');
    roomName = room.name;
    expect(room.live).toBe(true);
    expect(view).toMatchObject({ number: '1001', inRoom: true, flow: 'access', invitee: null });
    expect(room.members).toEqual([expect.objectContaining({ number: '1001', administrator: true })]);
    const metrics = await metricsText();
    expect(metrics).toContain('dynconf_pin_failures_total 1');
    expect(metrics).toContain('dynconf_sessions{state="inRoom"} 1');
    expect(metrics).not.toContain(ADMIN_PIN);
    expect(metrics).not.toContain(WRONG_PIN);
  });

  it('shows the administrator dialing while FreeSWITCH has no room, then ringing whom', async () => {
    const dialTone = nextPrompt(admin);
    await admin.press('0');
    await dialTone;
    const { room } = await activity('dialing');
    expect(room).toMatchObject({ name: roomName, live: false, members: [] });
    await admin.press('803#');
    const ringing = await rig.until(async () => {
      const found = await administrator();
      return found?.admin.activity === 'ringing' && found.admin.invitee?.number === '803' ? found : undefined;
    }, 'administrator ringing 803');
    expect(ringing.admin.inRoom).toBe(false);
    // *# while it rings: back alone, the call cancelled.
    await admin.press('*#');
    await activity('in-room');
    await rig.until(
      async () =>
        (await metricsText()).includes('dynconf_invitations_total{outcome="cancelled",source="keypad"} 1'),
      'cancelled counted',
    );
  });

  it('shows the private talk with whom, then the guest in the room after **', async () => {
    const dialTone = nextPrompt(admin);
    await admin.press('0');
    await dialTone;
    await admin.press('804#');
    const talking = await rig.until(async () => {
      const found = await administrator();
      return found?.admin.activity === 'talking-privately' ? found : undefined;
    }, 'administrator talking privately');
    expect(talking.admin.invitee).toMatchObject({ number: '804' });
    await admin.press('**');
    const back = await rig.until(async () => {
      const found = await administrator();
      return found?.admin.activity === 'in-room' && found.room.members.length === 2 ? found : undefined;
    }, 'administrator and guest in the room');
    expect(back.room.members.map((m) => [m.number, m.administrator])).toEqual(
      expect.arrayContaining([
        ['1001', true],
        ['804', false],
      ]),
    );
    // The bridge's reply may still be on its way when the room shows both: wait for it to be counted.
    const metrics = await rig.until(async () => {
      const text = await metricsText();
      return /dynconf_command_duration_seconds_count\{command="uuid_bridge",kind="api",result="ok"\} 1/.test(
        text,
      )
        ? text
        : undefined;
    }, 'the uuid_bridge command timed');
    expect(metrics).toContain('dynconf_invitations_total{outcome="answered",source="keypad"} 1');
  });

  it('lets the operator mute the administrator and end the room; nothing is left', async () => {
    const { room } = (await administrator()) ?? {};
    const adminMember = room?.members.find((m) => m.uuid === admin.uuid);
    if (adminMember === undefined) throw new Error('administrator not in the room');
    expect((await rig.post(`/api/rooms/${roomName}/members/${adminMember.id}/mute`)).status).toBe(200);
    expect(rig.sim.room(roomName)?.members.find((m) => m.uuid === admin.uuid)?.canSpeak).toBe(false);
    expect((await rig.post(`/api/rooms/${roomName}/end`)).status).toBe(200);
    await rig.until(() => rig.sim.channels().length === 0, 'every call hung up');
    await rig.until(async () => (await rig.rooms()).rooms.length === 0, 'no room listed');
    await rig.until(() => rig.controller?.sessions().length === 0, 'no session left');
    expect(rig.api.rooms.size).toBe(0);
  });
});
