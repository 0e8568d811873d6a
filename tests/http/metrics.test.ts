// The metrics facade, the invitation-outcome counter fed by machine events, and the feeds (runtime totals,
// timed commands, event lag, reconnects).
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../machines/index.js';
import { kill } from '../../src/esl/commands.js';
import type { StateChange } from '../../src/esl/connection.js';
import { decodeEvent } from '../../src/esl/decode.js';
import type { DynconfEvent } from '../../src/esl/events.js';
import {
  DynconfMetrics,
  followRuntimeTotals,
  InvitationOutcomes,
  instrumentCommands,
  watchConnection,
} from '../../src/metrics/index.js';

const at = 0;

/** `name{labels} value` lines of one metric. */
async function samples(metrics: DynconfMetrics, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await metrics.text()).split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^(\S+?)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    out[match[2] ?? ''] = Number(match[3]);
  }
  return out;
}

function invitationCounts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(
    /^dynconf_invitations_total\{outcome="([a-z_]+)",source="keypad"\} (\d+)$/gm,
  )) {
    if (Number(m[2]) > 0) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

const dialed = (legId: string): SessionEvent => ({
  type: 'number.dialed',
  at,
  digits: '801',
  route: { allowed: true, rule: 'ext', answerSupervision: true, ringTimeoutMs: 30_000, legId },
});

describe('invitation outcomes from machine events', () => {
  it('counts each keypad invitation once, by how it ended', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    const outcomes = new InvitationOutcomes(metrics);
    const run = (session: string, events: SessionEvent[]) => {
      for (const e of events) outcomes.observe(session, e);
    };
    // answered, then brought in with **
    run('s1', [
      dialed('a'),
      { type: 'invitee.ringing', at, legId: 'a' },
      { type: 'invitee.answered', at, legId: 'a' },
      { type: 'key.command', at, command: 'join-with-guest' },
    ]);
    // busy
    run('s2', [dialed('b'), { type: 'invitee.failed', at, legId: 'b', reason: 'busy' }]);
    // answered by voicemail: counted as voicemail only
    run('s3', [
      dialed('c'),
      { type: 'invitee.answered', at, legId: 'c' },
      { type: 'invitee.voicemail', at, legId: 'c' },
      { type: 'key.command', at, command: 'return-alone' },
    ]);
    // ring timeout
    run('s4', [dialed('d'), { type: 'deadline.reached', at, name: 'ring' }]);
    // refused by the allow rules
    run('s5', [
      { type: 'number.dialed', at, digits: '0900', route: { allowed: false, reason: 'not-allowed' } },
    ]);
    // *# while ringing
    run('s6', [dialed('e'), { type: 'key.command', at, command: 'return-alone' }]);
    // answered, then the invitee hangs up during the private talk
    run('s7', [
      dialed('f'),
      { type: 'invitee.answered', at, legId: 'f' },
      { type: 'invitee.hungUp', at, legId: 'f' },
    ]);
    // rejected; a stale event for another leg changes nothing
    run('s8', [
      dialed('g'),
      { type: 'invitee.failed', at, legId: 'zzz', reason: 'busy' },
      { type: 'invitee.failed', at, legId: 'g', reason: 'rejected' },
    ]);
    // still talking privately when the administrator hangs up
    run('s9', [dialed('h'), { type: 'invitee.answered', at, legId: 'h' }, { type: 'admin.hungUp', at }]);
    // a session that ends while ringing
    run('s10', [dialed('i')]);
    outcomes.sessionEnded('s10');

    expect(invitationCounts(await metrics.text())).toEqual({
      answered: 3,
      busy: 1,
      voicemail: 1,
      no_answer: 1,
      not_allowed: 1,
      cancelled: 2,
      rejected: 1,
    });
    expect(outcomes.open).toBe(0);
  });

  it('settles an unfinished invitation when the next number is dialed', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    const outcomes = new InvitationOutcomes(metrics);
    outcomes.observe('s', dialed('a'));
    outcomes.observe('s', { type: 'invitee.answered', at, legId: 'a' });
    expect(invitationCounts(await metrics.text())).toEqual({});
    outcomes.observe('s', dialed('b'));
    expect(invitationCounts(await metrics.text())).toEqual({ answered: 1 });
    expect(outcomes.open).toBe(1);
  });
});

