// Several FreeSWITCH nodes: `eventSockets` lists where their event sockets are; the rest is shared.
import { describe, expect, it } from 'vitest';
import { eventSocketNodes, parseConfig, REDACTED, redactConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';

const base = { eventSocket: { password: 'shared-secret-1', commandTimeoutMs: 4000 }, adminPins: ['80417'] };

function parsed(extra: Record<string, unknown>) {
  const result = parseConfig({ ...base, ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

function issues(extra: Record<string, unknown>) {
  const result = parseConfig({ ...base, ...extra });
  return result.ok ? [] : result.issues;
}

describe('eventSockets', () => {
  it('without it, the one node is eventSocket', () => {
    expect(eventSocketNodes(parsed({}))).toEqual([
      expect.objectContaining({
        id: '127.0.0.1:8021',
        host: '127.0.0.1',
        port: 8021,
        password: 'shared-secret-1',
      }),
    ]);
  });

  it('lists the nodes; each takes the shared password and settings unless it has its own password', () => {
    const nodes = eventSocketNodes(
      parsed({
        eventSockets: [{ host: 'fs1.example' }, { host: 'fs2.example', port: 8022, password: 'own-pw-2' }],
      }),
    );
    expect(nodes.map((n) => [n.id, n.password, n.commandTimeoutMs])).toEqual([
      ['fs1.example:8021', 'shared-secret-1', 4000],
      ['fs2.example:8022', 'own-pw-2', 4000],
    ]);
  });

  it('refuses an empty list, a node listed twice and the default password on another host', () => {
    expect(issues({ eventSockets: [] }).map((i) => i.path)).toEqual(['eventSockets']);
    expect(issues({ eventSockets: [{ host: 'fs1' }, { host: 'fs1', port: 8021 }] })).toEqual([
      expect.objectContaining({
        path: 'eventSockets[1]',
        message: expect.stringContaining('repeats eventSockets[0]'),
      }),
    ]);
    expect(issues({ eventSockets: [{ host: 'fs1', password: 'ClueCon' }] })).toEqual([
      expect.objectContaining({ path: 'eventSockets[0].password' }),
    ]);
    expect(
      issues({
        eventSocket: { password: 'ClueCon', allowDefaultPassword: true },
        eventSockets: [{ host: 'fs1' }, { host: '127.0.0.1' }],
      }),
    ).toEqual([]);
  });

  it('never shows a node password: redacted copy and logger', () => {
    const config = parsed({ eventSockets: [{ host: 'fs1' }, { host: 'fs2', password: 'node-secret-77' }] });
    const redacted = redactConfig(config);
    expect(redacted.eventSockets?.[1]?.password).toBe(REDACTED);
    expect(JSON.stringify(redacted)).not.toContain('node-secret-77');
    const lines: string[] = [];
    createLogger({ destination: { write: (line: string) => void lines.push(line) } }).info(
      { config },
      'loaded',
    );
    expect(lines.join('')).not.toContain('node-secret-77');
    expect(lines.join('')).toContain('fs2');
  });
});
