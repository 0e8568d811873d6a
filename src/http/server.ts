// dynconf's HTTP side on http.host:http.port: health checks, the operator API, Prometheus metrics, the
// OpenAPI document and the live web dashboard. It keeps its own view of each FreeSWITCH node's rooms
// (node-side.ts) from the same event sockets the controller uses, and reads the controller's sessions when
// asked.
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Config } from '../config/index.js';
import { loadDashboardAssets } from '../dashboard/assets.js';
import {
  type FilterText,
  type HistoryRecorder,
  HistoryUnavailableError,
  parseHistoryFilter,
} from '../history/index.js';
import type { Logger } from '../log.js';
import { DynconfMetrics, followRuntimeTotals, type RuntimeTotals } from '../metrics/index.js';
import type { RoomView } from '../room-view/index.js';
import type { MemberAction, OperatorDesk, RoomAction } from '../runtime/operator/index.js';
import { ROUTES, type RouteSpec } from './api-spec.js';
import { authenticate, SESSION_COOKIE, sessionValue } from './auth.js';
import { linkReason, linkSample, nodeLink } from './link-view.js';
import { LiveHub } from './live.js';
import { NodeSide, type OperatorConnection, type OperatorNode } from './node-side.js';
import { openApiDocument } from './openapi.js';
import { type Outcome, refused } from './outcome.js';
import { validationMessage } from './validation.js';
import { activityOf, type RoomsPayload, roomsPayload, type SessionSnapshot } from './views.js';

export type { OperatorConnection, OperatorNode } from './node-side.js';

export interface OperatorApiOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** One FreeSWITCH node: its event-socket connection (the controller's). */
  readonly connection?: OperatorConnection;
  /** With `connection`: the controller's administrator sessions (Controller.sessions). */
  readonly sessions?: () => readonly SessionSnapshot[];
  /** With `connection`: the runtime's operator desk (Runtime.operator), see OperatorNode.operator. */
  readonly operator?: OperatorDesk;
  /** Several FreeSWITCH nodes (config eventSockets), instead of `connection`, `sessions` and `operator`. */
  readonly nodes?: readonly OperatorNode[];
  /** The controller's totals (Controller.stats), for /status and the PIN metrics. */
  readonly stats?: () => RuntimeTotals;
  /** The call history (GET /api/history). Default: none (the route answers 503). */
  readonly history?: HistoryRecorder;
  /** The controller's clock, for spans back from now in history queries (`24h`). Default: Date.now. */
  readonly now?: () => number;
  /** Shared with the runtime so both count into one registry. Default: a new one. */
  readonly metrics?: DynconfMetrics;
  readonly version?: string;
  /** Listen here instead of http.host / http.port (tests). */
  readonly listen?: { readonly host?: string; readonly port?: number };
}

export interface OperatorApi {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The rooms of the first node (the only one, unless eventSockets lists several). */
  readonly rooms: RoomView;
  /** Every node's rooms, by node id. */
  readonly roomsByNode: ReadonlyMap<string, RoomView>;
  readonly metrics: DynconfMetrics;
  /** Waits until every node's rooms have been read from FreeSWITCH on its current connection. */
  synced(options?: { timeoutMs?: number }): Promise<void>;
  /** Hangs up invitations still ringing, ends live streams and stops listening. */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: 'none' | 'token';
    queryToken?: boolean;
  }
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** The dashboard's files. */
const DASHBOARD_PATHS = ['/', '/index.html', '/dashboard.css', '/dashboard.js', '/favicon.svg'] as const;
/** How long a dashboard sign-in lasts. */
const SESSION_MAX_AGE_SEC = 12 * 3600;
/** How often the live view compares the administrators' states (their changes have no event of their own). */
const SESSION_POLL_MS = 400;

