// Compares what the simulator sent with what FreeSWITCH sent: per-channel event sequences (signatures),
// room events, BACKGROUND_JOB bodies and every reply frame.
import { bodyText } from '../../support/traces.js';
import type { Deviation } from '../deviations.js';
import { type Ev, type SigContext, signature } from './events.js';
import type { ReplayResult, Side } from './replay.js';

export interface Difference {
  subject: string;
  detail: string;
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export function keepFilter(deviations: Deviation[]) {
  return (ev: Ev, side: 'trace' | 'sim') =>
    !deviations.some(
      (d) =>
        d.event !== undefined && (d.side ?? 'both') !== (side === 'trace' ? 'sim' : 'trace') && d.event(ev),
    );
}

function memberLabels(side: Side): Map<string, string> {
  const labels = new Map<string, string>();
  for (const ev of side.all) {
    for (const key of ['Member-ID', 'Old-ID', 'New-ID']) {
      const id = ev.h[key];
      if (id !== undefined && id !== 'none' && !labels.has(id)) labels.set(id, `M${labels.size + 1}`);
    }
  }
  return labels;
}

function firstMismatch(a: string[], b: string[]): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (list: string[]) => list.slice(Math.max(0, i - 2), i + 3).join('\n      ');
  return `at #${i}\n    FreeSWITCH:\n      ${show(a)}\n    simulator:\n      ${show(b)}`;
}

export function compareRun(run: ReplayResult, deviations: Deviation[]): Difference[] {
  const keep = keepFilter(deviations);
  const diffs: Difference[] = [];
  const reverse = new Map<string, string>();
  for (const [t, s] of run.map) reverse.set(s, t);
  const traceMembers = memberLabels(run.trace);
  const simMembers = memberLabels(run.sim);
  const traceCtx: SigContext = {
    uuid: (u) => u,
    member: (id) => traceMembers.get(id) ?? `M?${id}`,
    chosen: run.chosen,
  };
  const simCtx: SigContext = {
    uuid: (u) => reverse.get(u) ?? u,
    member: (id) => simMembers.get(id) ?? `M?${id}`,
    chosen: run.chosen,
  };
  const sigs = (events: Ev[], side: 'trace' | 'sim', ctx: SigContext) =>
    events.filter((e) => keep(e, side)).map((e) => signature(e, ctx));

  // channels
  const ordinals = new Map<string, number>();
  const mappedSim = new Set<string>();
  for (const [uuid, ch] of run.trace.channels) {
    const n = (ordinals.get(ch.kind) ?? 0) + 1;
    ordinals.set(ch.kind, n);
    const label = `channel ${ch.kind}#${n}`;
    const t = sigs(ch.events, 'trace', traceCtx);
    const simUuid = run.map.get(uuid);
    const simCh = simUuid === undefined ? undefined : run.sim.channels.get(simUuid);
    if (simUuid !== undefined) mappedSim.add(simUuid);
    if (simCh === undefined) {
      if (t.length > 0)
        diffs.push({
          subject: label,
          detail: `no counterpart in the simulator; FreeSWITCH had ${t.join(' | ')}`,
        });
      continue;
    }
    const s = sigs(simCh.events, 'sim', simCtx);
    if (t.join('\n') !== s.join('\n')) diffs.push({ subject: label, detail: firstMismatch(t, s) });
  }
  for (const [uuid, ch] of run.sim.channels) {
    if (mappedSim.has(uuid)) continue;
    const s = sigs(ch.events, 'sim', simCtx);
    if (s.length > 0) diffs.push({ subject: `extra simulator channel ${ch.kind}`, detail: s.join(' | ') });
  }

  // rooms
  const rooms = new Set([...run.trace.rooms.keys(), ...run.sim.rooms.keys()]);
  for (const room of rooms) {
    const t = sigs(run.trace.rooms.get(room) ?? [], 'trace', traceCtx);
    const s = sigs(run.sim.rooms.get(room) ?? [], 'sim', simCtx);
    if (t.join('\n') !== s.join('\n')) diffs.push({ subject: `room ${room}`, detail: firstMismatch(t, s) });
  }

  // jobs
  for (const [job, body] of run.trace.jobs) {
    const simBody = run.sim.jobs.get(job);
    const mapped = simBody?.replace(UUID_RE, (u) => reverse.get(u) ?? u);
    if (mapped === undefined)
      diffs.push({ subject: `job ${job}`, detail: 'no BACKGROUND_JOB from the simulator' });
    else if (!sameBody('bgapi', body, mapped, traceMembers, simMembers))
      diffs.push({
        subject: `job ${job}`,
        detail: `FreeSWITCH ${JSON.stringify(body)} / simulator ${JSON.stringify(mapped)}`,
      });
  }

  // replies
  for (const pair of run.replies) {
    if (deviations.some((d) => d.reply?.test(pair.command))) continue;
    const subject = `reply to ${pair.conn}: ${pair.command}`;
    if (pair.sim === undefined) {
      diffs.push({ subject, detail: 'no reply from the simulator' });
      continue;
    }
    const th = pair.trace.headers;
    const sh = pair.sim.headers;
    if (th['Content-Type'] !== sh['Content-Type']) {
      diffs.push({ subject, detail: `Content-Type ${th['Content-Type']} / ${sh['Content-Type']}` });
      continue;
    }
    const traceOrder = Object.keys(th).join(',');
    const simOrder = pair.sim.rawHeaders
      .split('\n')
      .map((l) => l.slice(0, l.indexOf(':')))
      .join(',');
    if (traceOrder !== simOrder) diffs.push({ subject, detail: `header lines ${traceOrder} / ${simOrder}` });
    // sendevent answers with the new event's own (random) uuid
    const random = pair.command.startsWith('sendevent');
    const unmap = (s: string) => s.replace(UUID_RE, (u) => (random ? 'UUID' : (reverse.get(u) ?? u)));
    if (random) th['Reply-Text'] = (th['Reply-Text'] ?? '').replace(UUID_RE, 'UUID');
    if (th['Reply-Text'] !== undefined && th['Reply-Text'] !== unmap(sh['Reply-Text'] ?? '')) {
      diffs.push({ subject, detail: `Reply-Text ${th['Reply-Text']} / ${unmap(sh['Reply-Text'] ?? '')}` });
    }
    const tb = bodyText(pair.trace);
    const sb = unmap(pair.sim.body);
    if (!sameBody(pair.command, tb, sb, traceMembers, simMembers)) {
      diffs.push({
        subject,
        detail: `body\n    FreeSWITCH: ${JSON.stringify(tb).slice(0, 600)}\n    simulator:  ${JSON.stringify(sb).slice(0, 600)}`,
      });
    }
  }
  return diffs;
}

