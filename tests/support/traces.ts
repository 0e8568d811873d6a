// Loads the recordings of real FreeSWITCH event-socket traffic (../shared/freeswitch-traces by default).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type TraceRecord =
  | { t: number; dir: 'out'; raw: string; conn?: string }
  | {
      t: number;
      dir: 'in';
      contentType: string;
      headers: Record<string, string>;
      body: string | Record<string, unknown>;
      /** exact JSON text, kept where JSON.parse loses repeated keys */
      bodyRaw?: string;
      conn?: string;
    }
  | { t: number; dir: 'note'; text: string; conn?: string };

export type InRecord = Extract<TraceRecord, { dir: 'in' }>;

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Folder of the traces: DYNCONF_TRACES, or ../shared/freeswitch-traces beside the project. */
export function tracesDir(): string {
  return process.env.DYNCONF_TRACES ?? resolve(projectRoot, '../shared/freeswitch-traces');
}

export function traceFiles(): string[] {
  const dir = tracesDir();
  if (!existsSync(dir)) throw new Error(`FreeSWITCH traces not found at ${dir} (set DYNCONF_TRACES)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
}

export function loadTrace(file: string): TraceRecord[] {
  const text = readFileSync(join(tracesDir(), file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceRecord);
}

/** The exact body text FreeSWITCH sent for an `in` record (bodyRaw wins over re-serialised JSON). */
export function bodyText(rec: InRecord): string {
  if (rec.bodyRaw !== undefined) return rec.bodyRaw;
  return typeof rec.body === 'string' ? rec.body : JSON.stringify(rec.body);
}

/** Re-creates the wire bytes of an `in` record: its header block, a blank line, then the body. */
export function wireFrame(rec: InRecord): Buffer {
  const body = Buffer.from(bodyText(rec), 'utf8');
  const headerLines = Object.entries(rec.headers).map(([k, v]) => `${k}: ${v}`);
  return Buffer.concat([Buffer.from(`${headerLines.join('\n')}\n\n`, 'utf8'), body]);
}

/** Every frame FreeSWITCH sent on the main connection of a trace, as one byte stream. */
export function inboundStream(records: TraceRecord[]): Buffer {
  return Buffer.concat(
    records.filter((r): r is InRecord => r.dir === 'in' && r.conn === undefined).map((r) => wireFrame(r)),
  );
}
