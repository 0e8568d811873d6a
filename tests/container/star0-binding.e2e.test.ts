// `*0` by digit binding (star0.detection: digit-binding) on a real FreeSWITCH: a SIP phone (SIPp) calls 7200
// (freeswitch-config/minimal: a two-party call to 701 with bind_digit_action for *0) and presses *0 as RFC
// 2833 telephone events: the binding keeps the keys and fires CUSTOM dynconf::star0, dynconf asks for the
// PIN. The same keys injected with uuid_recv_dtmf reach no binding: the call goes on.
import { describe, expect, it } from 'vitest';
import type { FreeSwitchDriver } from './support/freeswitch-driver.js';
import { waitBridged, waitInRoom, waitUntilCollecting } from './support/observe.js';
import { pressOn } from './support/phones.js';
import { planFromEnv } from './support/plan.js';
import { SipPhone, sipPhoneProblem, waitSipLeg } from './support/sipp.js';
import { useEnvironment } from './support/use-environment.js';

const plan = await planFromEnv();
const sippProblem = plan.kind === 'skip' ? undefined : sipPhoneProblem();
if (sippProblem !== undefined)
  process.stdout.write(`tests/container: *0 binding scenarios skipped: ${sippProblem}\n`);
const SCENARIO_TIMEOUT_MS = 60_000;

describe.skipIf(plan.kind === 'skip' || sippProblem !== undefined)(
  '*0 by digit binding on a real FreeSWITCH',
  () => {
    const environment = useEnvironment(plan, {
      config: { star0: { detection: 'digit-binding' } },
      release: () => SipPhone.stopAll(),
    });

    function the(): { fs: FreeSwitchDriver; pin: string } {
      const env = environment();
      return { fs: env.fs, pin: env.pin };
    }

    /** A SIP phone calls 7200 (bound *0) and talks to 701; returns the phone, its leg and the other party. */
    async function boundCall(from: string) {
      const { fs } = the();
      const mark = fs.cursor();
      const phone = await SipPhone.call({ to: '7200', from });
      const leg = (await waitSipLeg(fs, phone, mark)).uuid ?? '';
      const other = await waitBridged(fs, leg);
      return { phone, leg, other, mark };
    }

    it(
      'RFC 2833 *0 from the phone: the binding fires, the PIN prompt comes, the right PIN makes the room',
      async () => {
        const { fs, pin } = the();
        const { phone, leg, other } = await boundCall('1601');
        const before = fs.cursor();
        await phone.press('*0');
        await fs.waitForEvent(
          "CUSTOM dynconf::star0 on the phone's leg",
          (e) => e.name === 'CUSTOM' && e.header('Event-Subclass') === 'dynconf::star0' && e.uuid === leg,
          { after: before },
        );
        await waitUntilCollecting(fs, leg, before);
        // The binding kept the keys: no DTMF event for them on either leg.
        expect(fs.events(before).filter((e) => e.name === 'DTMF')).toEqual([]);
        await phone.press(`${pin}#`);
        const seat = await waitInRoom(fs, leg, { moderator: true });
        await waitInRoom(fs, other, { room: seat.room.conference_name, moderator: false, members: 2 });
        await phone.hangUp();
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      'keys injected with uuid_recv_dtmf reach no binding: plain DTMF events, the call goes on',
      async () => {
        const { fs } = the();
        const { phone, leg, other } = await boundCall('1602');
        const before = fs.cursor();
        await pressOn(fs, leg, '*0');
        await fs.waitForEvent(
          'the injected 0 as a DTMF event',
          (e) => e.name === 'DTMF' && e.uuid === leg && e.header('DTMF-Digit') === '0',
          { after: before },
        );
        expect(fs.events(before).some((e) => e.header('Event-Subclass') === 'dynconf::star0')).toBe(false);
        // Still the two-party call, and no PIN prompt: bridged with the same party after the keys.
        await waitBridged(fs, leg, { peer: other });
        expect(
          fs
            .events(before)
            .some(
              (e) =>
                e.name === 'CHANNEL_EXECUTE' &&
                e.uuid === leg &&
                e.header('Application') === 'play_and_get_digits',
            ),
        ).toBe(false);
        await phone.hangUp();
      },
      SCENARIO_TIMEOUT_MS,
    );
  },
);
