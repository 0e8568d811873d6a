// sendmsg while an app runs, as FreeSWITCH 1.10.12 does it (checked by tests/container/overload.e2e.test.ts):
// a hangup sent behind a playback runs inside the playback and ends the call at once, unless the playback
// was sent with `event-lock: true`, which holds the channel's messages until it has finished.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TONE = 'tone_stream://%(500,500,480,620);loops=3';

async function playThenHangUp(
  eventLock: boolean,
): Promise<{ hungUpFirst: boolean; cause: string | undefined }> {
  h = await harness({
    dialplan: {
      extensions: {
        '5000': [
          { app: 'answer', data: '' },
          { app: 'park', data: '' },
        ],
      },
    },
  });
  const c = await h.client('event json ALL');
  const call = await h.sim.placeCall({ from: '1001', to: '5000' });
  await call.waitUntil('parked');
  const from = c.events.length;
  await c.command(`sendmsg ${call.uuid}`, {
    'call-command': 'execute',
    'execute-app-name': 'playback',
    'execute-app-arg': TONE,
    ...(eventLock ? { 'event-lock': 'true' } : {}),
  });
  await c.command(`sendmsg ${call.uuid}`, {
    'call-command': 'execute',
    'execute-app-name': 'hangup',
    'execute-app-arg': 'NORMAL_CIRCUIT_CONGESTION',
  });
  const hangup = await c.waitEvent(
    (e) => e.name === 'CHANNEL_HANGUP' && e.headers['Unique-ID'] === call.uuid,
    10_000,
    from,
  );
  await c.waitEvent(
    (e) => e.name === 'CHANNEL_DESTROY' && e.headers['Unique-ID'] === call.uuid,
    10_000,
    from,
  );
  const order = c.events
    .slice(from)
    .filter((e) => e.headers['Unique-ID'] === call.uuid)
    .map((e) => (e.name === 'CHANNEL_EXECUTE_COMPLETE' ? `${e.name} ${e.headers.Application}` : e.name));
  // Cut short: the hang-up comes before the playback's end.
  const hungUpFirst = order.indexOf('CHANNEL_HANGUP') < order.indexOf('CHANNEL_EXECUTE_COMPLETE playback');
  return { hungUpFirst, cause: hangup.headers['Hangup-Cause'] };
}

describe('sendmsg behind a running app', () => {
  it('without event-lock: the hangup runs inside the playback and cuts it', async () => {
    const { hungUpFirst, cause } = await playThenHangUp(false);
    expect(cause).toBe('NORMAL_CIRCUIT_CONGESTION');
    expect(hungUpFirst).toBe(true);
  });

  it('with event-lock on the playback: the hangup waits for the prompt to end', async () => {
    const { hungUpFirst, cause } = await playThenHangUp(true);
    expect(cause).toBe('NORMAL_CIRCUIT_CONGESTION');
    expect(hungUpFirst).toBe(false);
  });
});
