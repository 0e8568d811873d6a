// The configuration's eventSocket.reconnect as the event-socket client takes it (src/esl/reconnect.ts).
import type { Config } from '../config/index.js';
import type { Backoff } from '../esl/reconnect.js';

export function eslBackoff(reconnect: Config['eventSocket']['reconnect']): Backoff {
  return {
    initialMs: reconnect.initialDelayMs,
    maxMs: reconnect.maxDelayMs,
    factor: reconnect.factor,
    refusedMs: reconnect.refusedDelayMs,
  };
}
