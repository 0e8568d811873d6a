// The call model behind the event socket: dialplan, park and its timeout, play_and_get_digits,
// conferences, originate outcomes, bridges, transfers — checked through the wire like a controller.
import { afterEach, describe, expect, test } from 'vitest';
import type { ClientEvent, TestClient } from './support/esl-client.js';
import { type Harness, harness } from './support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const of = (c: TestClient, uuid: string) =>
  c
    .eventsFor(uuid)
    .map((e) => e.name + (e.headers.Application !== undefined ? `(${e.headers.Application})` : ''))
    .filter((n) => !n.startsWith('DTMF'));

async function parkedCall(c: TestClient, from = '1001') {
  const call = await h.sim.placeCall({ from, to: '900' });
  await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === call.uuid);
  return call;
}

async function job(c: TestClient, cmd: string, id: string): Promise<ClientEvent> {
  await c.command(`bgapi ${cmd}`, { 'Job-UUID': id });
  return c.waitEvent((e) => e.name === 'BACKGROUND_JOB' && e.headers['Job-UUID'] === id, 10_000);
}

describe('dialplan', () => {
  test('900: role, answer, scheduled fallback, park; nobody takes the call → service unavailable', async () => {
    h = await harness({ dialplan: { parkTimeoutSec: 2 } });
    const c = await h.client();
    const call = await parkedCall(c);
    expect(c.eventsFor(call.uuid).find((e) => e.name === 'CHANNEL_PARK')?.headers.variable_dynconf_role).toBe(
      'admin',
    );
    const groups = await c.apiUntil('show tasks as json', (body) => {
      const rows = (JSON.parse(body) as { rows?: Array<{ task_group: string }> }).rows ?? [];
      return rows.length > 0 ? rows.map((t) => t.task_group) : undefined;
    });
    expect(groups).toEqual([call.uuid]);
    await c.waitEvent((e) => e.name === 'CHANNEL_DESTROY' && e.headers['Unique-ID'] === call.uuid);
    expect(of(c, call.uuid)).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_EXECUTE(set)',
      'CHANNEL_EXECUTE_COMPLETE(set)',
      'CHANNEL_EXECUTE(answer)',
      'CHANNEL_PROGRESS_MEDIA',
      'CHANNEL_ANSWER',
      'CHANNEL_EXECUTE_COMPLETE(answer)',
      'CHANNEL_EXECUTE(sched_transfer)',
      'CHANNEL_EXECUTE_COMPLETE(sched_transfer)',
      'CHANNEL_EXECUTE(park)',
      'CHANNEL_PARK',
      'CHANNEL_UNPARK',
      'CHANNEL_EXECUTE_COMPLETE(park)',
      'CHANNEL_EXECUTE(set)',
      'CHANNEL_EXECUTE_COMPLETE(set)',
      'CHANNEL_EXECUTE(playback)',
      'PLAYBACK_START',
      'PLAYBACK_STOP',
      'CHANNEL_EXECUTE_COMPLETE(playback)',
      'CHANNEL_EXECUTE(hangup)',
      'CHANNEL_HANGUP',
      'CHANNEL_EXECUTE_COMPLETE(hangup)',
      'CHANNEL_HANGUP_COMPLETE',
      'CHANNEL_DESTROY',
    ]);
    const last = c.eventsFor(call.uuid).at(-1);
    expect(last?.headers.variable_dynconf_role).toBe('unavailable');
    expect(call.where()).toMatchObject({ state: 'gone', hangupCause: 'SERVICE_UNAVAILABLE' });
    expect(call.heard().some((x) => x.kind === 'tone')).toBe(true);
  });

  test('sched_del takes the call: the fallback does not run; without it, it pulls the call out', async () => {
    h = await harness({ dialplan: { parkTimeoutSec: 1 } });
    const c = await h.client();
    const kept = await parkedCall(c, '1001');
    const lost = await parkedCall(c, '1002');
    expect(await c.api(`sched_del ${kept.uuid}`)).toBe('+OK Deleted: 1\n');
    expect(await c.api(`sched_del ${kept.uuid}`)).toBe('+OK Deleted: 0\n');
    for (const call of [kept, lost]) await c.api(`uuid_transfer ${call.uuid} conference:r1@dynconf inline`);
    await lost.waitUntil('gone');
    expect(lost.where().hangupCause).toBe('SERVICE_UNAVAILABLE');
    expect(kept.where()).toMatchObject({ state: 'in-conference', room: 'r1' });
  });

  test('park_timeout as FreeSWITCH 1.10 has it: read and cleared when park starts; on expiry, hangup', async () => {
    h = await harness({ dialplan: { parkTimeoutSec: 0 } });
    const c = await h.client();
    const call = await parkedCall(c);
    await c.api(`uuid_setvar ${call.uuid} park_timeout 1:RECOVERY_ON_TIMER_EXPIRE`);
    const from = c.events.length;
    await c.api(`uuid_transfer ${call.uuid} park inline`);
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === call.uuid, 5000, from);
    expect(await c.api(`uuid_getvar ${call.uuid} park_timeout`)).toBe('_undef_');
    const hup = await c.waitEvent((e) => e.name === 'CHANNEL_HANGUP' && e.headers['Unique-ID'] === call.uuid);
    expect(hup.headers['Hangup-Cause']).toBe('RECOVERY_ON_TIMER_EXPIRE');
  });

  test('unknown destination: NO_ROUTE_DESTINATION', async () => {
    h = await harness();
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '555' });
    const hup = await c.waitEvent((e) => e.name === 'CHANNEL_HANGUP' && e.headers['Unique-ID'] === call.uuid);
    expect(hup.headers['Hangup-Cause']).toBe('NO_ROUTE_DESTINATION');
  });
});