export async function startOperatorApi(options: OperatorApiOptions): Promise<OperatorApi> {
  const { config } = options;
  const logger = options.logger.child({ module: 'http' });
  const version = options.version ?? 'unknown';
  const startedAt = Date.now();
  const metrics = options.metrics ?? new DynconfMetrics({ logger });
  const nodeList = operatorNodes(options);

  let hub: LiveHub | undefined;
  const changed = () => hub?.changed();
  const sides = nodeList.map(
    (node) =>
      new NodeSide({
        node,
        config,
        metrics,
        logger,
        changed,
        invitationEnded: (ended) => hub?.notice({ kind: 'invitation', ...ended }),
      }),
  );
  const [first] = sides;
  if (first === undefined) throw new RangeError('startOperatorApi: no FreeSWITCH node');
  const payload = (): RoomsPayload =>
    roomsPayload(
      sides.map((side) => ({
        node: side.id,
        rooms: side.view.rooms(),
        sessions: side.sessions(),
        invitations: side.requests.pending(),
        legs: side.desk,
        synced: side.sync.synced,
        connection: side.connection.state,
        since: nodeLink(side.id, side.connection).since,
        reason: side.connection.state === 'connected' ? undefined : liveReason(side.connection),
      })),
      Date.now(),
    );
  hub = new LiveHub({ payload, logger });
  const liveHub = hub;
  /** The node that has the room, or whose session refers to it. */
  const sideFor = (room: string): NodeSide | undefined =>
    sides.find((side) => side.view.room(room) !== undefined) ??
    sides.find((side) => side.roomStatus(room) !== 'unknown');
  const allSessions = () => sides.flatMap((side) => side.sessions());
  const notReady = () => sides.filter((side) => side.connection.state !== 'connected');

  const unsubscribe: (() => void)[] = [];
  if (options.stats !== undefined) unsubscribe.push(followRuntimeTotals(options.stats, metrics));
  metrics.setSources({
    sessions: allSessions,
    rooms: () => ({
      rooms: sides.reduce((n, side) => n + side.view.size, 0),
      members: sides.reduce((n, side) => n + side.view.memberCount, 0),
    }),
    links: () => Object.fromEntries(sides.map((side) => [side.id, linkSample(side.connection)])),
  });
  // Administrators' states change inside the controller without an event of their own: compare now and then.
  let lastSessions = '';
  const sessionPoll = setInterval(() => {
    if (liveHub.clients === 0) return;
    const signature = JSON.stringify(
      allSessions().map((s) => [s.id, s.state, s.inviteeUuid, s.inviteeStatus]),
    );
    if (signature !== lastSessions) {
      lastSessions = signature;
      liveHub.changed();
    }
  }, SESSION_POLL_MS);
  sessionPoll.unref();
  for (const side of sides) side.start();

  // ---- the HTTP server ----------------------------------------------------------------------------
  const app = Fastify({
    loggerInstance: logger,
    // Request lines may carry ?token= on the live stream: never logged; failures are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    forceCloseConnections: true,
    // Strict: a body is valid as sent or refused (no 801 taken for "801", no ["801"] for "801"); path and
    // query values are text, and their schemas say so.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
  });
  const openapi = openApiDocument(version);
  const assets = loadDashboardAssets();
  if (!assets.ok) logger.warn({ reason: assets.reason }, 'dashboard not available');

  app.addHook('onRequest', async (request, reply) => {
    const routeConfig = request.routeOptions.config;
    if (routeConfig.auth !== 'token') return;
    const auth = authenticate(config.http.token, {
      headers: request.headers,
      queryToken: routeConfig.queryToken ? queryToken(request) : undefined,
    });
    if (!auth.ok) {
      if (auth.status === 401) reply.header('www-authenticate', 'Bearer realm="dynconf"');
      return reply.code(auth.status).send({ error: auth.message });
    }
    // A browser request from another site must not ride on the dashboard's cookie.
    if (request.method !== 'GET' && !sameOrigin(request)) {
      return reply.code(403).send({ error: 'cross-site request refused' });
    }
  });
  app.addHook('onSend', async (_request, reply, body) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return body;
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: validationMessage(error.validation, error.validationContext) });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error: error.message });
    logger.error({ err: error, method: request.method, route: request.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: 'internal error (logged)' });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A known path asked with another method: 405, and which methods it has.
    const allowed = methodsOf(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: `method ${request.method} not allowed on ${path} (allowed: ${allowed.join(', ')})` });
    }
    return reply.code(404).send({ error: `no such route: ${request.method} ${path}` });
  });

  const route = (spec: RouteSpec, handler: (request: FastifyRequest, reply: FastifyReply) => unknown) => {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { auth: spec.auth, queryToken: spec.url === ROUTES.events.url },
      schema: {
        ...(spec.params === undefined ? {} : { params: spec.params }),
        ...(spec.querystring === undefined ? {} : { querystring: spec.querystring }),
        ...(spec.body === undefined ? {} : { body: spec.body }),
      },
      handler: async (request, reply) => handler(request, reply),
    });
  };
  const answer = <T>(reply: FastifyReply, outcome: Outcome<T>) =>
    outcome.ok
      ? reply.code(outcome.status).send(outcome.value)
      : reply
          .code(outcome.status)
          .send(
            outcome.detail === undefined
              ? { error: outcome.error }
              : { error: outcome.error, detail: outcome.detail },
          );

  route(ROUTES.healthz, () => ({ status: 'ok' }));
  route(ROUTES.readyz, (_request, reply) => {
    const nodes = sides.map((side) => nodeLink(side.id, side.connection));
    const down = nodes.filter((node) => !node.connected);
    if (down.length === 0) return { status: 'ready', nodes };
    const reason = down.map((node) => `${sides.length > 1 ? `${node.id} ` : ''}${node.reason}`).join(', ');
    return reply.code(503).send({ status: 'not ready', reason, nodes });
  });
  route(ROUTES.status, () => {
    const byActivity: Record<string, number> = {};
    for (const s of sides.flatMap((side) => side.activeSessions())) {
      const activity = activityOf(s.state);
      byActivity[activity] = (byActivity[activity] ?? 0) + 1;
    }
    const nodes = sides.map((side) => {
      const [host = '', port = ''] = splitHostPort(side.id);
      return {
        ...nodeLink(side.id, side.connection),
        host,
        port: Number(port),
        reconnects: side.connection.reconnects ?? 0,
      };
    });
    const worst = nodes.find((n) => n.state !== 'connected') ?? nodes[0];
    return {
      name: 'dynconf',
      version,
      node: process.version,
      startedAt: new Date(startedAt).toISOString(),
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      ready: notReady().length === 0,
      eventSocket: worst,
      nodes,
      rooms: sides.reduce((n, side) => n + side.view.size, 0),
      members: sides.reduce((n, side) => n + side.view.memberCount, 0),
      administrators: byActivity,
      invitationsCalling: sides.reduce((n, side) => n + side.requests.pending().length, 0),
      counters: countersOf(options.stats?.()),
      history: options.history?.stats() ?? null,
    };
  });
  route(ROUTES.metrics, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.text()),
  );
  route(ROUTES.openapi, () => openapi);
  route(ROUTES.listRooms, () => payload());
  route(ROUTES.getRoom, (request, reply) => {
    const { room } = request.params as { room: string };
    const found = payload().rooms.find((r) => r.name === room);
    return found ?? reply.code(404).send({ error: `no room named ${room}` });
  });
  const noRoom = (room: string): Outcome<never> => refused(404, `no room named ${room}`);
  route(ROUTES.invite, async (request, reply) => {
    const { room } = request.params as { room: string };
    const { number } = request.body as { number: string };
    const side = sideFor(room);
    return answer(reply, side === undefined ? noRoom(room) : await side.requests.invite(room, number));
  });
  const memberRoute = (spec: RouteSpec, action: MemberAction) =>
    route(spec, async (request, reply) => {
      const { room, id } = request.params as { room: string; id: string };
      const side = sideFor(room);
      return answer(
        reply,
        side === undefined ? noRoom(room) : await side.requests.member(room, Number(id), action),
      );
    });
  memberRoute(ROUTES.muteMember, 'mute');
  memberRoute(ROUTES.unmuteMember, 'unmute');
  memberRoute(ROUTES.kickMember, 'kick');
  const roomRoute = (spec: RouteSpec, action: RoomAction) =>
    route(spec, async (request, reply) => {
      const { room } = request.params as { room: string };
      const side = sideFor(room);
      return answer(reply, side === undefined ? noRoom(room) : await side.requests.room(room, action));
    });
  roomRoute(ROUTES.lockRoom, 'lock');
  roomRoute(ROUTES.unlockRoom, 'unlock');
  roomRoute(ROUTES.endRoom, 'end');
  roomRoute(ROUTES.muteAll, 'mute-all');
  roomRoute(ROUTES.unmuteAll, 'unmute-all');
  route(ROUTES.cancelInvitation, (request, reply) => {
    const { room, uuid } = request.params as { room: string; uuid: string };
    const side = sides.find((s) => s.requests.pending().some((i) => i.uuid === uuid)) ?? sideFor(room);
    return answer(reply, side === undefined ? noRoom(room) : side.requests.cancelInvitation(room, uuid));
  });
  route(ROUTES.returnAdministrator, (request, reply) => {
    const { room, uuid } = request.params as { room: string; uuid: string };
    const side = sides.find((s) => s.sessions().some((session) => session.adminUuid === uuid));
    return answer(
      reply,
      side === undefined
        ? refused(404, `no administrator ${uuid}`)
        : side.requests.returnAdministrator(room, uuid),
    );
  });
  route(ROUTES.history, async (request, reply) => {
    const parsed = parseHistoryFilter(request.query as FilterText, (options.now ?? Date.now)());
    if (!parsed.ok) return reply.code(400).send({ error: `${parsed.field}: ${parsed.message}` });
    if (options.history === undefined)
      return reply.code(503).send({ error: 'the call history is not kept by this process' });
    try {
      return await options.history.query(parsed.filter);
    } catch (err) {
      if (err instanceof HistoryUnavailableError) return reply.code(503).send({ error: err.message });
      throw err;
    }
  });
  route(ROUTES.events, (_request, reply) => {
    if (liveHub.full) return reply.code(503).send({ error: 'too many live clients' });
    reply.hijack();
    liveHub.attach(withSecurityHeaders(reply.raw));
    return undefined;
  });
  route(ROUTES.signIn, (request, reply) => {
    const { token } = request.body as { token: string };
    const auth = authenticate(config.http.token, { headers: { authorization: `Bearer ${token}` } });
    if (!auth.ok)
      return reply.code(auth.status).send({ error: auth.status === 401 ? 'wrong token' : auth.message });
    if (!sameOrigin(request)) return reply.code(403).send({ error: 'cross-site request refused' });
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${sessionValue(config.http.token ?? '')}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_SEC}${secure}`,
    );
    return reply.code(204).send();
  });
  route(ROUTES.signOut, (_request, reply) => {
    reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return reply.code(204).send();
  });
  for (const path of DASHBOARD_PATHS) {
    app.get(path, { config: { auth: 'none' } }, async (request, reply) => {
      if (!assets.ok) return reply.code(503).type('text/plain; charset=utf-8').send(`${assets.reason}\n`);
      const asset = assets.assets.get(path === '/index.html' ? '/' : path);
      if (asset === undefined) return reply.code(404).send({ error: 'not found' });
      reply.header('etag', asset.etag).header('cache-control', 'no-cache');
      if (asset.contentType.startsWith('text/html')) reply.header('content-security-policy', PAGE_POLICY);
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.type(asset.contentType).send(asset.body);
    });
  }
  app.get('/favicon.ico', { config: { auth: 'none' } }, (_request, reply) =>
    reply.redirect('/favicon.svg', 301),
  );

  const host = options.listen?.host ?? config.http.host;
  const port = options.listen?.port ?? config.http.port;
  const stopSides = async () => {
    clearInterval(sessionPoll);
    await Promise.all(sides.map((side) => side.close()));
    for (const off of unsubscribe) off();
  };
  try {
    await app.listen({ host, port });
  } catch (err) {
    await stopSides();
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? 'address in use' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new Error(`operator API cannot listen on ${host}:${port}: ${why}`);
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const boundHost = typeof address === 'object' && address !== null ? address.address : host;
  const urlHost = boundHost.includes(':') ? `[${boundHost}]` : boundHost;
  logger.info(
    {
      host: boundHost,
      port: boundPort,
      nodes: sides.map((side) => side.id),
      api: config.http.token !== undefined,
      dashboard: assets.ok,
    },
    config.http.token === undefined
      ? 'health endpoints listening (set http.token to switch on the operator API and dashboard)'
      : 'operator API, metrics and dashboard listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${boundPort}`,
    host: boundHost,
    port: boundPort,
    rooms: first.view,
    roomsByNode: new Map(sides.map((side) => [side.id, side.view])),
    metrics,
    synced: ({ timeoutMs = 10_000 } = {}) =>
      Promise.all(sides.map((side) => waitSynced(side, timeoutMs))).then(() => undefined),
    close() {
      closing ??= (async () => {
        // Invitations still ringing are hung up first, while the event sockets are there.
        await stopSides();
        liveHub.close();
        await app.close();
      })();
      return closing;
    },
  };

  function sameOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
}

