// Graceful overload on a real FreeSWITCH: while dynconf's overload guard says it is overloaded (here its
// event-loop lag is given, not provoked), a caller to 900 hears the busy prompt (playback) and is then hung
// up by the hangup app queued behind it with NORMAL_CIRCUIT_CONGESTION, never asked for a PIN; once the
// lag is gone, the next caller is asked for the PIN as usual.
import { describe, expect, it } from 'vitest';
import { waitHangup, waitUntilCollecting } from './support/observe.js';
import { dial, hangUp } from './support/phones.js';
import { planFromEnv } from './support/plan.js';
import { useEnvironment } from './support/use-environment.js';

const plan = await planFromEnv();
if (plan.kind === 'skip')
  process.stdout.write(`tests/container: overload scenario skipped: ${plan.reason}\n`);

describe.skipIf(plan.kind === 'skip')('overload on a real FreeSWITCH', () => {
  let lagMs = 0;
  const environment = useEnvironment(plan, { eventLoopLagMs: () => lagMs });

  it('a caller to 900 hears busy and is hung up while dynconf is overloaded; served again once it is not', async () => {
    const { fs } = environment();
    lagMs = 5_000;
    const mark = fs.cursor();
    const caller = await dial(fs, { from: '1301', to: '900' });
    const busy = await fs.waitForEvent(
      'the busy prompt',
      (e) => e.name === 'CHANNEL_EXECUTE' && e.uuid === caller.leg && e.header('Application') === 'playback',
      { after: mark, timeoutMs: 15_000 },
    );
    expect(busy.header('Application-Data')).toMatch(/busy|tone_stream/);
    const ended = await waitHangup(fs, caller.leg, mark);
    expect(ended.header('Hangup-Cause')).toBe('NORMAL_CIRCUIT_CONGESTION');
    // Never asked for a PIN.
    expect(
      fs.events(mark).some((e) => e.uuid === caller.leg && e.header('Application') === 'play_and_get_digits'),
    ).toBe(false);
    // The busy prompt played to its end before the hang-up (it was queued, not cut).
    const played = fs
      .events(mark)
      .find(
        (e) =>
          e.name === 'CHANNEL_EXECUTE_COMPLETE' &&
          e.uuid === caller.leg &&
          e.header('Application') === 'playback',
      );
    expect(played?.header('Application-Response')).toBe('FILE PLAYED');

    lagMs = 0;
    const next = fs.cursor();
    const served = await dial(fs, { from: '1302', to: '900' });
    await waitUntilCollecting(fs, served.leg, next);
    await hangUp(fs, served);
  }, 60_000);
});
