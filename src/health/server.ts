// The health endpoints: GET /healthz (the process is up) and GET /readyz (dynconf can serve calls, i.e.
// its event socket to FreeSWITCH is connected). Plain node:http, no authentication and nothing secret in
// the answers, so a container runtime, a load balancer or `curl` can ask without a token.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';

/** What the readiness check reports: a flag, or a flag with the reason it is not ready. */
export type Readiness = boolean | { readonly ready: boolean; readonly reason?: string };

export interface HealthServerOptions {
  /** TCP port; 0 picks a free one (read it back from `server.port`). */
  readonly port: number;
  /** Listen address. Default 127.0.0.1. */
  readonly host?: string;
  /** Called on every GET /readyz; must be cheap and must not throw (a throw counts as not ready). */
  readonly isReady: () => Readiness;
  readonly logger?: Logger;
}

export interface HealthServer {
  readonly host: string;
  readonly port: number;
  /** e.g. `http://127.0.0.1:8088` */
  readonly url: string;
  close(): Promise<void>;
}

export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz' } as const;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

function readiness(isReady: () => Readiness): { ready: boolean; reason?: string } {
  try {
    const value = isReady();
    if (typeof value === 'boolean') return { ready: value };
    return value.reason === undefined ? { ready: value.ready } : { ready: value.ready, reason: value.reason };
  } catch (err) {
    return {
      ready: false,
      reason: `readiness check failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

function answer(request: IncomingMessage, isReady: () => Readiness): Answer {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== HEALTH_PATHS.live && path !== HEALTH_PATHS.ready) {
    return { status: 404, body: { error: 'not found', paths: Object.values(HEALTH_PATHS) } };
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'GET, HEAD' } };
  }
  if (path === HEALTH_PATHS.live) return { status: 200, body: { status: 'ok' } };
  const state = readiness(isReady);
  if (state.ready) return { status: 200, body: { status: 'ready' } };
  return {
    status: 503,
    body: { status: 'not ready', ...(state.reason === undefined ? {} : { reason: state.reason }) },
  };
}

function respond(request: IncomingMessage, response: ServerResponse, result: Answer): void {
  const text = `${JSON.stringify(result.body)}\n`;
  response.writeHead(result.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...result.headers,
  });
  response.end(request.method === 'HEAD' ? undefined : text);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const why =
        err.code === 'EADDRINUSE'
          ? 'address in use'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
      reject(new Error(`health endpoint cannot listen on ${host}:${port}: ${why}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts the health endpoints; rejects with a message naming the address when it cannot listen. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new RangeError(`health endpoint port must be an integer from 0 to 65535, got ${options.port}`);
  }
  const server = createServer((request, response) => {
    // The request body is never read: drain it so the connection can be reused.
    request.resume();
    respond(request, response, answer(request, options.isReady));
  });
  // Health checks are one-shot requests; do not keep idle sockets around.
  server.keepAliveTimeout = 1000;
  const address = await listen(server, options.port, host);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  options.logger?.info({ host: address.address, port: address.port }, 'health endpoints listening');
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