/** The hijacked live stream does not pass through onSend: give it the same headers. */
function withSecurityHeaders(response: ServerResponse): ServerResponse {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  return response;
}

function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

/** The whole-number totals of the runtime, for /status (nested objects flattened one level). */
function countersOf(stats: object | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (stats === undefined) return out;
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value === 'number') out[key] = value;
    else if (typeof value === 'object' && value !== null) {
      for (const [inner, n] of Object.entries(value)) if (typeof n === 'number') out[`${key}.${inner}`] = n;
    }
  }
  return out;
}

/** The nodes of the options: `nodes`, or the one `connection` (named after eventSocket.host:port). */
function operatorNodes(options: OperatorApiOptions): readonly OperatorNode[] {
  if (options.nodes !== undefined) return options.nodes;
  if (options.connection === undefined) throw new TypeError('startOperatorApi: give a connection or nodes');
  const { host, port } = options.config.eventSocket;
  return [
    {
      id: `${host}:${port}`,
      connection: options.connection,
      ...(options.sessions === undefined ? {} : { sessions: options.sessions }),
      ...(options.operator === undefined ? {} : { operator: options.operator }),
    },
  ];
}

/** `host:port`, `[::1]:8021` → host and port. */
function splitHostPort(id: string): [string, string] {
  const colon = id.lastIndexOf(':');
  return colon < 0 ? [id, ''] : [id.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), id.slice(colon + 1)];
}

