// Flow 1 end to end: dial 900, PIN, room, 0 → dial tone → number → ringback → private talk → `**` / `*#`,
// and every automatic return. Simulator and controller talk over the real event socket.
import { afterEach, describe, expect, it } from 'vitest';
import { dialToneFor, SHIPPED_PROMPTS } from '../../src/prompts.js';
import { ADMIN_PIN, finishHarness, type Harness, startHarness, WRONG_PIN } from './support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
});

describe('flow 1: dial 900', () => {
  it('wrong then right PIN, 0, dial 801, answer, ** — the room has the admin as moderator and the invitee', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 1000 } } });
    const admin = await h.callAccessNumber();
    const secondPrompt = h.nextCollect(admin);
    await h.enterPin(admin, WRONG_PIN);
    await secondPrompt;
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS['wrong-pin'])).toBe(true);
    expect(h.session(admin.uuid)?.state).toBe('authenticating');

    await h.enterPin(admin);
    const inRoom = await admin.waitUntil('in-conference');
    const room = inRoom.room ?? '';
    expect(room).toMatch(/^dynconf-/);
    expect(h.sim.room(room)?.members).toEqual([
      expect.objectContaining({ uuid: admin.uuid, moderator: true }),
    ]);
    // The PIN does not stay on the channel.
    expect(h.sim.channel(admin.uuid)?.variables.dynconf_pin).toBeUndefined();

    const invitee = await h.dial(admin, '801');
    await h.sessionState(admin.uuid, 'invitation.talking');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    expect(
      h.heard(admin.uuid, dialToneFor(SHIPPED_PROMPTS['dial-tone'], h.config.dialTimeoutMs).prompt),
    ).toBe(true);
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS.ringback)).toBe(true);
    // Private: the room does not hear them (the admin left it).
    expect(h.sim.room(room)).toBeUndefined();

    await admin.press('**');
    const members = await h.until(() => {
      const m = h?.sim.room(room)?.members;
      return m?.length === 2 ? m : undefined;
    }, 'two members in the room');
    expect(members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uuid: admin.uuid, moderator: true }),
        expect.objectContaining({ uuid: invitee.uuid, moderator: false }),
      ]),
    );
    expect(h.session(admin.uuid)?.state).toBe('inRoom');

    // The PIN never reached a log line; the log did record the session.
    expect(h.logs.some((line) => line.includes('session started'))).toBe(true);
    expect(h.logs.filter((line) => line.includes(ADMIN_PIN) || line.includes(WRONG_PIN))).toEqual([]);

    await admin.hangup();
    await invitee.hangup();
  });

  it('no answer within the ring timeout: the admin is back in the room, the ringing leg is cancelled', async () => {
    h = await startHarness({
      directory: { '802': { kind: 'ring-forever' } },
      config: {
        routes: [{ name: 'ext', pattern: '8[01][0-9]', dialString: 'user/{number}', ringTimeoutMs: 5000 }],
      },
    });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '802');
    await h.sessionState(admin.uuid, 'invitation.ringing');
    await admin.waitUntil('in-conference', { room, timeoutMs: 5000 });
    expect(h.session(admin.uuid)?.state).toBe('inRoom');
    await invitee.waitUntil('gone');
    expect(invitee.where().hangupCause).toBe('ORIGINATOR_CANCEL');
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS['no-answer'])).toBe(true);
    await admin.hangup();
  });

  it('busy: back in the room with the busy tone', async () => {
    h = await startHarness({ directory: { '803': { kind: 'busy' } } });
    const { admin, room } = await h.adminInRoom();
    await h.enterNumber(admin, '803');
    await h.until(() => (h as Harness).heard(admin.uuid, SHIPPED_PROMPTS.busy), 'the busy tone');
    await admin.waitUntil('in-conference', { room });
    await h.sessionState(admin.uuid, 'inRoom');
    expect(h.inviteeLegs()).toEqual([]);
    await admin.hangup();
  });

  it('an unknown extension: back in the room with the unreachable tone', async () => {
    h = await startHarness();
    const { admin, room } = await h.adminInRoom();
    await h.enterNumber(admin, '819');
    await h.until(
      () => (h as Harness).heard(admin.uuid, SHIPPED_PROMPTS.unreachable),
      'the unreachable tone',
    );
    await admin.waitUntil('in-conference', { room });
    await admin.hangup();
  });

  it('a number no rule allows is refused: back in the room, nothing is called', async () => {
    h = await startHarness();
    const { admin, room } = await h.adminInRoom();
    await h.enterNumber(admin, '900123');
    await h.until(
      () => (h as Harness).heard(admin.uuid, SHIPPED_PROMPTS['not-allowed']),
      'the not-allowed tone',
    );
    await admin.waitUntil('in-conference', { room });
    expect(h.controller.stats().invitations).toBe(0);
    await admin.hangup();
  });

  it('*# while talking: the invitee is hung up, the admin returns alone', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 500 } } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.sessionState(admin.uuid, 'invitation.talking');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    await admin.press('*#');
    await invitee.waitUntil('gone');
    await admin.waitUntil('in-conference', { room });
    expect(h.sim.room(room)?.members.map((m) => m.uuid)).toEqual([admin.uuid]);
    expect(h.sim.room(room)?.members[0]?.moderator).toBe(true);
    await admin.hangup();
  });

  it('*# while ringing: the call attempt is cancelled, the admin returns alone', async () => {
    h = await startHarness({ directory: { '802': { kind: 'ring-forever' } } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '802');
    await h.sessionState(admin.uuid, 'invitation.ringing');
    await admin.press('*#');
    await invitee.waitUntil('gone');
    await admin.waitUntil('in-conference', { room });
    expect(h.session(admin.uuid)?.state).toBe('inRoom');
    await admin.hangup();
  });

  it('the admin hangs up while it rings: the ringing leg is hung up', async () => {
    h = await startHarness({ directory: { '802': { kind: 'ring-forever' } } });
    const { admin } = await h.adminInRoom();
    const invitee = await h.dial(admin, '802');
    await h.sessionState(admin.uuid, 'invitation.ringing');
    await admin.hangup();
    await invitee.waitUntil('gone');
    await h.until(() => h?.controller.sessions().length === 0, 'the session to end');
  });

  it('the admin hangs up while talking privately: the invitee is hung up, not left parked', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 500 } } });
    const { admin } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    await admin.hangup();
    await invitee.waitUntil('gone');
  });

  it('the invitee hangs up during the private talk: the admin is back in the room', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 500 } } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    await invitee.hangup();
    await admin.waitUntil('in-conference', { room });
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS['invitee-hung-up'])).toBe(true);
    await h.sessionState(admin.uuid, 'inRoom');
    await admin.hangup();
  });

  it('a trunk without answer supervision: no automatic return; *# brings the admin back', async () => {
    h = await startHarness({
      gateways: { gsm: { answerSupervision: false, farEnd: { kind: 'ring-forever' } } },
    });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '70612345678');
    await h.sessionState(admin.uuid, 'invitation.talking');
    // Past the route's ring timeout (45 s): still talking, no automatic return.
    const past = h.clock.now() + 50_000;
    await h.until(() => (h as Harness).clock.now() > past, 'the ring timeout to pass', { timeoutMs: 10_000 });
    expect(h.session(admin.uuid)?.state).toBe('invitation.talking');
    expect(admin.where().bridgedTo).toBe(invitee.uuid);
    await admin.press('*#');
    await invitee.waitUntil('gone');
    await admin.waitUntil('in-conference', { room });
    await admin.hangup();
  });

  it('voicemail answers: the admin hears the voicemail tone and returns with *#', async () => {
    h = await startHarness({ directory: { '804': { kind: 'voicemail' } } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '804');
    await h.sessionState(admin.uuid, 'invitation.voicemail');
    await h.until(
      () => (h as Harness).heard(admin.uuid, SHIPPED_PROMPTS['voicemail-detected']),
      'the voicemail-detected tone',
    );
    await admin.press('*#');
    await invitee.waitUntil('gone');
    await admin.waitUntil('in-conference', { room });
    await admin.hangup();
  });

  it('voicemail answers with returnOnVoicemail: the admin is returned automatically', async () => {
    h = await startHarness({
      directory: { '804': { kind: 'voicemail' } },
      config: { returnOnVoicemail: true },
    });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '804');
    await invitee.waitUntil('gone');
    await admin.waitUntil('in-conference', { room });
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS['voicemail-detected'])).toBe(true);
    await h.sessionState(admin.uuid, 'inRoom');
    await admin.hangup();
  });

  it('three wrong PINs: goodbye and hang-up', async () => {
    h = await startHarness();
    const admin = await h.callAccessNumber();
    for (let attempt = 1; attempt < 3; attempt++) {
      const next = h.nextCollect(admin);
      await h.enterPin(admin, WRONG_PIN);
      await next;
    }
    await h.enterPin(admin, WRONG_PIN);
    await admin.waitUntil('gone');
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS.goodbye)).toBe(true);
    expect(h.controller.stats().pinWrong).toBe(3);
  });
});
