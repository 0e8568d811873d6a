// The commander is the one place commands are counted: every command the runtime sends passes through it,
// whatever becomes of it (answered, refused by FreeSWITCH, never sent, timed out, a port that throws).
import { describe, expect, it } from 'vitest';
import type { EslCommandPort } from '../../src/esl/command-port.js';
import { kill } from '../../src/esl/commands.js';
import { createLogger } from '../../src/log.js';
import { Commander } from '../../src/runtime/commander.js';

const A = '11111111-1111-4111-8111-111111111111';
const quiet = createLogger({ level: 'silent' });

describe('Commander counts every command once', () => {
  it('sent, failed and timed out, by outcome', async () => {
    const answers: Array<Awaited<ReturnType<EslCommandPort['api']>> | 'throw'> = [
      { ok: true, body: '+OK' },
      {
        ok: false,
        error: { kind: 'rejected', reply: '-ERR No such channel!', message: 'refused' },
        body: '-ERR No such channel!',
      },
      { ok: false, error: { kind: 'timeout', timeoutMs: 5000, message: 'no reply' } },
      'throw',
    ];
    const port: EslCommandPort = {
      api: async () => {
        const next = answers.shift();
        if (next === undefined || next === 'throw') throw new Error('socket gone');
        return next;
      },
      bgapi: async (_c, o) => ({
        ok: false,
        jobUuid: o.jobUuid ?? '',
        error: { kind: 'timeout', timeoutMs: 1, message: 'no job' },
      }),
      execute: async () => ({ ok: true, eventUuid: A }),
    };
    const commander = new Commander(port, 5000);
    for (let i = 0; i < 4; i++) await commander.api(kill(A), quiet);
    expect(commander.counters()).toEqual({ sent: 4, failed: 3, timedOut: 1, inFlight: 0 });
    await commander.bgapi(kill(A), A, 1, quiet);
    expect(commander.counters()).toEqual({ sent: 5, failed: 4, timedOut: 2, inFlight: 0 });
    // Bad input is never sent, but counts as failed.
    expect((await commander.api(kill('not a uuid'), quiet)).ok).toBe(false);
    expect(commander.counters()).toEqual({ sent: 5, failed: 5, timedOut: 2, inFlight: 0 });
  });
});
