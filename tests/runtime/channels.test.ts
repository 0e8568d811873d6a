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
});