function waitSynced(side: NodeSide, timeoutMs: number): Promise<void> {
  const sync = side.sync;
  if (sync.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`rooms of ${side.id} not read from FreeSWITCH within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = sync.onSyncChange((synced) => {
      if (!synced) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Why a node is not connected, without a duration: the live view shows `since` beside it. */
function liveReason(connection: OperatorConnection): string {
  return linkReason(connection.state, connection.status?.(), false);
}

/** Every route's path as a pattern, with its methods (the API's, the dashboard's files). */
const KNOWN_PATHS: readonly { readonly pattern: RegExp; readonly methods: readonly string[] }[] = (() => {
  const byUrl = new Map<string, Set<string>>();
  const add = (url: string, method: string) => {
    const methods = byUrl.get(url) ?? new Set<string>();
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
    byUrl.set(url, methods);
  };
  for (const spec of Object.values(ROUTES)) add(spec.url, spec.method);
  for (const path of DASHBOARD_PATHS) add(path, 'GET');
  add('/favicon.ico', 'GET');
  return [...byUrl].map(([url, methods]) => ({
    pattern: new RegExp(`^${url.replace(/[.]/g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
    methods: [...methods].sort(),
  }));
})();

/** The methods a path has (none: no such path). */
function methodsOf(path: string): readonly string[] {
  return KNOWN_PATHS.find((known) => known.pattern.test(path))?.methods ?? [];
}