describe("the core database's lag (show channels, calls, tasks), as on FreeSWITCH 1.10.12", () => {
  const uuidsOf = (body: string) =>
    ((JSON.parse(body) as { rows?: Array<{ uuid?: string; task_group?: string }> }).rows ?? []).map(
      (r) => r.uuid ?? r.task_group,
    );

  test('a new channel is listed 200 ms after its events; conference json_list is live', async () => {
    h = await harness();
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === call.uuid);
    const parkedAt = h.clock.now();
    expect(uuidsOf(await c.api('show channels as json'))).toEqual([]);
    await c.apiUntil('show channels as json', (body) =>
      uuidsOf(body).includes(call.uuid) ? true : undefined,
    );
    const listedAfter = h.clock.now() - parkedAt;
    expect(listedAfter).toBeGreaterThanOrEqual(150);
    expect(listedAfter).toBeLessThanOrEqual(250);
    await c.api(`uuid_transfer ${call.uuid} conference:lag@dynconf inline`);
    await c.waitEvent((e) => e.headers['Action'] === 'add-member');
    expect(await c.api('conference lag json_list')).toContain(call.uuid);
  });

  test('a task deleted with sched_del stays listed until the scheduler passes', async () => {
    h = await harness({ dialplan: { parkTimeoutSec: 10 } });
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === call.uuid);
    await c.apiUntil('show tasks as json', (body) => (uuidsOf(body).includes(call.uuid) ? true : undefined));
    expect(await c.api(`sched_del ${call.uuid}`)).toBe('+OK Deleted: 1\n');
    const deletedAt = h.clock.now();
    expect(uuidsOf(await c.api('show tasks as json'))).toEqual([call.uuid]);
    await c.apiUntil('show tasks as json', (body) => (uuidsOf(body).length === 0 ? true : undefined));
    expect(h.clock.now() - deletedAt).toBeLessThanOrEqual(1050);
  });
});

