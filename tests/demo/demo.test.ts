// The demo runs dynconf for real against the embedded simulator: it must pass when dynconf works, and fail
// naming the step when the world does not behave as the demo expects. The tests run it on a virtual clock
// (phone time passes only while the demo waits and nothing is in flight), so the times in its transcript
// never depend on how busy the machine is; `npm run demo` keeps the wall clock × --speed.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { runDemoMain } from '../../src/demo/main.js';
import { DEMO_PIN, WRONG_PIN } from '../../src/demo/stage.js';
import { stripAnsi, wantsColor } from '../../src/demo/style.js';

function sink() {
  let text = '';
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

/** The time column (seconds) of the first transcript line that ends with `text`. */
function timeOf(transcript: string, text: string): number {
  const line = transcript.split('\n').find((l) => l.trimEnd().endsWith(text) || l.includes(`${text} (`));
  const seconds = /^\s*(\d+\.\d)s /.exec(line ?? '')?.[1];
  if (seconds === undefined) throw new Error(`no timed line with "${text}"`);
  return Number(seconds);
}

describe('npm run demo', () => {
  it('plays both flows against the simulator, every step as expected, and exits 0', async () => {
    const out = sink();
    const code = await runDemoMain({ stdout: out, color: false, clock: new VirtualClock() });
    const transcript = out.text();
    expect(code, transcript).toBe(0);
    for (const line of [
      // flow 1
      '1001 dials 900',
      // Voice prompts: the simulator has FreeSWITCH's English sound package.
      '1001 hears: conference/conf-pin',
      '1001 enters a wrong PIN **** and #',
      '1001 hears: conference/conf-bad-pin',
      '1001 enters the right PIN **** and #',
      '1001 hears: dial tone',
      '1001 hears: ringback',
      '801 answers',
      '✓ 1001 and 801 talk privately: neither is in the room',
      '✓ room A: 1001 (moderator) and 801',
      '✓ 801 stays in room A meanwhile',
      'the call to 802 is cancelled (ORIGINATOR_CANCEL)',
      '1001 hears: ivr/ivr-no_user_response',
      'the gsm line to 0612345678 answers',
      '✓ no automatic return: 1001 is still on the line past the 20 s ring timeout',
      '1001 hears: voicemail-detected tone',
      // flow 2
      '1003 presses *0',
      '805 hears: hold music',
      ': 1003 (moderator) and 805',
      '✓ 3 wrong PINs: 1004 and 806 talk again, as before; no room',
      // the end
      '✓ two rooms run side by side',
      '✓ no channel and no room is left on the switch',
      '✓ All 17 steps happened as expected',
    ]) {
      expect(transcript).toContain(line);
    }
    // Times are seconds of phone time: 802 rang for the route's 20 s ring timeout.
    const ringing = timeOf(transcript, '802 rings');
    const cancelled = timeOf(transcript, 'the call to 802 is cancelled');
    expect(cancelled - ringing).toBeGreaterThanOrEqual(19.5);
    expect(cancelled - ringing).toBeLessThan(22);
    // The PIN is never shown, neither the right one nor the wrong one.
    const pinLines = transcript.split('\n').filter((line) => line.includes('PIN'));
    expect(pinLines.length).toBeGreaterThan(5);
    for (const line of pinLines) {
      expect(line).not.toContain(DEMO_PIN);
      expect(line).not.toContain(WRONG_PIN);
    }
    // No colour when asked for none.
    expect(stripAnsi(transcript)).toBe(transcript);
  });

  it('exits non-zero naming the failed step when 801 is busy instead of answering', async () => {
    const out = sink();
    const code = await runDemoMain({
      stdout: out,
      color: false,
      directory: { '801': { kind: 'busy' } },
      clock: new VirtualClock(),
    });
    const transcript = out.text();
    expect(code, transcript).toBe(1);
    expect(transcript).toContain(
      '✗ step 5, "1001 dials 801: ringback while it rings" did not happen as expected',
    );
    expect(transcript).toMatch(/found: +1001 is in room A as moderator/);
    expect(transcript).toContain('✗ The demo stopped at step 5');
    expect(transcript).not.toContain('All 17 steps');
    // It stopped there: no later step ran.
    expect(transcript).not.toContain('6. 801 answers');
  });

  it('shows colour only when asked for it', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
  });
});
