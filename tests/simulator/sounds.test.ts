// Sound files as FreeSWITCH 1.10.12 finds them: prompts only in rate folders, file_exists a plain stat,
// playback of a missing file ends at once, a missing prompt fails a play_and_get_digits attempt at once.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function parked(from = '1001') {
  if (h === undefined) throw new Error('no harness');
  const call = await h.sim.placeCall({ from, to: '900' });
  await call.waitUntil('parked');
  return call;
}

describe('sound files', () => {
  it('sound_prefix; file_exists finds a prompt only in its rate folders, never by its relative name', async () => {
    h = await harness();
    const c = await h.client();
    const prefix = (await c.api('global_getvar sound_prefix')).trim();
    expect(prefix).toMatch(/^\/.+\/sounds\/en\/us\/callie$/);
    for (const rate of [8000, 16000, 32000, 48000])
      expect(await c.api(`file_exists ${prefix}/conference/${rate}/conf-pin.wav`)).toBe('true');
    expect(await c.api(`file_exists ${prefix}/conference/conf-pin.wav`)).toBe('false');
    expect(await c.api('file_exists conference/conf-pin.wav')).toBe('false');
    expect(await c.api(`file_exists ${prefix}/conference/8000/conf-no-such.wav`)).toBe('false');
    h.sim.sounds.remove('conference/conf-pin.wav');
    expect(await c.api(`file_exists ${prefix}/conference/8000/conf-pin.wav`)).toBe('false');
  });

  it('playback: a prompt of the package plays; a missing one ends at once with FILE NOT FOUND, nothing played', async () => {
    h = await harness({ sounds: 'none' });
    h.sim.sounds.installPackage(['conference/conf-pin.wav']);
    const c = await h.client();
    const call = await parked();
    const from = c.events.length;
    await c.command(`sendmsg ${call.uuid}`, {
      'call-command': 'execute',
      'execute-app-name': 'playback',
      'execute-app-arg': 'conference/conf-bad-pin.wav',
    });
    const missing = await c.waitEvent(
      (e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.headers.Application === 'playback',
      5000,
      from,
    );
    expect(missing.headers['Application-Response']).toBe('FILE NOT FOUND');
    expect(c.events.slice(from).some((e) => e.name === 'PLAYBACK_START')).toBe(false);
    const next = c.events.length;
    await c.command(`sendmsg ${call.uuid}`, {
      'call-command': 'execute',
      'execute-app-name': 'playback',
      'execute-app-arg': 'conference/conf-pin.wav',
    });
    const start = await c.waitEvent((e) => e.name === 'PLAYBACK_START', 5000, next);
    expect(start.headers['Playback-File-Path']).toBe('conference/conf-pin.wav');
  });

  it('play_and_get_digits: a missing prompt fails every attempt at once; the entry ends with no digits', async () => {
    h = await harness({ sounds: 'none' });
    const c = await h.client();
    const call = await parked();
    const from = c.events.length;
    const started = h.clock.now();
    await c.command(`sendmsg ${call.uuid}`, {
      'call-command': 'execute',
      'execute-app-name': 'play_and_get_digits',
      'execute-app-arg': '4 8 3 10000 # conference/conf-pin.wav silence_stream://250 pin \\d+ 3000',
    });
    const done = await c.waitEvent(
      (e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.headers.Application === 'play_and_get_digits',
      5000,
      from,
    );
    // Three attempts, each only the 250 ms invalid sound: not the 10 s timeout of even one attempt.
    expect(h.clock.now() - started).toBeLessThan(1000);
    expect(done.headers.variable_pin).toBeUndefined();
    expect(c.events.slice(from).filter((e) => e.name === 'PLAYBACK_START')).toHaveLength(3);
  });
});
