// Drives the simulator through the situation of one recorded trace: the same SIPp callers and invitees
// (from the trace's notes), the same commands (uuids mapped), at the same pace; collects both sides.
//
// The simulator runs on a virtual clock (src/clock.ts): its time moves only while this replay waits and
// nothing is in flight on the event socket, so each command goes out at its recorded moment of switch time
// however busy the machine is. Before a command that did not follow the previous one within a few ms, the
// replay waits until the simulator has sent at least what FreeSWITCH had sent by then, for at most ALIGN_MS
// of switch time; what it still lacks then is recorded in `lagging` (the simulator is slower than
// FreeSWITCH there, in its own time: a difference of behaviour, not of machine speed).
import { VirtualClock } from '../../../src/clock.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { type InRecord, loadTrace, type TraceRecord } from '../../support/traces.js';
import { type Frame, parsePlainEvent, TestClient } from '../support/esl-client.js';
import { type Ev, kindOf, toEv } from './events.js';

/**
 * How long (ms of switch time) the simulator may take beyond FreeSWITCH to send what FreeSWITCH had sent
 * before a command; then the command goes anyway and the lag is recorded.
 */
export const ALIGN_MS = 250;

/** The rig's dialplan (trace README "The rig"), so the simulator runs the recorded extensions. */
const RIG_EXTENSIONS: Record<string, Array<{ app: string; data: string }>> = {
  '900': [
    { app: 'set', data: 'dynconf_role=admin' },
    { app: 'answer', data: '' },
    { app: 'park', data: '' },
  ],
  '7100': [{ app: 'bridge', data: 'sofia/internal/801@127.0.0.1:5090' }],
  '7101': [
    { app: 'export', data: 'hold_music=silence_stream://-1' },
    { app: 'bind_meta_app', data: '0 ab s event::Event-Name=CUSTOM,Event-Subclass=dynconf::star0' },
    { app: 'bridge', data: 'sofia/internal/801@127.0.0.1:5095' },
  ],
  '7002': [
    { app: 'answer', data: '' },
    { app: 'voicemail', data: 'default 127.0.0.1 1000' },
    // vanilla: `*` in voicemail goes on to the voicemail menu, which answers and sleeps first
    { app: 'answer', data: '' },
    { app: 'sleep', data: '1000' },
  ],
  // vanilla Local_Extension for 1000 as trace 09 part 2 ran it (user 1000 is not registered)
  '1000': [
    { app: 'export', data: 'dialed_extension=1000' },
    { app: 'bind_meta_app', data: '1 b s execute_extension::dx XML features' },
    {
      app: 'bind_meta_app',
      data: '2 b s record_session::/usr/local/freeswitch/var/lib/freeswitch/recordings/0000000000.2026-11-23-20-22-55.wav',
    },
    { app: 'bind_meta_app', data: '3 b s execute_extension::cf XML features' },
    { app: 'bind_meta_app', data: '4 b s execute_extension::att_xfer XML features' },
    { app: 'set', data: 'ringback=%(2000,4000,440,480)' },
    { app: 'set', data: 'transfer_ringback=local_stream://moh' },
    { app: 'set', data: 'call_timeout=30' },
    { app: 'set', data: 'hangup_after_bridge=true' },
    { app: 'set', data: 'continue_on_fail=true' },
    { app: 'set', data: 'called_party_callgroup=techsupport' },
    { app: 'bridge', data: 'user/1000@127.0.0.1' },
    { app: 'answer', data: '' },
    { app: 'sleep', data: '1000' },
    { app: 'bridge', data: 'loopback/app=voicemail:default 127.0.0.1 1000' },
  ],
};

/** The SIPp phones of the rig, by host:port. */
function rigEndpoints(sim: Simulator): void {
  const e = sim.sipEndpoints;
  e.set('127.0.0.1:5090', { kind: 'answer', afterMs: 1000 });
  e.set('127.0.0.1:5091', { kind: 'ring-forever' });
  e.set('127.0.0.1:5092', { kind: 'busy' });
  e.set('127.0.0.1:5093', { kind: 'early-media-then-answer', afterMs: 3000 });
  e.set('127.0.0.1:5094', { kind: 'answer-then-hangup', afterMs: 1000, hangupAfterMs: 4000 });
  e.set('127.0.0.1:5095', { kind: 'answer', afterMs: 1000 });
  e.set('127.0.0.1:5098', { kind: 'no-response' });
  e.set('127.0.0.1:5099', { kind: 'unreachable' });
  sim.directory.set('1000', { kind: 'unregistered' });
}