describe('play_and_get_digits (trace 02 table)', () => {
  const pagd = (c: TestClient, uuid: string, arg: string, eu: string) =>
    c.command(`sendmsg ${uuid}`, {
      'call-command': 'execute',
      'execute-app-name': 'play_and_get_digits',
      'execute-app-arg': arg,
      'event-uuid': eu,
    });
  const complete = (c: TestClient, eu: string) =>
    c.waitEvent((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.headers['Application-UUID'] === eu, 10_000);

  test.each([
    [
      'right PIN',
      '1234#',
      '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin \\d+ 2000',
      'success',
      '1234',
      undefined,
    ],
    [
      'no terminator',
      '12',
      '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin \\d+ 2000',
      'timeout',
      '12',
      undefined,
    ],
    [
      'regexp fails, one try',
      '12#',
      '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin ^\\d{4}$ 2000',
      'success',
      undefined,
      '12',
    ],
    [
      'no input',
      '',
      '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin \\d+ 2000',
      'failure',
      undefined,
      undefined,
    ],
  ])('%s', async (_name, keys, arg, result, pin, invalid) => {
    h = await harness();
    const c = await h.client();
    const call = await parkedCall(c);
    await pagd(c, call.uuid, arg, 'eu');
    await c.waitEvent((e) => e.name === 'CHANNEL_EXECUTE' && e.headers['Application-UUID'] === 'eu');
    if (keys !== '') await call.press(keys, { gapMs: 0 });
    const done = await complete(c, 'eu');
    expect(done.headers['Application-Response']).toBe('_none_');
    expect(done.headers.variable_read_result).toBe(result);
    expect(done.headers.variable_dynconf_pin).toBe(pin);
    expect(done.headers.variable_dynconf_pin_invalid).toBe(invalid);
    expect(call.where().state).toBe('parked');
  });

  test('a second try after an invalid entry; keys as DTMF events with source RTP from the phone', async () => {
    h = await harness();
    const c = await h.client();
    const call = await parkedCall(c);
    await pagd(
      c,
      call.uuid,
      '1 8 2 4000 # silence_stream://500 silence_stream://250 dynconf_pin ^\\d{4}$ 2000',
      'eu2',
    );
    await c.waitEvent((e) => e.name === 'CHANNEL_EXECUTE' && e.headers['Application-UUID'] === 'eu2');
    await call.press('12#', { gapMs: 0 });
    await c.waitEvent(
      (e) => e.name === 'PLAYBACK_START' && e.headers['Playback-File-Path'] === 'silence_stream://250',
    );
    await call.press('5678#', { gapMs: 0 });
    const done = await complete(c, 'eu2');
    expect(done.headers.variable_dynconf_pin).toBe('5678');
    expect(done.headers.variable_dynconf_pin_invalid).toBe('12');
    const dtmf = c.eventsFor(call.uuid).filter((e) => e.name === 'DTMF');
    expect(dtmf.map((e) => e.headers['DTMF-Digit']).join('')).toBe('12#5678#');
    expect(new Set(dtmf.map((e) => e.headers['DTMF-Source']))).toEqual(new Set(['RTP']));
  });
});

describe('conference', () => {
  test('member ids are switch-wide and kept by a channel; room destroyed after the last one leaves', async () => {
    h = await harness();
    const c = await h.client();
    const a = await parkedCall(c, '1001');
    const g = await parkedCall(c, '1002');
    await c.api(`uuid_transfer ${a.uuid} conference:room-a@dynconf+flags{moderator} inline`);
    await c.api(`uuid_transfer ${g.uuid} conference:room-a@dynconf inline`);
    await h.sim.waitFor(() => h.sim.room('room-a')?.members.length === 2);
    const room = h.sim.room('room-a');
    const ids = room?.members.map((m) => m.id) ?? [];
    expect(room?.members.find((m) => m.uuid === a.uuid)?.moderator).toBe(true);
    expect(room?.members.find((m) => m.uuid === g.uuid)?.moderator).toBe(false);
    const json = JSON.parse(await c.api('conference room-a json_list')) as Array<{
      members: Array<{ uuid: string; flags: { is_moderator: boolean } }>;
    }>;
    expect(json[0]?.members.find((m) => m.uuid === a.uuid)?.flags.is_moderator).toBe(true);
    // admin leaves to park and comes back: same member id
    await c.api(`uuid_transfer ${a.uuid} park inline`);
    await a.waitUntil('parked');
    await c.api(`uuid_transfer ${a.uuid} conference:room-a@dynconf+flags{moderator} inline`);
    await a.waitUntil('in-conference');
    expect(
      h.sim
        .room('room-a')
        ?.members.map((m) => m.id)
        .sort(),
    ).toEqual([...ids].sort());
    await c.api(`uuid_kill ${g.uuid}`);
    await c.api(`uuid_kill ${a.uuid}`);
    const destroy = await c.waitEvent((e) => e.headers.Action === 'conference-destroy');
    expect(destroy.headers['Unique-ID']).toBeUndefined();
    expect(await c.api('conference list')).toBe('+OK No active conferences.\n');
  });

  test('profile default: 0 mutes/unmutes, * deaf-mutes, # leaves (and the inline dialplan ends)', async () => {
    h = await harness();
    const c = await h.client();
    const a = await parkedCall(c);
    await c.api(`uuid_transfer ${a.uuid} conference:room-b@default inline`);
    await a.waitUntil('in-conference');
    const action = (name: string) =>
      c.waitEvent((e) => e.headers.Action === name && e.headers['Unique-ID'] === a.uuid);
    await a.press('0');
    expect((await action('mute-member')).headers.Speak).toBe('false');
    await a.press('0');
    await action('unmute-member');
    await a.press('*');
    expect((await action('deaf-member')).headers.Hear).toBe('false');
    await a.press('#');
    await action('del-member');
    const hup = await c.waitEvent((e) => e.name === 'CHANNEL_HANGUP' && e.headers['Unique-ID'] === a.uuid);
    expect(hup.headers['Hangup-Cause']).toBe('NORMAL_CLEARING');
  });

  test('profile dynconf: keys are only DTMF events; talking drives start/stop-talking', async () => {
    h = await harness();
    const c = await h.client();
    const a = await parkedCall(c);
    await c.api(`uuid_transfer ${a.uuid} conference:room-c@dynconf inline`);
    await a.waitUntil('in-conference');
    await a.press('0*#', { gapMs: 0 });
    await c.waitEvent((e) => e.name === 'DTMF' && e.headers['DTMF-Digit'] === '#');
    a.talk(true);
    await c.waitEvent((e) => e.headers.Action === 'start-talking');
    a.talk(false);
    await c.waitEvent((e) => e.headers.Action === 'stop-talking');
    const actions = c
      .eventsFor(a.uuid)
      .map((e) => e.headers.Action)
      .filter((x) => x !== undefined);
    expect(actions).not.toContain('mute-member');
    expect(actions).not.toContain('del-member');
    expect(a.where().state).toBe('in-conference');
  });

  test('kick, mute, lock from the api', async () => {
    h = await harness();
    const c = await h.client();
    const a = await parkedCall(c);
    await c.api(`uuid_transfer ${a.uuid} conference:room-k@dynconf inline`);
    await a.waitUntil('in-conference');
    const id = h.sim.room('room-k')?.members[0]?.id;
    expect(await c.api(`conference room-k mute ${id}`)).toBe(`+OK mute ${id}\n`);
    expect(h.sim.room('room-k')?.members[0]?.canSpeak).toBe(false);
    expect(await c.api('conference room-k lock')).toBe('+OK room-k locked\n');
    expect(await c.api(`conference room-k kick ${id}`)).toBe(`+OK kick ${id}\n`);
    await c.waitEvent((e) => e.name === 'CHANNEL_HANGUP' && e.headers['Unique-ID'] === a.uuid);
  });
});

describe('originate outcomes (trace 05)', () => {
  const orig = (uuid: string, dest: string, extra = 'ignore_early_media=true,') =>
    `originate {origination_uuid=${uuid},originate_timeout=5,${extra}dynconf_role=invitee}${dest} &park()`;

  test.each([
    [
      'answer',
      { kind: 'answer', afterMs: 1000 },
      '+OK B-1\n',
      [
        'CHANNEL_OUTGOING',
        'CHANNEL_CREATE',
        'CHANNEL_ORIGINATE',
        'CHANNEL_PROGRESS',
        'CHANNEL_ANSWER',
        'CHANNEL_EXECUTE(park)',
        'CHANNEL_PARK',
      ],
    ],
    [
      'busy',
      { kind: 'busy' },
      '-ERR USER_BUSY\n',
      [
        'CHANNEL_OUTGOING',
        'CHANNEL_CREATE',
        'CHANNEL_ORIGINATE',
        'CHANNEL_HANGUP',
        'CHANNEL_HANGUP_COMPLETE',
        'CHANNEL_DESTROY',
      ],
    ],
    [
      'reject',
      { kind: 'reject' },
      '-ERR CALL_REJECTED\n',
      [
        'CHANNEL_OUTGOING',
        'CHANNEL_CREATE',
        'CHANNEL_ORIGINATE',
        'CHANNEL_HANGUP',
        'CHANNEL_HANGUP_COMPLETE',
        'CHANNEL_DESTROY',
      ],
    ],
    [
      'unreachable',
      { kind: 'unreachable' },
      '-ERR NORMAL_TEMPORARY_FAILURE\n',
      [
        'CHANNEL_OUTGOING',
        'CHANNEL_CREATE',
        'CHANNEL_ORIGINATE',
        'CHANNEL_HANGUP',
        'CHANNEL_HANGUP_COMPLETE',
        'CHANNEL_DESTROY',
      ],
    ],
    [
      'ring-forever',
      { kind: 'ring-forever' },
      '-ERR NO_ANSWER\n',
      [
        'CHANNEL_OUTGOING',
        'CHANNEL_CREATE',
        'CHANNEL_ORIGINATE',
        'CHANNEL_PROGRESS',
        'CHANNEL_HANGUP',
        'CHANNEL_HANGUP_COMPLETE',
        'CHANNEL_DESTROY',
      ],
    ],
    ['no-such-user', { kind: 'no-such-user' }, '-ERR SUBSCRIBER_ABSENT\n', []],
    ['unregistered', { kind: 'unregistered' }, '-ERR USER_NOT_REGISTERED\n', []],
  ] as const)('%s', async (_n, behaviour, body, legEvents) => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', behaviour);
    const j = await job(c, orig('B-1', 'user/801'), 'j');
    expect(j.headers._body).toBe(body);
    if (body.startsWith('+OK'))
      await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === 'B-1');
    else if (legEvents.length > 0) await c.waitEvent((e) => e.name === 'CHANNEL_DESTROY');
    expect(of(c, 'B-1')).toEqual(legEvents);
    if (legEvents.length > 0) {
      expect(c.eventsFor('B-1')[0]?.headers['Call-Direction']).toBe('outbound');
      expect(c.eventsFor('B-1')[1]?.headers.variable_dynconf_role).toBe('invitee');
    }
  });

  test('early media without ignore_early_media succeeds at once and parks an unanswered leg', async () => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', { kind: 'early-media-then-answer', afterMs: 3000 });
    const j = await job(c, orig('B-2', 'user/801', ''), 'j2');
    expect(j.headers._body).toBe('+OK B-2\n');
    const park = await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === 'B-2');
    expect(park.headers['Answer-State']).toBe('early');
    await c.waitEvent((e) => e.name === 'CHANNEL_ANSWER' && e.headers['Unique-ID'] === 'B-2');
  });

  test('uuid_kill while ringing cancels: -ERR <cause>, send_cancel', async () => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', { kind: 'ring-forever' });
    await c.command(
      `bgapi ${orig('B-3', 'user/801').replace('originate_timeout=5', 'originate_timeout=30')}`,
      { 'Job-UUID': 'j3' },
    );
    await c.waitEvent((e) => e.name === 'CHANNEL_PROGRESS' && e.headers['Unique-ID'] === 'B-3');
    expect(await c.api('uuid_kill B-3 ORIGINATOR_CANCEL')).toBe('+OK\n');
    const j = await c.waitEvent((e) => e.name === 'BACKGROUND_JOB');
    expect(j.headers._body).toBe('-ERR ORIGINATOR_CANCEL\n');
    const hc = await c.waitEvent((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
    expect(hc.headers.variable_sip_hangup_disposition).toBe('send_cancel');
  });

  test("a 30 s originate_timeout gives up after 30 s of the switch's time", async () => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', { kind: 'ring-forever' });
    const started = h.clock.now();
    const j = await job(c, 'originate {originate_timeout=30}user/801 &park()', 'j4');
    const took = h.clock.now() - started;
    expect(j.headers._body).toBe('-ERR NO_ANSWER\n');
    expect(took).toBeGreaterThanOrEqual(30_000);
    expect(took).toBeLessThan(31_000);
  });

  test('trunk without answer supervision: answered at once even though the far end is busy', async () => {
    h = await harness();
    const c = await h.client();
    h.sim.gateways.set('gsm', { answerSupervision: false, farEnd: { kind: 'busy' } });
    const j = await job(c, orig('B-5', 'sofia/gateway/gsm/0612345678'), 'j5');
    expect(j.headers._body).toBe('+OK B-5\n');
    expect(h.sim.channel('B-5')?.name).toBe('sofia/gateway/gsm/0612345678');
    expect(h.sim.heard('B-5').map((x) => x.what)).toContain('busy tone');
  });

  test('errors without a channel: unknown gateway, unknown endpoint, duplicate uuid', async () => {
    h = await harness();
    const c = await h.client();
    expect((await job(c, orig('B-6', 'sofia/gateway/nope/123'), 'j6')).headers._body).toBe(
      '-ERR INVALID_GATEWAY\n',
    );
    expect((await job(c, orig('B-7', 'nosuchtech/801'), 'j7')).headers._body).toBe(
      '-ERR CHAN_NOT_IMPLEMENTED\n',
    );
    const a = await parkedCall(c);
    h.sim.directory.set('801', { kind: 'answer', afterMs: 10 });
    expect((await job(c, orig(a.uuid, 'user/801'), 'j8')).headers._body).toBe(
      '-ERR DESTINATION_OUT_OF_ORDER\n',
    );
    expect(await c.api(`uuid_exists ${a.uuid}`)).toBe('true');
  });

  test('voicemail: a loopback pair answers at once; the inner leg runs voicemail', async () => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', { kind: 'voicemail' });
    const j = await job(c, orig('B-9', 'user/801'), 'j9');
    expect(j.headers._body).toBe('+OK B-9\n');
    const inner = await c.api('uuid_getvar B-9 other_loopback_leg_uuid');
    const vm = await c.waitEvent(
      (e) => e.name === 'CHANNEL_EXECUTE' && e.headers.Application === 'voicemail',
    );
    expect(vm.headers['Unique-ID']).toBe(inner);
    expect(h.sim.channel('B-9')?.name).toBe('loopback/801-a');
  });
});

