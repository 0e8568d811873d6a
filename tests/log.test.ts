// Log lines people read: JSON with ISO time for machines, one readable line in local time for a terminal.
import { describe, expect, it } from 'vitest';
import { cliLogger } from '../src/cli/context.js';
import type { CliIo } from '../src/cli/io.js';
import { parseConfig } from '../src/config/index.js';
import { createLogger, resolveLogFormat } from '../src/log.js';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('log format', () => {
  it('json: one object per line with an ISO time, one module key, secrets redacted', () => {
    const out = capture();
    const logger = createLogger({ format: 'json', destination: out.destination });
    logger.child({ module: 'esl' }).info({ pin: '4711', command: 'uuid_bridge' }, 'command done');
    expect(out.lines).toHaveLength(1);
    const text = out.lines[0] ?? '';
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(line).toMatchObject({ module: 'esl', msg: 'command done', pin: '[redacted]' });
    expect(text.match(/"module"/g)).toHaveLength(1);
  });

  it('pretty: one readable line per event, local time first, the module as a prefix, secrets redacted', () => {
    const out = capture();
    const logger = createLogger({ format: 'pretty', destination: out.destination });
    logger.child({ module: 'controller' }).warn({ pin: '4711', session: 'ab12' }, 'wrong PIN');
    const text = out.lines.join('');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: \[controller\] wrong PIN/);
    expect(text).toContain('"session":"ab12"');
    expect(text).not.toContain('4711');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('auto is pretty in a terminal and JSON elsewhere', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('the CLI logs readable lines to a terminal, JSON to a pipe', () => {
    const io = (isTTY: boolean) => {
      const written: string[] = [];
      const value: CliIo = {
        stdout: { write: () => true },
        stderr: { isTTY, write: (text: string) => written.push(text) },
        stdin: process.stdin,
        env: {},
        cwd: process.cwd(),
      };
      return { value, written };
    };
    const terminal = io(true);
    cliLogger(terminal.value).info('hello');
    expect(terminal.written.join('')).toMatch(/INFO.*hello/);
    const pipe = io(false);
    cliLogger(pipe.value).info('hello');
    expect(JSON.parse(pipe.written.join(''))).toMatchObject({ msg: 'hello' });
    const forced = io(true);
    cliLogger(forced.value, 'info', 'json').info('hello');
    expect(JSON.parse(forced.written.join(''))).toMatchObject({ msg: 'hello' });
  });

  it('log.format is validated with the rest of the configuration', () => {
    const base = { eventSocket: { password: 'a-password' }, adminPins: ['4711'] };
    const ok = parseConfig({ ...base, log: { format: 'pretty' } });
    expect(ok.ok && ok.config.log.format).toBe('pretty');
    const defaulted = parseConfig(base);
    expect(defaulted.ok && defaulted.config.log.format).toBe('auto');
    const bad = parseConfig({ ...base, log: { format: 'xml' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.issues)).toContain('must be one of auto, pretty, json');
  });
});

describe('one module key per line', () => {
  it('the event-socket client logs each line with a single module key (no library adds its own)', async () => {
    const { VirtualClock } = await import('../src/clock.js');
    const { EslConnection } = await import('../src/esl/connection.js');
    const { startSimulator } = await import('../src/simulator/index.js');
    const clock = new VirtualClock();
    const sim = await startSimulator({ clock });
    const out = capture();
    const esl = new EslConnection({
      host: sim.host,
      port: sim.port,
      password: sim.password,
      logger: createLogger({ level: 'trace', format: 'json', destination: out.destination }),
      clock,
    });
    try {
      esl.start();
      await clock.until(() => esl.state === 'connected', 'the event socket connected');
      sim.faults.dropConnections();
      await clock.until(() => esl.state === 'connected' && out.lines.length > 3, 'a reconnect logged');
    } finally {
      await clock.drive(esl.close(), 'the connection to close');
      await sim.close();
    }
    expect(out.lines.length).toBeGreaterThan(0);
    for (const line of out.lines) expect(line.match(/"module":/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
  });
});
