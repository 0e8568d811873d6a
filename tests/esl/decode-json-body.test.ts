// decodeJsonBody() is what the connection runs on every text/event-json body: it skips parsing events
// dynconf never uses. It must decode exactly what decodeEvent(JSON.parse(body)) decodes.
import { describe, expect, it } from 'vitest';
import { createDecodeCounters, decodeEvent, decodeJsonBody } from '../../src/esl/decode.js';
import type { DynconfEvent } from '../../src/esl/events.js';
import { bodyText, type InRecord, loadTrace, traceFiles } from '../support/traces.js';

const jsonBodies = traceFiles().flatMap((file) =>
  loadTrace(file)
    .filter((r): r is InRecord => r.dir === 'in' && r.contentType === 'text/event-json')
    .map((r) => bodyText(r)),
);

/** What a test can compare of an event (ChannelInfo reads its headers lazily). */
function summary(event: DynconfEvent | undefined): unknown {
  if (event === undefined) return undefined;
  const { channel, ...rest } = event as DynconfEvent & { channel?: { uuid: string; name?: string } };
  const fields = Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v !== 'function'));
  return { ...fields, uuid: channel?.uuid, name: channel?.name };
}

describe('decodeJsonBody', () => {
  it('decodes every recorded event exactly as decodeEvent(JSON.parse(body)), counters included', () => {
    expect(jsonBodies.length).toBeGreaterThan(2500);
    const fast = createDecodeCounters();
    const full = createDecodeCounters();
    for (const text of jsonBodies) {
      const a = decodeJsonBody(Buffer.from(text, 'utf8'), fast);
      const b = decodeEvent(JSON.parse(text), full);
      expect(summary(a)).toEqual(summary(b));
    }
    expect(fast).toEqual(full);
    expect(fast.ignored).toBeGreaterThan(1000);
    expect(fast.decoded).toBeGreaterThan(1000);
  });

  it('counts an event dynconf never uses as ignored without parsing the rest of it', () => {
    const counters = createDecodeCounters();
    expect(decodeJsonBody(Buffer.from('{"Event-Name":"CHANNEL_STATE","Unique-ID": not json'), counters)).toBe(
      undefined,
    );
    expect(counters).toEqual({ decoded: 0, ignored: 1, unknown: 0, malformed: 0 });
  });

  it('parses events it uses, unknown names and bodies in another order, counting bad JSON as malformed', () => {
    const counters = createDecodeCounters();
    decodeJsonBody(Buffer.from('{"Event-Name":"DTMF","Unique-ID": not json'), counters);
    decodeJsonBody(Buffer.from('{"Event-Name":"NO_SUCH_EVENT"}'), counters);
    decodeJsonBody(Buffer.from('{"Core-UUID":"x","Event-Name":"CHANNEL_STATE"}'), counters);
    const dtmf = decodeJsonBody(
      Buffer.from('{"Event-Name":"DTMF","Unique-ID":"u-1","DTMF-Digit":"5","DTMF-Source":"RTP"}'),
      counters,
    );
    expect(dtmf).toMatchObject({ type: 'dtmf', digit: '5', source: 'RTP' });
    expect(counters).toEqual({ decoded: 1, ignored: 1, unknown: 1, malformed: 1 });
  });
});
