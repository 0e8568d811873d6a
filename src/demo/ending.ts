// The end: who is where (two administrators' rooms side by side), an administrator leaving without ending
// the room, then everyone hangs up and no channel may be left.
import type { SimCall } from '../simulator/index.js';
import { ADMIN, GUEST } from './flow-one.js';
import { OTHER, PRESSER, UNLUCKY, UNLUCKY_OTHER } from './flow-two.js';
import type { Play } from './play.js';
import type { DemoSection } from './step.js';
import { roomRows, roomShape, roomShapes } from './summary.js';

/** What the two flows built. */
const EXPECTED_ROOMS = [roomShape(ADMIN, [GUEST]), roomShape(PRESSER, [OTHER])].sort();
const EXPECTED_CALLS = [UNLUCKY, UNLUCKY_OTHER].sort();

function phone(play: Play, name: string): SimCall {
  const call = play.phone(name);
  if (call === undefined) throw new Error(`${name} is not on a call any more`);
  return call;
}

export function ending(): DemoSection {
  return {
    title: 'The end',
    steps: [
      {
        title: 'Who is where',
        async run(play) {
          play.table(roomRows(play.sim, play.cast));
          await play.expect(
            `two rooms run side by side: ${ADMIN}'s with ${GUEST}, ${PRESSER}'s with ${OTHER}; ${UNLUCKY} and ${UNLUCKY_OTHER} still talk`,
            () => {
              const outside = play.sim.channels().filter((c) => c.where.state !== 'in-conference');
              const pair = outside.map((c) => play.cast.name(c.uuid)).sort();
              return (
                roomShapes(play.sim, play.cast).join(' | ') === EXPECTED_ROOMS.join(' | ') &&
                pair.join() === EXPECTED_CALLS.join() &&
                outside.every((c) => c.where.bridgedTo !== undefined)
              );
            },
            { withinMs: 1000 },
          );
        },
      },
      {
        title: `${ADMIN} hangs up: the room goes on for ${GUEST}`,
        async run(play) {
          const admin = phone(play, ADMIN);
          const guest = phone(play, GUEST);
          await play.hangup(admin);
          await play.expect(
            `${GUEST} is still in the room`,
            () => admin.where().state === 'gone' && guest.where().state === 'in-conference',
            { about: [admin, guest] },
          );
        },
      },
      {
        title: 'Everyone hangs up',
        async run(play) {
          // One hang-up may end another leg (a bridged peer): each phone hangs up only if it is still up.
          for (const call of play.phonesUp()) if (call.where().state !== 'gone') await play.hangup(call);
          await play.expect(
            'no channel and no room is left on the switch',
            () => play.sim.channels().length === 0 && play.sim.rooms().length === 0,
            { about: () => play.sim.channels().map((c) => play.sim.call(c.uuid)) },
          );
        },
      },
    ],
  };
}
