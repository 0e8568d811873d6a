// The call history from the real controller for flow 2 (`*0` in a two-party call): the session is recorded
// as an escalation with the presser's caller ID, its invitation and how both ended. (Flow 1 and the
// operator's calls: tests/http/history-api.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { type HistoryRecorder, inThreadExecutor, openHistory } from '../../src/history/index.js';
import { createLogger } from '../../src/log.js';
import { finishHarness, type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;
let history: HistoryRecorder | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
  await history?.close();
  history = undefined;
});

describe('call history, flow 2', () => {
  it('records a *0 session, the number its administrator called and how each ended', async () => {
    h = await startHarness({
      directory: { '811': { kind: 'answer', afterMs: 500 }, '801': { kind: 'busy' } },
      history: (clock) => {
        history = openHistory({
          settings: { enabled: true, path: ':memory:', retentionDays: 90 },
          logger: createLogger({ level: 'silent' }),
          clock,
          writer: { executor: inThreadExecutor() },
        });
        return history;
      },
    });
    const harness = h;
    const { a, b } = await harness.sim.placeTwoPartyCall({ from: '810', to: '811' });
    await harness.until(() => a.where().bridgedTo === b.uuid, 'the two parties bridged');
    await a.press('*0');
    await a.waitUntil('collecting');
    await harness.enterPin(a);
    await a.waitUntil('in-conference');
    await harness.sessionState(a.uuid, 'inRoom');
    await harness.enterNumber(a, '801');
    await harness.until(
      () =>
        harness.session(a.uuid)?.state === 'inRoom' &&
        harness.heard(a.uuid, harness.config.prompts?.busy ?? '') !== undefined,
      'back after busy',
    );
    await a.hangup();
    await b.hangup();
    await harness.until(() => harness.controller.sessions().length === 0, 'the session over');

    const recorder = history;
    if (recorder === undefined) throw new Error('no history');
    const page = await recorder.query({ limit: 10 });
    expect(page?.sessions).toHaveLength(1);
    expect(page?.sessions[0]).toMatchObject({
      flow: 'escalation',
      callerNumber: '810',
      outcome: 'admin-hung-up',
      authenticated: true,
    });
    expect(page?.sessions[0]?.invitations).toEqual([
      expect.objectContaining({ source: 'keypad', number: '801', outcome: 'busy', refused: false }),
    ]);
  });
});