describe('metrics facade', () => {
  it('exposes every series from the start and never a label value from outside its fixed sets', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    metrics.invitation('busy', 'api');
    metrics.invitation('1234' as never, 'api');
    metrics.commandDuration('uuid_kill', 'api', 'ok', 0.002);
    metrics.commandDuration('conference 1234 mute', 'api', 'ok', 0.002);
    const text = await metrics.text();
    expect(text).toContain('dynconf_invitations_total{outcome="busy",source="api"} 1');
    expect(text).toContain('dynconf_invitations_total{outcome="voicemail",source="keypad"} 0');
    expect(text).toContain('dynconf_pin_lockouts_total{reason="global"} 0');
    expect(text).toContain('dynconf_sessions{state="invitation.ringing"} 0');
    expect(text).toContain(
      'dynconf_command_duration_seconds_count{command="uuid_kill",kind="api",result="ok"} 1',
    );
    expect(text).toContain(
      'dynconf_command_duration_seconds_count{command="other",kind="api",result="ok"} 1',
    );
    expect(text).not.toContain('1234');
  });

  it('reads sessions, rooms and the connection when scraped; a failing source does not break the scrape', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    let states = ['inRoom', 'invitation.talking', 'inRoom', 'ended'];
    metrics.setSources({
      sessions: () => states.map((state) => ({ state })),
      rooms: () => ({ rooms: 2, members: 5 }),
      connected: () => {
        throw new Error('source bug');
      },
    });
    expect(await samples(metrics, 'dynconf_sessions')).toMatchObject({
      '{state="inRoom"}': 2,
      '{state="invitation.talking"}': 1,
      '{state="dialing"}': 0,
    });
    expect(await samples(metrics, 'dynconf_rooms')).toEqual({ '': 2 });
    expect(await samples(metrics, 'dynconf_room_members')).toEqual({ '': 5 });
    expect(await samples(metrics, 'dynconf_event_socket_connected')).toEqual({});
    metrics.setSources({ connected: () => ({ 'fs1:8021': true, 'fs2:8021': false }) });
    expect(await samples(metrics, 'dynconf_event_socket_connected')).toEqual({
      '{node="fs1:8021"}': 1,
      '{node="fs2:8021"}': 0,
    });
    states = [];
    expect((await samples(metrics, 'dynconf_sessions'))['{state="inRoom"}']).toBe(0);
  });

  it('forwards what grew in the runtime totals, and only that', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    const totals = { pinWrong: 2, pinGuard: { callerLockouts: 1, globalLockouts: 0, refused: 3 } };
    followRuntimeTotals(() => totals, metrics);
    expect(await samples(metrics, 'dynconf_pin_failures_total')).toEqual({ '': 2 });
    expect(await samples(metrics, 'dynconf_pin_failures_total')).toEqual({ '': 2 });
    totals.pinWrong = 5;
    totals.pinGuard.globalLockouts = 1;
    expect(await samples(metrics, 'dynconf_pin_failures_total')).toEqual({ '': 5 });
    expect(await samples(metrics, 'dynconf_pin_lockouts_total')).toEqual({
      '{reason="caller"}': 1,
      '{reason="global"}': 1,
    });
    expect(await samples(metrics, 'dynconf_pin_entries_refused_total')).toEqual({ '': 3 });
  });

  it('forwards the recovery totals: recoveries, sessions restored, ownerless legs hung up', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    const totals = {
      pinWrong: 0,
      pinGuard: { callerLockouts: 0, globalLockouts: 0, refused: 0 },
      recoveries: 1,
      sessionsRestored: 0,
      orphansHungUp: 0,
    };
    followRuntimeTotals(() => totals, metrics);
    expect(await samples(metrics, 'dynconf_recovery_total')).toEqual({
      '{what="recoveries"}': 1,
      '{what="sessions_restored"}': 0,
      '{what="orphans_hung_up"}': 0,
    });
    totals.recoveries = 3;
    totals.sessionsRestored = 2;
    totals.orphansHungUp = 1;
    expect(await samples(metrics, 'dynconf_recovery_total')).toEqual({
      '{what="recoveries"}': 3,
      '{what="sessions_restored"}': 2,
      '{what="orphans_hung_up"}': 1,
    });
  });

  it('forwards the callers turned away by the overload guard', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    const totals = {
      pinWrong: 0,
      pinGuard: { callerLockouts: 0, globalLockouts: 0, refused: 0 },
      overloadRefusals: 0,
    };
    followRuntimeTotals(() => totals, metrics);
    expect(await samples(metrics, 'dynconf_overload_refusals_total')).toEqual({ '': 0 });
    totals.overloadRefusals = 4;
    expect(await samples(metrics, 'dynconf_overload_refusals_total')).toEqual({ '': 4 });
  });

  it('times commands by name and result', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    const port = instrumentCommands(
      {
        api: async () => ({
          ok: false,
          error: { kind: 'rejected', message: '-ERR', reply: 'No such channel!' },
        }),
        bgapi: async () => ({ ok: true, jobUuid: 'j', body: '+OK\n', reply: '' }),
        execute: async () => ({
          ok: false,
          eventUuid: 'e',
          error: { kind: 'timeout', message: 't', timeoutMs: 1 },
        }),
      },
      metrics,
    );
    const command = kill('3f2a1c9e-1111-4a4a-8b8b-123456789abc');
    if (!command.ok) throw new Error('kill builder refused');
    const reply = await port.api(command.command, { timeoutMs: 100 });
    expect(reply.ok).toBe(false);
    await port.bgapi(command.command, { timeoutMs: 100 });
    const counts = await samples(metrics, 'dynconf_command_duration_seconds_count');
    expect(counts).toEqual({
      '{command="uuid_kill",kind="api",result="rejected"}': 1,
      '{command="uuid_kill",kind="bgapi",result="ok"}': 1,
    });
  });

  it('measures event lag from Event-Date-Timestamp and counts reconnects, not first connects', async () => {
    const metrics = new DynconfMetrics({ processMetrics: false });
    let emit: (e: DynconfEvent) => void = () => {};
    let change: (c: StateChange) => void = () => {};
    watchConnection(
      {
        onEvent: (l) => {
          emit = l;
          return () => {};
        },
        onStateChange: (l) => {
          change = l;
          return () => {};
        },
      },
      metrics,
      'fs1:8021',
      () => 1_000_000, // "now": 1000 s after the epoch
    );
    const event = decodeEvent({
      'Event-Name': 'CHANNEL_ANSWER',
      'Unique-ID': 'u-1',
      'Event-Date-Timestamp': String(999_750_000), // 0.25 s earlier, in µs
    });
    if (event === undefined) throw new Error('not decoded');
    emit(event);
    change({ state: 'connected', previous: 'connecting', reconnects: 0 });
    change({ state: 'reconnecting', previous: 'connected', reconnects: 0 });
    change({ state: 'connected', previous: 'reconnecting', reconnects: 1 });
    const lag = await samples(metrics, 'dynconf_event_lag_seconds_bucket');
    expect(lag['{le="0.1"}']).toBe(0);
    expect(lag['{le="0.25"}']).toBe(1);
    expect(await samples(metrics, 'dynconf_event_socket_reconnects_total')).toEqual({
      '{node="fs1:8021"}': 1,
    });
  });
});
