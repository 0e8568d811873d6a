import { describe, expect, it } from 'vitest';
import { ChannelTable } from '../../src/runtime/channels.js';
import { channelEvent, event, traceEvents } from './support.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('channel table', () => {
  it('remembers the *0 mark from events that carry variables; DTMF events (no variables) change nothing', () => {
    const table = new ChannelTable();
    expect(table.star0(A)).toBeUndefined();
    table.observe(channelEvent('CHANNEL_CREATE', A, { variable_dynconf_star0: 'enabled' }));
    expect(table.star0(A)).toBe(true);
    table.observe(channelEvent('DTMF', A, { 'DTMF-Digit': '*' }));
    expect(table.star0(A)).toBe(true);
    table.observe(channelEvent('CHANNEL_CREATE', B));
    expect(table.star0(B)).toBe(false);
  });

  it('knows bridge peers from CHANNEL_BRIDGE / CHANNEL_UNBRIDGE and forgets destroyed channels', () => {
    const table = new ChannelTable();
    const bridge = { 'Bridge-A-Unique-ID': A, 'Bridge-B-Unique-ID': B, 'Other-Leg-Unique-ID': B };
    table.observe(channelEvent('CHANNEL_BRIDGE', A, bridge));
    expect(table.peer(A)).toBe(B);
    expect(table.peer(B)).toBe(A);
    table.observe(channelEvent('CHANNEL_UNBRIDGE', A, bridge));
    expect(table.peer(A)).toBeUndefined();
    table.observe(channelEvent('CHANNEL_BRIDGE', A, bridge));
    table.observe(event({ 'Event-Name': 'CHANNEL_DESTROY', 'Unique-ID': B }));
    expect(table.peer(A)).toBeUndefined();
    expect(table.star0(B)).toBeUndefined();
  });

  it('the recorded two-party call (trace 08): the A leg is bridged to the B leg', () => {
    const table = new ChannelTable();
    const events = traceEvents('08-two-party-star0.jsonl');
    const firstBridge = events.findIndex((e) => e.type === 'channel-bridge');
    for (const e of events.slice(0, firstBridge + 1)) table.observe(e);
    const bridge = events[firstBridge];
    if (bridge?.type !== 'channel-bridge') throw new Error('no bridge in trace 08');
    expect(table.peer(bridge.aLegUuid)).toBe(bridge.bLegUuid);
  });

  it('knows who is on the legs marked with a role until they hang up, and drops what a read of FreeSWITCH no longer lists', () => {
    const table = new ChannelTable();
    table.observe(channelEvent('CHANNEL_CREATE', A, { 'Caller-Caller-ID-Number': '1001' }));
    expect(table.leg(A)).toBeUndefined();
    table.observe(
      channelEvent('CHANNEL_PARK', A, { 'Caller-Caller-ID-Number': '1001', variable_dynconf_role: 'admin' }),
    );
    table.observe(
      channelEvent('CHANNEL_ANSWER', B, {
        'Call-Direction': 'outbound',
        'Caller-Destination-Number': '801',
        'Answer-State': 'answered',
        variable_dynconf_role: 'guest',
      }),
    );
    expect(table.leg(A)).toEqual({
      uuid: A,
      role: 'admin',
      number: '1001',
      name: undefined,
      answered: false,
    });
    expect(table.leg(B)).toMatchObject({ role: 'guest', number: '801', answered: true });
    // A read of FreeSWITCH lists A only: B's hang-up was lost. A channel seen after the read began stays.
    const read = table.beginRead();
    const C = 'cccccccc-0000-4000-8000-000000000003';
    table.observe(channelEvent('CHANNEL_PARK', C, { variable_dynconf_role: 'admin' }));
    table.retain((uuid) => uuid === A, read);
    expect(table.leg(B)).toBeUndefined();
    expect(table.leg(A)?.role).toBe('admin');
    expect(table.leg(C)?.role).toBe('admin');
    table.observe(channelEvent('CHANNEL_HANGUP_COMPLETE', A, { 'Hangup-Cause': 'NORMAL_CLEARING' }));
    expect(table.leg(A)).toBeUndefined();
  });

  it('after a gap in events, a "not marked" seen before it is forgotten (asked again); a mark or a fresh answer stays', () => {
    const table = new ChannelTable();
    const C = 'cccccccc-0000-4000-8000-000000000003';
    // B's CHANNEL_CREATE came before its dialplan set dynconf_star0; the events after it were lost.
    table.observe(channelEvent('CHANNEL_CREATE', A, { variable_dynconf_star0: 'enabled' }));
    table.observe(channelEvent('CHANNEL_CREATE', B));
    table.observe(channelEvent('CHANNEL_CREATE', C));
    expect([table.star0(A), table.star0(B), table.star0(C)]).toEqual([true, false, false]);
    const read = table.beginRead();
    // C is seen again after the read began: what it says now is current.
    table.observe(channelEvent('CHANNEL_ANSWER', C));
    table.retain(() => true, read);
    expect([table.star0(A), table.star0(B), table.star0(C)]).toEqual([true, undefined, false]);
  });
});
