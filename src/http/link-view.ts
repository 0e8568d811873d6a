// One FreeSWITCH node's event socket as the operator sees it: connected or not, since when, and why not,
// the same words on /readyz, /status, the dashboard and the metrics. The connection (src/esl/link-status.ts)
// keeps the facts; this only puts them into words.
import type { ConnectionState, LinkStatus } from '../esl/connection.js';
import type { NodeLinkSample } from '../metrics/index.js';

/** What a connection tells about itself (EslConnection; a stand-in in tests may offer only `state`). */
export interface LinkSource {
  readonly state: ConnectionState;
  status?(): LinkStatus;
}

export interface NodeLink {
  /** `host:port` of its event socket. */
  readonly id: string;
  readonly state: ConnectionState;
  readonly connected: boolean;
  /** Connected since, or down since (ISO 8601; null when the connection does not say). */
  readonly since: string | null;
  /** Whole seconds since then. */
  readonly forSeconds: number;
  /** Why it is not connected, in words (absent while connected). */
  readonly reason?: string;
}

/**
 * The problem as the operator must act on it; else the state, and how long it has lasted when `lasting`
 * (a live view shows `since` instead: its text must not change every second).
 */
export function linkReason(state: ConnectionState, status: LinkStatus | undefined, lasting = true): string {
  switch (status?.problem?.kind) {
    case 'auth-failed':
      return 'authentication failed: check eventSocket.password';
    case 'rejected':
      return 'connection rejected by the event socket ACL: allow this host in event_socket.conf.xml';
  }
  if (status === undefined || state === 'closed' || !lasting) return `event socket ${state}`;
  return `event socket ${state} (down ${Math.floor(status.forMs / 1000)} s)`;
}

export function nodeLink(id: string, source: LinkSource): NodeLink {
  const status = source.status?.();
  const state = status?.state ?? source.state;
  const connected = state === 'connected';
  return {
    id,
    state,
    connected,
    since: status === undefined ? null : new Date(status.since).toISOString(),
    forSeconds: status === undefined ? 0 : Math.floor(status.forMs / 1000),
    ...(connected ? {} : { reason: linkReason(state, status) }),
  };
}

/** The node's socket for the metrics. */
export function linkSample(source: LinkSource): NodeLinkSample {
  const status = source.status?.();
  const connected = (status?.state ?? source.state) === 'connected';
  const kind = status?.problem?.kind;
  return {
    connected,
    downSeconds: connected || status === undefined ? 0 : status.forMs / 1000,
    refused: kind === 'auth-failed' || kind === 'rejected',
  };
}
