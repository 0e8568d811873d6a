// Flow 2 of the vendor manual: `*0` in an ordinary two-party call makes it a conference; a failed `*0`
// (three wrong PINs) gives the two their call back.
import type { SimCall } from '../simulator/index.js';
import { inAnyRoom, roomIs, talking } from './checks.js';
import type { Play } from './play.js';
import { DEMO_PIN, WRONG_PIN } from './stage.js';
import type { DemoSection } from './step.js';

export const PRESSER = '1003';
export const OTHER = '805';
export const UNLUCKY = '1004';
export const UNLUCKY_OTHER = '806';

/** A two-party call through the dialplan, then `*0` from the caller; resolves once the PIN is asked. */
async function callAndPressStarZero(play: Play, from: string, to: string) {
  const { a, b } = await play.twoPartyCall(from, to);
  await play.expect(`${from} and ${to} talk: an ordinary bridged call`, () => talking(a, b), {
    about: [a, b],
  });
  const mark = play.mark(b);
  await play.press(a, '*0', 'make this call a conference');
  await play.expect(
    `${to} is held (hold music); ${from} is asked for the PIN`,
    () =>
      play.heardSince(b, mark, 'hold-music') &&
      a.where().state === 'collecting' &&
      play.lastHeardIs(a, 'enter-pin'),
    { about: [a, b] },
  );
  return { a, b };
}

export function flowTwo(maxPinAttempts: number): DemoSection {
  let presser: SimCall;
  let other: SimCall;
  let room = '';

  return {
    title: 'Flow 2 — *0 during a two-party call',
    steps: [
      {
        title: `${PRESSER} calls ${OTHER}, then presses *0`,
        async run(play) {
          ({ a: presser, b: other } = await callAndPressStarZero(play, PRESSER, OTHER));
        },
      },
      {
        title: `The right PIN: ${PRESSER} and ${OTHER} in a new room`,
        async run(play) {
          await play.enterPin(presser, DEMO_PIN, 'the right');
          await play.expect(
            () => `${play.cast.room(room)} (${room}): ${PRESSER} (moderator) and ${OTHER}`,
            () => {
              const where = presser.where();
              if (where.state !== 'in-conference' || where.room === undefined) return false;
              room = where.room;
              return roomIs(play.sim, room, presser, [other]);
            },
            { about: [presser, other] },
          );
        },
      },
      {
        title: `${UNLUCKY} calls ${UNLUCKY_OTHER}, presses *0, and gets the PIN wrong`,
        async run(play) {
          const { a, b } = await callAndPressStarZero(play, UNLUCKY, UNLUCKY_OTHER);
          for (let attempt = 1; attempt <= maxPinAttempts; attempt++) {
            const mark = play.mark(a);
            await play.enterPin(a, WRONG_PIN, 'a wrong');
            if (attempt < maxPinAttempts) {
              await play.expect(
                `"wrong PIN"; ${UNLUCKY} is asked again (${attempt} of ${maxPinAttempts})`,
                () =>
                  play.heardSince(a, mark, 'wrong-pin') &&
                  play.lastHeardIs(a, 'enter-pin') &&
                  a.where().state === 'collecting',
                { about: [a] },
              );
            }
          }
          await play.expect(
            `${maxPinAttempts} wrong PINs: ${UNLUCKY} and ${UNLUCKY_OTHER} talk again, as before; no room`,
            () => talking(a, b) && !inAnyRoom(play.sim, [a, b]),
            { about: [a, b] },
          );
        },
      },
    ],
  };
}
