// Flow 1 of the vendor manual: dial 900, the PIN, a room of one's own, then 0 → dial → ** / *#, the ring
// timeout, a trunk without answer supervision and a phone that forwards to voicemail.
import type { SimCall } from '../simulator/index.js';
import { inRoom, newLegTo, outboundLegs, rings, roomIs, talking } from './checks.js';
import type { Play } from './play.js';
import { DEMO_PIN, MOBILE_NUMBER, RING_TIMEOUT_MS, WRONG_PIN } from './stage.js';
import type { DemoSection } from './step.js';

export const ADMIN = '1001';
export const GUEST = '801';
export const NO_ANSWER = '802';
export const VOICEMAIL = '804';

export function flowOne(accessNumber: string): DemoSection {
  let admin: SimCall;
  let guest: SimCall;
  let room = '';

  /** 0: the administrator leaves the room for a moment and hears dial tone. */
  const dialTone = async (play: Play, why: string) => {
    const mark = play.mark(admin);
    await play.press(admin, '0', why);
    await play.expect(
      `${ADMIN} hears dial tone`,
      () => play.heardSince(admin, mark, 'dial-tone') && admin.where().state === 'collecting',
      { about: [admin] },
    );
  };

  /** Dials `number` and waits for dynconf's leg to it. */
  const dial = async (play: Play, keys: string, number: string, why?: string) => {
    const known = outboundLegs(play.sim);
    await play.press(admin, `${keys}#`, why);
    const leg = await play.expect(`dynconf calls ${number}`, () => newLegTo(play.sim, number, known), {
      about: [admin],
    });
    return play.phoneOf(leg.uuid);
  };

  /** The room holds the administrator (as moderator) and the guest brought in with `**`. */
  const backInRoom = (play: Play) => roomIs(play.sim, room, admin, [guest]);

  return {
    title: `Flow 1 — dial ${accessNumber}`,
    steps: [
      {
        title: `${ADMIN} dials ${accessNumber}, the access number`,
        async run(play) {
          admin = await play.call(ADMIN, accessNumber);
          await play.expect(
            `${ADMIN} is asked for the administrator PIN`,
            () => admin.where().state === 'collecting' && play.lastHeardIs(admin, 'enter-pin'),
            { about: [admin] },
          );
        },
      },
      {
        title: 'A wrong PIN: another try',
        async run(play) {
          const mark = play.mark(admin);
          await play.enterPin(admin, WRONG_PIN, 'a wrong');
          await play.expect(
            `${ADMIN} hears that the PIN was wrong and is asked again`,
            () =>
              play.heardSince(admin, mark, 'wrong-pin') &&
              play.lastHeardIs(admin, 'enter-pin') &&
              admin.where().state === 'collecting',
            { about: [admin] },
          );
        },
      },
      {
        title: `The right PIN: a new room, ${ADMIN} its moderator`,
        async run(play) {
          await play.enterPin(admin, DEMO_PIN, 'the right');
          await play.expect(
            () => `${ADMIN} is in a new room, ${play.cast.room(room)} (${room}), as its moderator`,
            () => {
              const where = admin.where();
              if (where.state !== 'in-conference' || where.room === undefined) return false;
              room = where.room;
              return roomIs(play.sim, room, admin, []);
            },
            { about: [admin] },
          );
        },
      },
      {
        title: '0: out of the room for a dial tone',
        run: (play) => dialTone(play, 'new dial tone'),
      },
      {
        title: `${ADMIN} dials ${GUEST}: ringback while it rings`,
        async run(play) {
          const mark = play.mark(admin);
          guest = await dial(play, GUEST, GUEST);
          await play.expect(
            `${ADMIN} hears ringback while ${GUEST} rings`,
            () => play.heardSince(admin, mark, 'ringback') && rings(play.sim, guest),
            { about: [admin, guest] },
          );
        },
      },
      {
        title: `${GUEST} answers: a private talk`,
        async run(play) {
          await play.expect(
            `${ADMIN} and ${GUEST} talk privately: neither is in the room`,
            () => talking(admin, guest) && !inRoom(admin, room) && !inRoom(guest, room),
            { about: [admin, guest] },
          );
        },
      },
      {
        title: `**: ${GUEST} comes into the room`,
        async run(play) {
          await play.press(admin, '**', `back to the room with ${GUEST}`);
          await play.expect(
            () => `${play.cast.room(room)}: ${ADMIN} (moderator) and ${GUEST}`,
            () => backInRoom(play),
            { about: [admin, guest] },
          );
        },
      },
      {
        title: `0 again: the room goes on for ${GUEST}`,
        async run(play) {
          await dialTone(play, 'new dial tone');
          await play.expect(
            () => `${GUEST} stays in ${play.cast.room(room)} meanwhile`,
            () => inRoom(guest, room),
            { about: [guest] },
          );
        },
      },
      {
        title: `${ADMIN} dials ${NO_ANSWER}, who never answers`,
        async run(play) {
          const mark = play.mark(admin);
          const leg = await dial(play, NO_ANSWER, NO_ANSWER);
          await play.expect(
            `${ADMIN} hears ringback`,
            () => play.heardSince(admin, mark, 'ringback') && rings(play.sim, leg),
            { about: [admin, leg] },
          );
          const back = play.mark(admin);
          play.note(`the extensions route rings for ${RING_TIMEOUT_MS / 1000} s at most…`);
          await play.expect(
            () =>
              `ring timeout: the call to ${NO_ANSWER} is given up; ${ADMIN} is back in ${play.cast.room(room)} with ${GUEST}, told nobody answered`,
            () =>
              leg.where().state === 'gone' && play.heardSince(admin, back, 'no-answer') && backInRoom(play),
            { withinMs: RING_TIMEOUT_MS + 10_000, about: [admin, leg] },
          );
        },
      },
      {
        title: 'A mobile through the GSM gateway (no answer supervision)',
        async run(play) {
          await dialTone(play, 'new dial tone');
          const mobile = await dial(
            play,
            `7${MOBILE_NUMBER}`,
            MOBILE_NUMBER,
            '7 + a mobile number: the GSM route',
          );
          await play.expect(
            `the gateway says "answered" at once, though the mobile behind it still rings: ${ADMIN} is put through`,
            () => talking(admin, mobile),
            { about: [admin, mobile] },
          );
          await play.holds(
            `no automatic return: ${ADMIN} is still on the line past the ${RING_TIMEOUT_MS / 1000} s ring timeout`,
            () => talking(admin, mobile),
            RING_TIMEOUT_MS + 5000,
            [admin, mobile],
          );
          await play.press(admin, '*#', 'give up, back to the room alone');
          await play.expect(
            () => `the mobile leg is hung up; ${ADMIN} is back in ${play.cast.room(room)} with ${GUEST}`,
            () => mobile.where().state === 'gone' && backInRoom(play),
            { about: [admin, mobile] },
          );
        },
      },
      {
        title: `${ADMIN} dials ${VOICEMAIL}, whose phone forwards to voicemail`,
        async run(play) {
          await dialTone(play, 'new dial tone');
          const mark = play.mark(admin);
          const leg = await dial(play, VOICEMAIL, VOICEMAIL);
          await play.expect(
            `voicemail answers: ${ADMIN} hears the voicemail-detected tone`,
            () => play.heardSince(admin, mark, 'voicemail-detected') && talking(admin, leg),
            { about: [admin, leg] },
          );
          await play.press(admin, '*#', 'back to the room alone');
          play.note(
            "(voicemail itself stops at the *, as FreeSWITCH's does: dynconf may see it hang up first)",
          );
          await play.expect(
            () => `the voicemail call is over; ${ADMIN} is back in ${play.cast.room(room)} with ${GUEST}`,
            () => !play.sim.channels().some((c) => c.destination === VOICEMAIL) && backInRoom(play),
            { about: [admin, leg] },
          );
        },
      },
    ],
  };
}
