// The FreeSWITCH nodes dynconf connects to: `eventSockets` when given, else the one `eventSocket`.
import type { Config } from './schema.js';

export interface EventSocketNode {
  /** `host:port`: names the node in logs and session views. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly password: string;
  readonly commandTimeoutMs: number;
  readonly reconnect: Config['eventSocket']['reconnect'];
}

export function eventSocketNodes(config: Config): EventSocketNode[] {
  const shared = config.eventSocket;
  const places = config.eventSockets ?? [shared];
  return places.map((place) => ({
    id: `${place.host}:${place.port}`,
    host: place.host,
    port: place.port,
    password: place.password ?? shared.password,
    commandTimeoutMs: shared.commandTimeoutMs,
    reconnect: shared.reconnect,
  }));
}