describe('bridges', () => {
  async function privateTalk(c: TestClient, vars: boolean) {
    const a = await parkedCall(c);
    h.sim.directory.set('801', { kind: 'answer', afterMs: 100 });
    await job(c, 'originate {origination_uuid=B,ignore_early_media=true}user/801 &park()', 'jb');
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === 'B');
    if (vars) {
      for (const u of [a.uuid, 'B']) {
        await c.api(`uuid_setvar ${u} hangup_after_bridge false`);
        await c.api(`uuid_setvar ${u} park_after_bridge true`);
      }
    }
    expect(await c.api(`uuid_bridge ${a.uuid} B`)).toBe('+OK B\n');
    const br = await c.waitEvent((e) => e.name === 'CHANNEL_BRIDGE');
    expect(br.headers['Unique-ID']).toBe(a.uuid);
    expect(br.headers['Bridge-B-Unique-ID']).toBe('B');
    expect(await c.api('uuid_getvar B bridge_uuid')).toBe(a.uuid);
    return a;
  }

  test('uuid_bridge, then uuid_kill B: A is unbridged and parked (park_after_bridge)', async () => {
    h = await harness();
    const c = await h.client();
    const a = await privateTalk(c, true);
    expect(
      c
        .eventsFor(a.uuid)
        .filter((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.headers.Application === 'uuid_bridge'),
    ).toHaveLength(0);
    await c.api('uuid_kill B');
    const park = await c.waitEvent(
      (e) =>
        e.name === 'CHANNEL_PARK' &&
        e.headers['Unique-ID'] === a.uuid &&
        e.headers['Channel-State'] === 'CS_PARK',
    );
    expect(park.headers['Other-Leg-Unique-ID']).toBe('B');
    expect(await c.api(`uuid_exists ${a.uuid}`)).toBe('true');
    expect(a.where().state).toBe('parked');
  });

  test('without the variables, A is hung up when B goes', async () => {
    h = await harness();
    const c = await h.client();
    const a = await privateTalk(c, false);
    await c.api('uuid_kill B');
    await a.waitUntil('gone');
    expect(await c.api('show channels as json')).toBe('{"row_count": 0}\n');
  });

  test('the admin hangs up: B (park_after_bridge) is parked and stays', async () => {
    h = await harness();
    const c = await h.client();
    const a = await privateTalk(c, true);
    await a.hangup();
    await c.waitEvent(
      (e) =>
        e.name === 'CHANNEL_PARK' &&
        e.headers['Unique-ID'] === 'B' &&
        e.headers['Channel-State'] === 'CS_PARK',
    );
    expect(h.sim.call('B').where().state).toBe('parked');
  });

  test('-both moves both legs into the room; the moderator flag is lost', async () => {
    h = await harness();
    const c = await h.client();
    const a = await privateTalk(c, true);
    await c.api(`uuid_transfer ${a.uuid} -both conference:room-x@dynconf inline`);
    await h.sim.waitFor(() => h.sim.room('room-x')?.members.length === 2);
    expect(h.sim.room('room-x')?.members.every((m) => !m.moderator)).toBe(true);
  });

  test('two-party call through the dialplan: dynconf_star0 on both legs, keys as RTP DTMF on either leg', async () => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', { kind: 'answer', afterMs: 200 });
    const { a, b } = await h.sim.placeTwoPartyCall({ from: '1003', to: '801' });
    expect(h.sim.channel(a.uuid)?.variables.dynconf_star0).toBe('enabled');
    expect(h.sim.channel(b.uuid)?.variables.dynconf_star0).toBe('enabled');
    expect(a.where()).toMatchObject({ state: 'bridged', bridgedTo: b.uuid });
    await b.press('*0', { gapMs: 0 });
    const keys = await c.waitFor(() => {
      const d = c.eventsFor(b.uuid).filter((e) => e.name === 'DTMF');
      return d.length === 2 ? d : undefined;
    });
    expect(keys.map((e) => `${e.headers['DTMF-Digit']}/${e.headers['DTMF-Source']}`)).toEqual([
      '*/RTP',
      '0/RTP',
    ]);
    // *0 flow: park the presser; the other party, with park_after_bridge, is parked too
    await c.api(`uuid_setvar ${b.uuid} park_after_bridge true`);
    await c.api(`uuid_transfer ${a.uuid} park inline`);
    await a.waitUntil('parked');
    await b.waitUntil('parked');
    expect(a.heard().some((x) => x.kind === 'ringback')).toBe(true);
  });

  test('a busy callee hangs the caller up with USER_BUSY', async () => {
    h = await harness();
    h.sim.directory.set('802', { kind: 'busy' });
    await expect(h.sim.placeTwoPartyCall({ from: '1003', to: '802', timeoutMs: 2000 })).rejects.toThrow(
      /USER_BUSY/,
    );
  });
});

