// Builders for decoded events in runtime unit tests: FreeSWITCH-shaped header objects through the real
// decoder (src/esl/decode.ts), so the tests read events the way the runtime does.
import { decodeEvent } from '../../src/esl/decode.js';
import type { DynconfEvent } from '../../src/esl/events.js';
import { type InRecord, loadTrace } from '../support/traces.js';

export function event(headers: Record<string, unknown>): DynconfEvent {
  const decoded = decodeEvent(headers);
  if (decoded === undefined) throw new Error(`not decodable: ${JSON.stringify(headers)}`);
  return decoded;
}

export function channelEvent(name: string, uuid: string, extra: Record<string, unknown> = {}): DynconfEvent {
  return event({ 'Event-Name': name, 'Unique-ID': uuid, 'Call-Direction': 'inbound', ...extra });
}

/** Every event of a recorded trace, decoded (events dynconf does not use are left out). */
export function traceEvents(file: string): DynconfEvent[] {
  return loadTrace(file)
    .filter((r): r is InRecord => r.dir === 'in' && typeof r.body === 'object' && r.conn === undefined)
    .map((r) => decodeEvent(r.body))
    .filter((e): e is DynconfEvent => e !== undefined);
}
