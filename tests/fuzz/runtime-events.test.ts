// The runtime fed recorded FreeSWITCH event sequences that went wrong on the way: headers damaged (wrong
// types, NUL bytes, lone surrogates, `${…}`, ids that are not uuids), events dropped, repeated or swapped.
// Whatever arrives, handling an event never fails (Runtime.handle would catch it, count a session error and
// log `event handling failed`: checked after every event), no promise rejection is left unhandled, no
// session fault is counted, and every command it builds from such values is either valid or refused before
// sending.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/index.js';
import type { ApiCommand, AppCommand } from '../../src/esl/commands.js';
import type { ApiResult, BgapiResult, ExecuteResult } from '../../src/esl/connection.js';
import { decodeEvent } from '../../src/esl/decode.js';
import { createLogger } from '../../src/log.js';
import type { EslPort } from '../../src/runtime/commander.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { type InRecord, loadTrace } from '../support/traces.js';
import { mutate, READ_HEADERS, weirdValue } from './support/events.js';

type Headers = Record<string, unknown>;

/** An event socket that answers everything as FreeSWITCH would for a live call, and records commands. */
class AgreeablePort implements EslPort {
  readonly sent: string[] = [];
  async api(command: ApiCommand): Promise<ApiResult> {
    this.sent.push(command.text);
    if (command.text.startsWith('sched_del')) return { ok: true, body: '+OK Deleted: 1\n' };
    if (command.text.startsWith('uuid_exists')) return { ok: true, body: 'true' };
    if (command.text.startsWith('uuid_getvar')) return { ok: true, body: 'enabled' };
    return { ok: true, body: '+OK\n' };
  }
  async bgapi(command: ApiCommand, options: { jobUuid?: string }): Promise<BgapiResult> {
    this.sent.push(`bgapi ${command.text}`);
    return { ok: true, jobUuid: options.jobUuid ?? '', body: '+OK\n', reply: '' };
  }
  async execute(uuid: string, app: AppCommand, options: { eventUuid?: string }): Promise<ExecuteResult> {
    this.sent.push(`sendmsg ${uuid} ${app.app} ${app.arg}`);
    return { ok: true, eventUuid: options.eventUuid ?? '' };
  }
}

/** Main-connection events of the traces that show whole calls (flows 1 and 2, invitations, hang-ups). */
const SEQUENCES: Headers[][] = [
  '02-pin-play-and-get-digits.jsonl',
  '04-leave-room-to-park.jsonl',
  '05-originate-outcomes.jsonl',
  '07-return-with-guest.jsonl',
  '08-two-party-star0.jsonl',
  '10-hangups.jsonl',
].map((file) =>
  loadTrace(file)
    .filter((r): r is InRecord => r.dir === 'in' && r.conn === undefined && typeof r.body === 'object')
    .map((r) => r.body as Headers)
    // Make every inbound call look like an administrator's or a `*0` candidate: more of the runtime runs.
    .map((h) =>
      h['Call-Direction'] === 'inbound'
        ? { ...h, variable_dynconf_role: 'admin', variable_dynconf_star0: 'enabled' }
        : h,
    ),
);

type Damage =
  | { kind: 'mutate'; at: number; key: string; value: unknown }
  | { kind: 'drop'; at: number }
  | { kind: 'repeat'; at: number }
  | { kind: 'swap'; at: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    kind: fc.constant('mutate' as const),
    at: fc.nat(),
    key: fc.constantFrom(...READ_HEADERS),
    value: weirdValue,
  }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
);

function damaged(sequence: readonly Headers[], damages: readonly Damage[]): Headers[] {
  const events = [...sequence];
  for (const d of damages) {
    if (events.length === 0) break;
    const i = d.at % events.length;
    const event = events[i] as Headers;
    if (d.kind === 'mutate') events[i] = mutate(event, [{ kind: 'set', key: d.key, value: d.value }]);
    else if (d.kind === 'drop') events.splice(i, 1);
    else if (d.kind === 'repeat') events.splice(i, 0, event);
    else if (i + 1 < events.length) [events[i], events[i + 1]] = [events[i + 1] as Headers, event];
  }
  return events;
}

/** The `event handling failed` lines Runtime.handle logged (at error level, so the `warn` logger keeps them). */
function handlingFailures(logs: readonly string[]): string[] {
  return logs.filter((line) => (JSON.parse(line) as { msg?: string }).msg === 'event handling failed');
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('the runtime on damaged event sequences', () => {
  it('never throws, never faults a session, never sends a command it did not validate', async () => {
    const parsed = parseConfig({
      eventSocket: { password: 'not-the-default' },
      adminPins: ['8642097531'],
      routes: [{ pattern: '8[01][0-9]', dialString: 'user/{number}' }],
    });
    if (!parsed.ok) throw new Error('config');
    const exercised = { sessions: 0, commands: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: SEQUENCES.length - 1 }),
        fc.array(damage, { minLength: 1, maxLength: 40 }),
        async (which, damages) => {
          const port = new AgreeablePort();
          const clock = new ManualClock(1_000_000);
          const logs: string[] = [];
          const logger = createLogger({
            level: 'warn',
            destination: { write: (l: string) => void logs.push(l) },
          });
          const runtime = new Runtime({ config: parsed.config, port, clock, logger });
          const events = damaged(SEQUENCES[which] ?? [], damages);
          for (const headers of events) {
            const event = decodeEvent(headers);
            if (event === undefined) continue;
            // handle() catches whatever handling the event throws, counts it as a session error and logs
            // `event handling failed`: neither may happen, for any event.
            runtime.handle(event);
            expect({ sessionErrors: runtime.stats().sessionErrors, failed: handlingFailures(logs) }).toEqual({
              sessionErrors: 0,
              failed: [],
            });
            // Let queued effects run, and time pass now and then (deadlines, timeouts).
            await new Promise((resolve) => setImmediate(resolve));
            clock.advance(250);
          }
          for (let i = 0; i < 10; i++) {
            clock.advance(10_000);
            await new Promise((resolve) => setImmediate(resolve));
          }
          expect(runtime.stats().sessionErrors).toBe(0);
          exercised.sessions += runtime.stats().sessionsStarted;
          exercised.commands += port.sent.length;
          // Every command on the wire was built by commands.ts from validated values: one line each, no
          // expansion.
          for (const text of port.sent) {
            expect(text).not.toMatch(/[\n\r]/);
            expect(text).not.toContain('$' + '{');
          }
          runtime.stop();
        },
      ),
      { numRuns: 150 },
    );
    // The damaged sequences did drive the runtime: sessions started, commands went out.
    expect(exercised.sessions).toBeGreaterThan(100);
    expect(exercised.commands).toBeGreaterThan(1000);
  });
});