describe('more api commands', () => {
  test('uuid_broadcast plays on the leg inside park; uuid_break cuts it short', async () => {
    h = await harness();
    const c = await h.client();
    const call = await parkedCall(c);
    expect(await c.api(`uuid_broadcast ${call.uuid} local_stream://moh aleg`)).toBe(
      '+OK Message sent successfully\n',
    );
    await c.waitEvent((e) => e.name === 'PLAYBACK_START' && e.headers['Unique-ID'] === call.uuid);
    expect(call.where().state).toBe('playing');
    expect(await c.api(`uuid_break ${call.uuid}`)).toBe('+OK\n');
    const stop = await c.waitEvent((e) => e.name === 'PLAYBACK_STOP' && e.headers['Unique-ID'] === call.uuid);
    expect(stop.headers['Playback-Status']).toBe('break');
    await c.waitEvent((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.headers.Application === 'playback');
    expect(call.where().state).toBe('parked');
  });

  test('uuid_dump (plain and json), uuid_setvar/getvar, show calls, status', async () => {
    h = await harness();
    const c = await h.client('');
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await call.waitUntil('parked');
    expect(await c.api(`uuid_setvar ${call.uuid} dynconf_room room 1`)).toBe('+OK\n');
    expect(await c.api(`uuid_getvar ${call.uuid} dynconf_room`)).toBe('room 1');
    expect(await c.api(`uuid_getvar ${call.uuid} nope`)).toBe('_undef_');
    const json = JSON.parse(await c.api(`uuid_dump ${call.uuid} json`)) as Record<string, string>;
    expect(json['Event-Name']).toBe('CHANNEL_DATA');
    expect(json.variable_dynconf_room).toBe('room 1');
    const plain = await c.api(`uuid_dump ${call.uuid}`);
    expect(plain).toContain('variable_dynconf_room: room%201\n');
    expect(plain.endsWith('\n\n')).toBe(true);
    const callsBody = await c.apiUntil('show calls as json', (body) =>
      body.includes(call.uuid) ? body : undefined,
    );
    const calls = JSON.parse(callsBody) as {
      row_count: number;
      rows: Array<Record<string, string>>;
    };
    expect(calls.row_count).toBe(1);
    expect(calls.rows[0]?.b_uuid).toBe('');
    expect(await c.api('show channels count')).toBe('\n1 total.\n');
    expect(await c.api('status')).toMatch(
      /^UP 0 years, 0 days, .*\nFreeSWITCH \(Version 1\.10\.12-release {2}64bit\) is ready\n/,
    );
  });

  test('a dial string with several destinations dials the first', async () => {
    h = await harness();
    const c = await h.client();
    h.sim.directory.set('801', { kind: 'answer', afterMs: 10 });
    const j = await job(c, 'originate {origination_uuid=M-1}user/801,user/802 &park()', 'jm');
    expect(j.headers._body).toBe('+OK M-1\n');
    expect(h.sim.channel('M-1')?.destination).toBe('801');
  });
});