type Json = Record<string, unknown>;

function projectRows(body: string): unknown {
  const parsed = JSON.parse(body) as { row_count: number; rows?: Json[] };
  const rows = (parsed.rows ?? []).map((r) => ({
    uuid: r.uuid,
    direction: r.direction,
    dest: r.dest,
    application: r.application,
    callstate: r.callstate,
    b_uuid: r.b_uuid,
  }));
  rows.sort((a, b) => String(a.uuid).localeCompare(String(b.uuid)));
  return { row_count: parsed.row_count, rows };
}

function projectConferences(body: string, members: Map<string, string>): unknown {
  const rooms = JSON.parse(body) as Json[];
  return rooms
    .map((r) => ({
      name: r.conference_name,
      count: r.member_count,
      locked: r.locked,
      members: ((r.members as Json[]) ?? [])
        .map((m) => {
          const f = m.flags as Json;
          return {
            uuid: m.uuid,
            id: members.get(String(m.id)) ?? m.id,
            moderator: f.is_moderator,
            speak: f.can_speak,
            hear: f.can_hear,
          };
        })
        .sort((a, b) => String(a.uuid).localeCompare(String(b.uuid))),
    }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

function projectMemberLines(body: string, members: Map<string, string>): string {
  return body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const f = l.split(';');
      if (f.length < 9) return l;
      f[0] = members.get(f[0] ?? '') ?? f[0] ?? '';
      // floor moves ~20 ms after a join/leave: not part of the comparison
      f[5] = (f[5] ?? '')
        .split('|')
        .filter((x) => x !== 'floor')
        .join('|');
      return f.join(';');
    })
    .sort()
    .join('\n');
}

function projectDump(body: string): unknown {
  let h: Record<string, unknown>;
  if (body.startsWith('{')) h = JSON.parse(body) as Json;
  else {
    h = {};
    for (const line of body.split('\n')) {
      const c = line.indexOf(': ');
      if (c > 0) h[line.slice(0, c)] = decodeURIComponent(line.slice(c + 2));
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of ['Event-Name', 'Unique-ID', 'Channel-State', 'Answer-State', 'Call-Direction'])
    out[k] = h[k];
  for (const k of Object.keys(h)
    .filter((k) => k.startsWith('variable_dynconf_'))
    .sort())
    out[k] = h[k];
  return out;
}

function sameBody(
  command: string,
  traceBody: string,
  simBody: string,
  traceMembers: Map<string, string>,
  simMembers: Map<string, string>,
): boolean {
  const cmd = command.replace(/^(api|bgapi) /, '');
  try {
    if (
      /^show (channels|calls|bridged_calls)( like \S+)? as json/.test(cmd) ||
      (command === 'bgapi' && traceBody.startsWith('{"row_count"'))
    ) {
      return JSON.stringify(projectRows(traceBody)) === JSON.stringify(projectRows(simBody));
    }
    if (traceBody.startsWith('[{') || (/json_list/.test(cmd) && traceBody.startsWith('['))) {
      return (
        JSON.stringify(projectConferences(traceBody, traceMembers)) ===
        JSON.stringify(projectConferences(simBody, simMembers))
      );
    }
    if (/^show channels/.test(cmd)) {
      const last = (b: string) => b.trim().split('\n').pop();
      const head = (b: string) => (b.startsWith('\n') ? '' : b.split('\n')[0]);
      return last(traceBody) === last(simBody) && head(traceBody) === head(simBody);
    }
    if (/^conference/.test(cmd) && /list/.test(cmd)) {
      return projectMemberLines(traceBody, traceMembers) === projectMemberLines(simBody, simMembers);
    }
    if (/^uuid_dump/.test(cmd))
      return JSON.stringify(projectDump(traceBody)) === JSON.stringify(projectDump(simBody));
    if (/^status/.test(cmd)) {
      const shape = (b: string) =>
        b.split('\n').slice(1, 2).join('\n') + (/^UP \d+ years/.test(b) ? ' UP' : '');
      return shape(traceBody) === shape(simBody);
    }
  } catch {
    return false;
  }
  return traceBody === simBody;
}