export interface Side {
  /** Channel uuid → its events (in order), for channels seen on the main connection. */
  channels: Map<string, { kind: string; events: Ev[] }>;
  /** Conference events without a channel (create, destroy, floor to nobody), per room. */
  rooms: Map<string, Ev[]>;
  /** BACKGROUND_JOB body per Job-UUID. */
  jobs: Map<string, string>;
  all: Ev[];
}

export interface ReplyPair {
  conn: string;
  command: string;
  trace: InRecord;
  sim: Frame | undefined;
}

export interface ReplayResult {
  file: string;
  trace: Side;
  sim: Side;
  /** trace uuid → sim uuid */
  map: Map<string, string>;
  replies: ReplyPair[];
  chosen: Set<string>;
  /**
   * Where the simulator had not caught up within ALIGN_MS of switch time: `before <command>: <what>` for a
   * command, `at the end: <what>` after the last one (the simulator never sent it).
   */
  lagging: string[];
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function emptySide(): Side {
  return { channels: new Map(), rooms: new Map(), jobs: new Map(), all: [] };
}

function addEvent(side: Side, ev: Ev): void {
  side.all.push(ev);
  const uuid = ev.h['Unique-ID'];
  if (ev.name === 'BACKGROUND_JOB') {
    side.jobs.set(ev.h['Job-UUID'] ?? '', ev.h._body ?? '');
    return;
  }
  if (uuid !== undefined) {
    let ch = side.channels.get(uuid);
    if (ch === undefined) {
      ch = { kind: kindOf(ev), events: [] };
      side.channels.set(uuid, ch);
    }
    ch.events.push(ev);
    return;
  }
  const room = ev.h['Conference-Name'];
  if (room !== undefined) {
    const list = side.rooms.get(room) ?? [];
    list.push(ev);
    side.rooms.set(room, list);
  }
}

function traceEvent(rec: InRecord): Ev {
  if (typeof rec.body === 'string') {
    const h = parsePlainEvent(rec.body);
    return { name: h['Event-Name'] ?? '', h };
  }
  return toEv(rec.body);
}

export type EventFilter = (ev: Ev, side: 'trace' | 'sim') => boolean;

export async function replayTrace(file: string, keep: EventFilter): Promise<ReplayResult> {
  const records = loadTrace(file);
  const clock = new VirtualClock();
  const sim = await startSimulator({
    clock,
    heartbeatMs: 0,
    hostname: 'fs-test',
    dialplan: { extensions: RIG_EXTENSIONS, domain: '127.0.0.1' },
  });
  rigEndpoints(sim);
  const trace = emptySide();
  const simSide = emptySide();
  const replies: ReplyPair[] = [];
  const chosen = new Set<string>();
  const map = new Map<string, string>();
  const clients = new Map<string, TestClient>();
  let simEventsSeen = 0;
  /** What the simulator had not caught up with when a command had to go anyway. */
  const lagging: string[] = [];

  // which reply frames follow each `out` record on its connection
  const expected = new Map<TraceRecord, InRecord[]>();
  {
    const lastOut = new Map<string, TraceRecord>();
    for (const r of records) {
      const conn = r.conn ?? 'main';
      if (r.dir === 'out') {
        lastOut.set(conn, r);
        expected.set(r, []);
      } else if (r.dir === 'in' && !r.contentType.startsWith('text/event-')) {
        const out = lastOut.get(conn);
        if (out !== undefined) expected.get(out)?.push(r);
      }
    }
  }

  const kept = (events: Ev[], s: 'trace' | 'sim') => events.filter((e) => keep(e, s)).length;
  const main = () => clients.get('main');
  const pullSimEvents = () => {
    const c = main();
    if (c === undefined) return;
    for (; simEventsSeen < c.events.length; simEventsSeen++) {
      const e = c.events[simEventsSeen];
      if (e !== undefined) addEvent(simSide, { name: e.name, h: e.headers });
    }
  };

  const resolveMap = () => {
    pullSimEvents();
    const used = new Set(map.values());
    const simByKind = new Map<string, string[]>();
    for (const [uuid, ch] of simSide.channels) {
      if (used.has(uuid) || trace.channels.has(uuid) || kept(ch.events, 'sim') === 0) continue;
      const list = simByKind.get(ch.kind) ?? [];
      list.push(uuid);
      simByKind.set(ch.kind, list);
    }
    for (const [uuid, ch] of trace.channels) {
      if (map.has(uuid) || kept(ch.events, 'trace') === 0) continue;
      if (simSide.channels.has(uuid) || chosen.has(uuid)) {
        if (simSide.channels.has(uuid)) map.set(uuid, uuid);
        continue;
      }
      const candidate = simByKind.get(ch.kind)?.shift();
      if (candidate !== undefined) map.set(uuid, candidate);
    }
  };

  /** What the simulator has not sent yet of what FreeSWITCH had sent at this point (undefined: nothing). */
  const behind = (): string | undefined => {
    resolveMap();
    const missing: string[] = [];
    for (const [uuid, ch] of trace.channels) {
      const want = kept(ch.events, 'trace');
      if (want === 0) continue;
      const simUuid = map.get(uuid);
      const have = simUuid === undefined ? 0 : kept(simSide.channels.get(simUuid)?.events ?? [], 'sim');
      if (have < want) missing.push(`channel ${uuid} ${have}/${want}`);
    }
    if (simSide.jobs.size < trace.jobs.size) missing.push(`jobs ${simSide.jobs.size}/${trace.jobs.size}`);
    for (const [room, evs] of trace.rooms) {
      const have = kept(simSide.rooms.get(room) ?? [], 'sim');
      if (have < kept(evs, 'trace')) missing.push(`room ${room} ${have}/${kept(evs, 'trace')}`);
    }
    return missing.length === 0 ? undefined : missing.join(', ');
  };

  /**
   * Waits until the simulator has produced at least what FreeSWITCH had at this point, letting up to
   * `withinMs` of switch time pass; records what is still missing then under `where`.
   */
  const align = async (withinMs: number, where: string) => {
    try {
      const what = () => `the simulator to catch up ${where}`;
      await clock.until(() => behind() === undefined, what, { withinMs });
    } catch {
      lagging.push(`${where}: ${behind() ?? 'caught up late'}`);
    }
  };

  /** Lets switch time run to `t` ms after the start of the replay (the trace's own time line). */
  const reach = (t: number) => clock.advance(Math.max(0, simStart + t - clock.now()));

  const translate = (raw: string) =>
    raw.replace(UUID_RE, (u) => {
      const m = map.get(u);
      return m ?? u;
    });

  // SIPp behaviour from the notes
  const hooks: Array<(ev: { name: string; get(k: string): string | undefined; uuid?: string }) => void> = [];
  sim.onEvent((ev) => {
    for (const h of hooks) h(ev);
  });
  const onAnswer = (match: (name: string, uuid: string) => boolean, fn: (uuid: string) => void) => {
    const fired = new Set<string>();
    hooks.push((ev) => {
      if (ev.name !== 'CHANNEL_ANSWER' || ev.uuid === undefined || fired.has(ev.uuid)) return;
      if (!match(ev.get('Channel-Name') ?? '', ev.uuid)) return;
      fired.add(ev.uuid);
      fn(ev.uuid);
    });
  };
  const later = (ms: number, fn: () => void) => clock.setTimer(ms, fn);
  const press = (uuid: string, keys: string) => {
    try {
      void sim
        .call(uuid)
        .press(keys, { gapMs: 700 })
        .catch(() => undefined);
    } catch {
      // the leg is already gone
    }
  };

  const handleNote = async (text: string) => {
    const caller = /SIPp caller "(\d+)" \(([\d.]+:\d+)\) INVITEs (\d+)@/.exec(text);
    if (caller !== null) {
      if (process.env.REPLAY_DEBUG)
        process.stdout.write(`note sim+${Math.round(clock.now() - simStart)} ${text}\n`);
      const call = await sim.placeCall({ from: caller[1] ?? '', to: caller[3] ?? '', contact: caller[2] });
      const bye = /sends BYE itself after (\d+) ms/.exec(text);
      const dtmf = /sends RFC 2833 DTMF "([^"]+)" as RTP (\d+) ms after/.exec(text);
      onAnswer(
        (_n, uuid) => uuid === call.uuid,
        () => {
          if (bye !== null) later(Number(bye[1]), () => void call.hangup());
          if (dtmf !== null) later(Number(dtmf[2]), () => press(call.uuid, dtmf[1] ?? ''));
        },
      );
      return;
    }
    const uas = /listening on ([\d.]+:\d+).*sends RFC 2833 DTMF "([^"]+)" as RTP (\d+) ms after answer/.exec(
      text,
    );
    if (uas !== null) {
      const where = `@${uas[1]}`;
      onAnswer(
        (name) => name.endsWith(where),
        (uuid) => later(Number(uas[3]), () => press(uuid, uas[2] ?? '')),
      );
    }
  };

  const inFlight = new Map<string, Promise<void>>();
  const batch: string[] = [];
  const lastOut = new Map<string, number>();
  const simStart = clock.now();
  try {
    for (const rec of records) {
      const conn = rec.conn ?? 'main';
      if (rec.dir === 'note') {
        await reach(rec.t);
        await handleNote(rec.text);
        continue;
      }
      if (rec.dir === 'in') {
        if (rec.contentType.startsWith('text/event-')) {
          if (conn === 'main') addEvent(trace, traceEvent(rec));
          continue;
        }
        if (rec.contentType === 'auth/request') {
          const client = await TestClient.open(sim.port, '127.0.0.1', clock);
          clients.set(conn, client);
          replies.push({ conn, command: '(connect)', trace: rec, sim: await client.nextReply() });
        }
        continue;
      }
      // an `out` record
      const client = clients.get(conn);
      if (client === undefined) continue;
      for (const u of rec.raw.match(UUID_RE) ?? []) if (!trace.channels.has(u)) chosen.add(u);
      await reach(rec.t);
      // commands FreeSWITCH got within a few ms of each other go out back to back (races like DTMF
      // followed at once by a transfer stay races); otherwise the previous replies are awaited first
      const previous = inFlight.get(conn) ?? Promise.resolve();
      const close = rec.t - (lastOut.get(conn) ?? -1e9) < 5;
      if (!close) await previous;
      lastOut.set(conn, rec.t);
      if (!close) await align(ALIGN_MS, `before ${conn} [${rec.t}] ${rec.raw.split('\n')[0]}`);
      if (process.env.REPLAY_DEBUG) {
        process.stdout.write(
          `[${rec.t}] sim+${Math.round(clock.now() - simStart)} ${rec.raw.split('\n')[0]}\n`,
        );
      }
      // a command FreeSWITCH got right after this one (under 5 ms) goes in the same write
      const next = records
        .slice(records.indexOf(rec) + 1)
        .find((r) => r.dir === 'out' && (r.conn ?? 'main') === conn);
      const batched = next !== undefined && next.t - rec.t < 5;
      batch.push(translate(rec.raw));
      if (!batched) client.send(batch.splice(0).join(''));
      const wanted = expected.get(rec) ?? [];
      const command = rec.raw.split('\n')[0] ?? '';
      inFlight.set(
        conn,
        previous.then(async () => {
          for (const want of wanted) {
            let got: Frame | undefined;
            try {
              got = await client.nextReply(3000);
            } catch {
              got = undefined;
            }
            replies.push({ conn, command, trace: want, sim: got });
          }
        }),
      );
    }
    await Promise.all(inFlight.values());
    await align(10 * ALIGN_MS, 'at the end');
    resolveMap();
  } finally {
    for (const c of clients.values()) c.close();
    await sim.close();
  }
  return { file, trace, sim: simSide, map, replies, chosen, lagging };
}
