// A copy of the configuration that is safe to log or print: PINs, the event-socket password and the API
// token replaced. The logger's REDACT_PATHS (src/log.ts) cover the same fields as a second line of defence.
import type { Config } from './schema.js';

export const REDACTED = '[redacted]';

export function redactConfig(config: Config): Config {
  return {
    ...config,
    eventSocket: { ...config.eventSocket, password: REDACTED },
    ...(config.eventSockets && {
      eventSockets: config.eventSockets.map((node) =>
        node.password === undefined ? node : { ...node, password: REDACTED },
      ),
    }),
    adminPins: config.adminPins.map(() => REDACTED),
    http: config.http.token === undefined ? config.http : { ...config.http, token: REDACTED },
  };
}
