import { describe, expect, it } from 'vitest';
import { parseConfig, REDACTED, redactConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';

const PIN = '80417';
const HASHED = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const PASSWORD = 'event-socket-pw-19';
const TOKEN = 'operator-api-token-0123456789';

function config() {
  const result = parseConfig({
    eventSocket: { password: PASSWORD },
    adminPins: [PIN, HASHED],
    http: { token: TOKEN },
  });
  if (!result.ok) throw new Error('fixture must be valid');
  return result.config;
}

function captureLog(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  write(createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }));
  return lines.join('');
}

describe('redactConfig', () => {
  it('replaces the PINs, the password and the token, and keeps the rest', () => {
    const redacted = redactConfig(config());
    expect(redacted.adminPins).toEqual([REDACTED, REDACTED]);
    expect(redacted.eventSocket.password).toBe(REDACTED);
    expect(redacted.http.token).toBe(REDACTED);
    expect(redacted.eventSocket.port).toBe(8021);
    expect(JSON.stringify(redacted)).not.toMatch(new RegExp(`${PIN}|${PASSWORD}|${TOKEN}|scrypt`));
  });

  it('does not change the configuration it was given', () => {
    const original = config();
    redactConfig(original);
    expect(original.adminPins[0]).toBe(PIN);
  });
});

describe('logging the configuration', () => {
  it('the logger redacts secrets even when the raw configuration is logged by mistake', () => {
    const out = captureLog((logger) => logger.info({ config: config() }, 'configuration loaded'));
    expect(out).toContain('configuration loaded');
    expect(out).not.toContain(PIN);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('scrypt');
  });

  it('the redacted configuration logs its non-secret fields', () => {
    const out = captureLog((logger) =>
      logger.info({ config: redactConfig(config()) }, 'configuration loaded'),
    );
    expect(JSON.parse(out).config.eventSocket).toMatchObject({
      host: '127.0.0.1',
      port: 8021,
      password: REDACTED,
    });
  });
});
