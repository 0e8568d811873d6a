// The ingest stream: every `text/event-json` frame FreeSWITCH sent in traces 01–13, replayed in `lanes`
// interleaved copies so the consumer sees the events of many concurrent calls. Lane k plays the recorded
// sequence from its own starting point; each time it wraps around it takes new uuids (the first four hex
// digits of every channel/job uuid are rewritten in place: same length, so every Content-Length holds).
import { type InRecord, loadTrace, traceFiles, wireFrame } from '../../tests/support/traces.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TRACE_FILES = /^(0[1-9]|1[0-3])-/;

/** Subclass of the CUSTOM event that ends the stream (one more frame, counted like the others). */
export const END_SUBCLASS = 'bench::end';

export interface BaseFrame {
  readonly bytes: Buffer;
  /** Byte offsets of the uuids to rewrite per lane generation. */
  readonly uuidOffsets: readonly number[];
}

/** The recorded event frames of files 01–13 in order, with where their uuids are. */
export function loadBaseFrames(): BaseFrame[] {
  const records: InRecord[] = [];
  for (const file of traceFiles().filter((f) => TRACE_FILES.test(f))) {
    for (const record of loadTrace(file)) {
      if (record.dir === 'in' && record.conn === undefined && record.contentType === 'text/event-json') {
        records.push(record);
      }
    }
  }
  // The switch's own uuid stays: every lane talks to the same FreeSWITCH.
  const coreUuids = new Set<string>();
  for (const record of records) {
    const core = (record.body as Record<string, unknown>)['Core-UUID'];
    if (typeof core === 'string') coreUuids.add(core);
  }
  return records.map((record) => {
    const bytes = wireFrame(record);
    const text = bytes.toString('latin1'); // one char per byte: match indexes are byte offsets
    const uuidOffsets: number[] = [];
    for (const match of text.matchAll(UUID)) {
      if (!coreUuids.has(match[0])) uuidOffsets.push(match.index);
    }
    return { bytes, uuidOffsets };
  });
}

/** The last frame: a CUSTOM event every consumer decodes, so each can time the end of the stream. */
export function endFrame(coreUuid: string): Buffer {
  const body = JSON.stringify({
    'Event-Name': 'CUSTOM',
    'Core-UUID': coreUuid,
    'Event-Subclass': END_SUBCLASS,
    'Event-Date-Timestamp': String(Date.now() * 1000),
  });
  return Buffer.from(
    `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`,
    'utf8',
  );
}

/** Where frame `n` of the stream comes from. */
function origin(n: number, lanes: number, frameCount: number): { index: number; variant: number } {
  const lane = n % lanes;
  const position = Math.floor((lane * frameCount) / lanes) + Math.floor(n / lanes);
  const generation = Math.floor(position / frameCount);
  return { index: position % frameCount, variant: (lane + lanes * generation) % 0x10000 };
}

export class EventStream {
  readonly totalEvents: number;
  readonly totalBytes: number;
  readonly #frames: readonly BaseFrame[];
  readonly #lanes: number;
  readonly #recorded: number;
  readonly #end: Buffer;

  /** Whole recorded frames, at least `targetBytes` of them, then the end frame. */
  constructor(frames: readonly BaseFrame[], lanes: number, targetBytes: number) {
    if (frames.length === 0) throw new Error('no recorded event frames found');
    this.#frames = frames;
    this.#lanes = lanes;
    const core = /"Core-UUID":"([^"]+)"/.exec((frames[0] as BaseFrame).bytes.toString('utf8'));
    this.#end = endFrame(core?.[1] ?? '00000000-0000-0000-0000-000000000000');
    let events = 0;
    let bytes = 0;
    while (bytes < targetBytes) {
      bytes += this.#frame(events).bytes.length;
      events++;
    }
    this.#recorded = events;
    this.totalEvents = events + 1;
    this.totalBytes = bytes + this.#end.length;
  }

  /** The whole stream as batches of whole frames of about `maxBytes`, built once (writes are then mere
   * copies into the socket, so the server keeps ahead of the fastest consumer). */
  batches(maxBytes: number): Buffer[] {
    const batches: Buffer[] = [];
    let first = 0;
    while (first < this.totalEvents) {
      let size = 0;
      let end = first;
      while (end < this.totalEvents && (end === first || size + this.#frame(end).bytes.length <= maxBytes)) {
        size += this.#frame(end).bytes.length;
        end++;
      }
      batches.push(this.#build(first, end, size));
      first = end;
    }
    return batches;
  }

  #build(first: number, end: number, size: number): Buffer {
    const batch = Buffer.allocUnsafe(size);
    let at = 0;
    for (let n = first; n < end; n++) {
      if (n === this.#recorded) {
        this.#end.copy(batch, at);
        at += this.#end.length;
        continue;
      }
      const { index, variant } = origin(n, this.#lanes, this.#frames.length);
      const frame = this.#frames[index] as BaseFrame;
      frame.bytes.copy(batch, at);
      const prefix = variant.toString(16).padStart(4, '0');
      for (const offset of frame.uuidOffsets) batch.write(prefix, at + offset, 'latin1');
      at += frame.bytes.length;
    }
    return batch;
  }

  #frame(n: number): { readonly bytes: Buffer } {
    if (n === this.#recorded) return { bytes: this.#end };
    return this.#frames[origin(n, this.#lanes, this.#frames.length).index] as BaseFrame;
  }
}
