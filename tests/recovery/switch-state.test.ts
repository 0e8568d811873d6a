// FreeSWITCH's state as read after a reconnect, from the real replies of trace 11 (G in room-a; A privately
// bridged with B, both marked by the recorder).
import { describe, expect, it } from 'vitest';
import { buildSwitchState, type DumpReply } from '../../src/recovery/switch-state.js';
import { type InRecord, loadTrace, traceFiles } from '../support/traces.js';

const A = 'ad4ec589-8f87-4c55-9ed3-788ce2cef8bd';
const B = '39f4fbbd-f34c-497e-8efe-799031e518f1';
const G = 'e20a3519-ac32-42a7-a143-9a25f7d3f070';

/** The api/response body of the first command matching `command` in trace 11. */
function reply(command: RegExp): string {
  const file = traceFiles().find((f) => f.startsWith('11'));
  if (file === undefined) throw new Error('no trace 11');
  const records = loadTrace(file);
  const index = records.findIndex((r) => r.dir === 'out' && command.test(r.raw));
  const found = records
    .slice(index + 1)
    .find((r): r is InRecord => r.dir === 'in' && r.contentType === 'api/response' && r.conn === undefined);
  if (index < 0 || found === undefined || typeof found.body !== 'string')
    throw new Error(`${command} not in trace 11`);
  return found.body;
}

describe('buildSwitchState (trace 11)', () => {
  const shown = reply(/^api show channels as json/);
  const listed = reply(/^api conference json_list/);
  const dumpOf = (uuid: string) => reply(new RegExp(`^api uuid_dump ${uuid} json`));

  it('puts each channel where FreeSWITCH has it: G in room-a, A and B bridged', () => {
    const dumps = new Map<string, DumpReply>([
      [A, dumpOf(A)],
      [G, dumpOf(G)],
      // B's dump was not recorded: take A's with B's uuid (only the variables differ).
      [B, dumpOf(A).replaceAll(A, B)],
    ]);
    const built = buildSwitchState(shown, listed, dumps);
    if (!built.ok) throw new Error(built.error);
    const { channels, rooms } = built.state;
    expect([...rooms]).toEqual([['room-a', [G]]]);
    expect(channels.get(G)).toMatchObject({
      room: 'room-a',
      moderator: false,
      bridgedTo: undefined,
      answered: true,
    });
    expect(channels.get(A)).toMatchObject({ room: undefined, bridgedTo: B, answered: true });
    expect(channels.get(B)?.bridgedTo).toBe(A);
    // The recorder's own marks are read from the dump's variables.
    expect(channels.get(A)?.info.variable('dynconf_room')).toBe('room-a');
    expect(channels.get(G)?.info.variable('dynconf_role')).toBe('guest');
  });

  it('a channel gone between the listing and its dump is left out, and no bridge points to it', () => {
    const built = buildSwitchState(
      shown,
      listed,
      new Map<string, DumpReply>([
        [A, dumpOf(A)],
        [G, dumpOf(G)],
        [B, 'gone'],
      ]),
    );
    if (!built.ok) throw new Error(built.error);
    expect(built.state.channels.has(B)).toBe(false);
    expect(built.state.channels.get(A)?.bridgedTo).toBeUndefined();
  });

  it('no channel at all: `{"row_count": 0}` and an empty room list', () => {
    const built = buildSwitchState('{"row_count": 0}', '[]', new Map());
    expect(built).toEqual({ ok: true, state: { channels: new Map(), rooms: new Map() } });
  });

  it('a reply that is not what FreeSWITCH sends is an error naming the command', () => {
    expect(buildSwitchState('-ERR oops', listed, new Map())).toMatchObject({
      ok: false,
      error: expect.stringContaining('show channels'),
    });
    expect(buildSwitchState(shown, '<html>', new Map())).toMatchObject({
      ok: false,
      error: expect.stringContaining('json_list'),
    });
    expect(buildSwitchState(shown, listed, new Map([[A, 'not json']]))).toMatchObject({
      ok: false,
      error: expect.stringContaining(`uuid_dump ${A}`),
    });
  });
});
