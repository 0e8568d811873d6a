// `show channels|calls|bridged_calls [count] [like X] [as json]` and `status`, formatted as FreeSWITCH does.
import { localDate } from '../events/bus.js';
import type { Channel } from '../model/channel.js';
import type { Core } from '../model/core.js';
import type { CoreDbTables, Row } from '../model/core-db.js';

function channelRow(core: Core, ch: Channel): Row {
  const ms = Math.floor(ch.times.created / 1000);
  const l16 = ch.readCodec === 'L16';
  const p = ch.profile;
  const i = ch.initial;
  return {
    uuid: ch.uuid,
    direction: ch.direction,
    created: localDate(ms),
    created_epoch: String(Math.floor(ms / 1000)),
    name: ch.name,
    state: ch.state,
    cid_name: p.callerIdName,
    cid_num: p.callerIdNumber,
    ip_addr: p.networkAddr ?? '',
    dest: p.destinationNumber,
    application: ch.getVar('current_application') ?? '',
    application_data: ch.getVar('current_application_data') ?? '',
    dialplan: p.dialplan ?? '',
    context: p.context,
    read_codec: ch.media ? ch.readCodec : '',
    read_rate: ch.media ? '8000' : '',
    read_bit_rate: ch.media ? (l16 ? '128000' : '64000') : '',
    write_codec: ch.media ? 'PCMU' : '',
    write_rate: ch.media ? '8000' : '',
    write_bit_rate: ch.media ? '64000' : '',
    secure: '',
    hostname: core.bus.identity.hostname,
    presence_id: ch.presenceId ?? '',
    presence_data: '',
    accountcode: '',
    callstate: ch.callState,
    callee_name: '',
    callee_num: p.calleeIdNumber ?? '',
    callee_direction: ch.bridge !== undefined ? 'SEND' : '',
    call_uuid: ch.bridge !== undefined ? (ch.bridge.role === 'a' ? ch.uuid : ch.bridge.peer.uuid) : '',
    sent_callee_name: '',
    sent_callee_num: '',
    initial_cid_name: i.callerIdName,
    initial_cid_num: i.callerIdNumber,
    initial_ip_addr: i.networkAddr ?? '',
    initial_dest: i.destinationNumber,
    initial_dialplan: i.dialplan ?? '',
    initial_context: i.context,
  };
}

const CALL_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'hostname',
  'sent_callee_name',
  'sent_callee_num',
];
// The b-leg columns of `show calls`: the same, without the call's own uuid and the host name.
const B_COLUMNS = CALL_COLUMNS.filter((c) => c !== 'call_uuid' && c !== 'hostname');

function callRow(core: Core, ch: Channel): Row {
  const a = channelRow(core, ch);
  const row: Row = {};
  for (const c of CALL_COLUMNS) row[c] = a[c] ?? '';
  const peer = ch.bridge?.peer;
  const b = peer === undefined ? undefined : channelRow(core, peer);
  for (const c of B_COLUMNS) row[`b_${c}`] = b?.[c] ?? '';
  row.call_created_epoch = peer === undefined ? '' : String(Math.floor(ch.times.bridged / 1e6));
  return row;
}

function format(rows: Row[], json: boolean, countOnly: boolean): string {
  if (countOnly) return `\n${rows.length} total.\n`;
  if (json) {
    if (rows.length === 0) return '{"row_count": 0}\n';
    return JSON.stringify({ row_count: rows.length, rows });
  }
  if (rows.length === 0) return '\n0 total.\n';
  const cols = Object.keys(rows[0] as Row);
  const lines = [cols.join(','), ...rows.map((r) => cols.map((c) => r[c] ?? '').join(','))];
  return `${lines.join('\n')}\n\n${rows.length} total.\n`;
}

export function show(core: Core, words: string[]): string {
  const what = words[0];
  let json = false;
  let countOnly = false;
  let like: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === 'as' && words[i + 1] === 'json') {
      json = true;
      i++;
    } else if (w === 'count') countOnly = true;
    else if (w === 'like') {
      like = words[i + 1];
      i++;
    }
  }
  // Read from the core database: what the switch looked like when it last caught up (model/core-db.ts).
  const tables = core.db.tables();
  let rows: Row[];
  if (what === 'tasks') rows = [...tables.tasks];
  else if (what === 'channels') rows = [...tables.channels];
  else if (what === 'calls') rows = [...tables.calls];
  else if (what === 'bridged_calls') rows = [...tables.bridgedCalls];
  else
    return `-USAGE: codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status\n`;
  if (like !== undefined) {
    const needle = like;
    rows = rows.filter((r) =>
      ['uuid', 'name', 'cid_name', 'cid_num', 'presence_id', 'accountcode'].some((k) =>
        (r[k] ?? '').includes(needle),
      ),
    );
  }
  return format(rows, json, countOnly);
}

/** The switch's tables as they are this moment (what the core database catches up to). */
export function liveTables(core: Core): CoreDbTables {
  const live = [...core.channels.values()].filter((c) => !c.hangingUp);
  const callRows = (bridgedOnly: boolean) =>
    live
      .filter((c) => c.bridge?.role !== 'b' && (!bridgedOnly || c.bridge !== undefined))
      .map((c) => callRow(core, c));
  return {
    channels: live.map((c) => channelRow(core, c)),
    calls: callRows(false),
    bridgedCalls: callRows(true),
    tasks: core.scheduler.list().map((t) => ({
      task_id: String(t.id),
      task_desc: t.desc,
      task_group: t.group,
      task_runtime: String(t.runtime),
      task_sql_manager: '0',
      hostname: core.bus.identity.hostname,
    })),
  };
}

export function status(core: Core): string {
  let us = Math.max(0, Math.round((core.clock.now() - core.startedAt) * 1000));
  const parts: number[] = [];
  for (const unit of [365 * 86400e6, 86400e6, 3600e6, 60e6, 1e6, 1e3]) {
    parts.push(Math.floor(us / unit));
    us %= unit;
  }
  const [y, d, h, m, s, msec] = parts;
  const n = core.channels.size;
  return (
    `UP ${y} years, ${d} days, ${h} hours, ${m} minutes, ${s} seconds, ${msec} milliseconds, ${us} microseconds\n` +
    'FreeSWITCH (Version 1.10.12-release  64bit) is ready\n' +
    `${core.sessionsSinceStart} session(s) since startup\n` +
    `${n} session(s) - peak ${core.peakSessions}, last 5min ${n} \n` +
    `0 session(s) per Sec out of max 30, peak 3, last 5min 3 \n` +
    '1000 session(s) max\n' +
    'min idle cpu 0.00/100.00\n' +
    'Current Stack Size/Max 240K/8192K\n'
  );
}
