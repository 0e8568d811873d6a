// Every route of the operator API with its JSON schemas: fastify validates requests with them, and
// openapi.ts publishes the same objects as the OpenAPI 3 document, so the two cannot drift apart.

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ResponseSpec {
  readonly description: string;
  /** A schema, or a `$ref` into components.schemas. */
  readonly schema?: JsonSchema;
  /** Default `application/json`. */
  readonly contentType?: string;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** fastify syntax: `/api/rooms/:room`. */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'health' | 'rooms' | 'history' | 'operations' | 'dashboard';
  /** `token`: bearer token (or the dashboard's cookie) required. */
  readonly auth: 'none' | 'token';
  readonly params?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly body?: JsonSchema;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Room names as FreeSWITCH commands accept them (esl/escape.ts: checkRoomOrProfile). */
export const ROOM_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';
/** Dialed numbers as the routing rules accept them (routing.ts: isDialableNumber). */
export const NUMBER_PATTERN = '^\\+?[0-9*#]{1,32}$';

/** A Member-ID: 0 to 2147483647, no sign, no leading zero. */
export const MEMBER_ID_PATTERN =
  '^(0|[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])$';

const roomParam: JsonSchema = {
  type: 'string',
  pattern: ROOM_PATTERN,
  description: 'Room (conference) name',
};

const roomParams: JsonSchema = {
  type: 'object',
  required: ['room'],
  properties: { room: roomParam },
};

const memberParams: JsonSchema = {
  type: 'object',
  required: ['room', 'id'],
  properties: {
    room: roomParam,
    // A path holds text: digits only, checked without turning anything else into a number.
    id: { type: 'string', pattern: MEMBER_ID_PATTERN, description: "The member's Member-ID (digits)" },
  },
};

const errors = (...codes: number[]): Record<number, ResponseSpec> => {
  const text: Record<number, string> = {
    400: 'Bad request: a parameter or the body is invalid (the message names it)',
    401: 'Missing or wrong credentials',
    403: 'Refused (operator API switched off, or the number is not allowed by the routing rules)',
    404: 'No such room or member',
    409: 'The room is locked, or (invite) the number is already ringing into or in that room',
    429: 'Too many calls ringing into this room',
    502: 'FreeSWITCH refused the command',
    503: 'FreeSWITCH is not connected',
    504: 'FreeSWITCH did not answer in time',
  };
  return Object.fromEntries(
    codes.map((code) => [code, { description: text[code] ?? 'Error', schema: ref('Error') }]),
  );
};

export const COMPONENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string', description: 'What went wrong, in words' },
      detail: { type: 'string', description: "FreeSWITCH's own reply, when there is one" },
    },
  },
  Member: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'Member-ID (what mute/unmute/kick take)' },
      uuid: { type: ['string', 'null'], description: "The member's channel uuid" },
      number: {
        type: ['string', 'null'],
        description: 'Caller ID of an inbound call, dialed number of a call placed by FreeSWITCH',
      },
      name: { type: ['string', 'null'] },
      administrator: { type: 'boolean', description: "The room's administrator" },
      moderator: { type: 'boolean' },
      talking: { type: 'boolean' },
      muted: { type: 'boolean' },
      deaf: { type: 'boolean' },
      floor: { type: 'boolean' },
      joinedAt: { type: 'string', format: 'date-time' },
    },
  },
  Administrator: {
    type: 'object',
    properties: {
      session: { type: 'string' },
      flow: {
        type: 'string',
        enum: ['access', 'escalation'],
        description: 'Dialed the access number, or *0 in a call',
      },
      uuid: { type: 'string', description: "The administrator's channel uuid" },
      number: { type: ['string', 'null'] },
      name: { type: ['string', 'null'] },
      activity: {
        type: 'string',
        enum: ['in-room', 'dialing', 'ringing', 'talking-privately', 'voicemail', 'restoring-call'],
      },
      state: { type: 'string', description: "The session machine's state" },
      inRoom: { type: 'boolean' },
      invitee: {
        type: ['object', 'null'],
        description: 'Who the administrator is calling or talking to privately',
        properties: {
          uuid: { type: 'string' },
          number: { type: ['string', 'null'] },
          status: { type: ['string', 'null'] },
        },
      },
      since: { type: 'string', format: 'date-time' },
    },
  },
  Invitation: {
    type: 'object',
    properties: {
      uuid: { type: 'string', description: 'The invited leg (our origination uuid)' },
      number: { type: 'string' },
      state: { type: 'string', enum: ['calling'] },
      startedAt: { type: 'string', format: 'date-time' },
    },
  },
  Room: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      node: {
        type: 'string',
        description: 'The FreeSWITCH node (host:port of its event socket) the room is on',
      },
      live: {
        type: 'boolean',
        description: 'FreeSWITCH has the room now (false: only an administrator session refers to it)',
      },
      locked: { type: 'boolean' },
      profile: { type: ['string', 'null'] },
      createdAt: { type: ['string', 'null'], format: 'date-time' },
      memberCount: { type: 'integer' },
      members: { type: 'array', items: ref('Member') },
      administrators: { type: 'array', items: ref('Administrator') },
      invitations: { type: 'array', items: ref('Invitation') },
    },
  },
  Rooms: {
    type: 'object',
    properties: {
      synced: { type: 'boolean', description: "Every node's rooms were read on its current connection" },
      connection: {
        type: 'string',
        enum: ['connecting', 'connected', 'reconnecting', 'closed'],
        description: '`connected` when every node is, else the state of the first node that is not',
      },
      nodes: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            connection: { type: 'string' },
            synced: { type: 'boolean' },
            since: {
              type: ['string', 'null'],
              format: 'date-time',
              description: 'Connected since, or down since',
            },
            reason: { type: 'string', description: 'Why the node is not connected (absent while it is)' },
          },
        },
      },
      generatedAt: { type: 'string', format: 'date-time' },
      rooms: { type: 'array', items: ref('Room') },
    },
  },
  ControlResult: {
    type: 'object',
    properties: {
      room: { type: 'string' },
      action: { type: 'string' },
      member: { type: 'integer' },
      reply: { type: 'string', description: "FreeSWITCH's reply" },
    },
  },
  InvitationResult: {
    type: 'object',
    properties: {
      uuid: { type: 'string' },
      room: { type: 'string' },
      number: { type: 'string' },
      state: { type: 'string', enum: ['calling'] },
      rule: { type: 'string', description: 'The routing rule that allowed the number' },
    },
  },
  NodeLink: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'host:port of its event socket' },
      state: { type: 'string', enum: ['connecting', 'connected', 'reconnecting', 'closed'] },
      connected: { type: 'boolean' },
      since: {
        type: ['string', 'null'],
        format: 'date-time',
        description: 'Connected since, or down since (since the start, before the first connection)',
      },
      forSeconds: { type: 'integer', description: 'Whole seconds since `since`' },
      reason: {
        type: 'string',
        description:
          'Why it is not connected (absent while it is): `authentication failed: check eventSocket.password`, an ACL rejection, or `event socket reconnecting (down N s)`',
      },
    },
  },
  Node: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'host:port of its event socket' },
      state: { type: 'string', enum: ['connecting', 'connected', 'reconnecting', 'closed'] },
      connected: { type: 'boolean' },
      since: { type: ['string', 'null'], format: 'date-time', description: 'Connected since, or down since' },
      forSeconds: { type: 'integer', description: 'Whole seconds since `since`' },
      reason: { type: 'string', description: 'Why it is not connected (absent while it is)' },
      host: { type: 'string' },
      port: { type: 'integer' },
      reconnects: { type: 'integer' },
    },
  },
  HistoryPage: {
    type: 'object',
    description:
      'Administrator sessions, newest first, each with its invitations (keypad and operator), as the call ' +
      'history keeps them. Times ISO 8601 UTC, durations in ms, null where not known.',
    properties: {
      sessions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            flow: { enum: ['access', 'escalation'] },
            callerNumber: { type: ['string', 'null'] },
            callerName: { type: ['string', 'null'] },
            tenant: { type: ['string', 'null'] },
            node: { type: ['string', 'null'] },
            room: { type: 'string' },
            startedAt: { type: 'string' },
            endedAt: { type: ['string', 'null'] },
            outcome: { type: ['string', 'null'] },
            durationMs: { type: ['integer', 'null'] },
            invitations: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  source: { enum: ['keypad', 'operator'] },
                  number: { type: 'string' },
                  route: { type: ['string', 'null'] },
                  startedAt: { type: 'string' },
                  answeredAt: { type: ['string', 'null'] },
                  joinedAt: { type: ['string', 'null'] },
                  endedAt: { type: ['string', 'null'] },
                  outcome: { type: ['string', 'null'] },
                  cause: { type: ['string', 'null'] },
                  refused: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
      next: { type: ['string', 'null'], description: 'Pass as `cursor` for the next (older) page' },
    },
  },
  Status: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      version: { type: 'string' },
      node: { type: 'string' },
      startedAt: { type: 'string', format: 'date-time' },
      uptimeSeconds: { type: 'integer' },
      ready: { type: 'boolean' },
      eventSocket: {
        ...ref('Node'),
        description: 'The first node that is not connected, else the first node',
      },
      nodes: { type: 'array', items: ref('Node') },
      rooms: { type: 'integer' },
      members: { type: 'integer' },
      administrators: {
        type: 'object',
        additionalProperties: { type: 'integer' },
        description: 'Sessions by activity',
      },
      invitationsCalling: { type: 'integer' },
      counters: { type: 'object', additionalProperties: { type: 'integer' } },
      history: {
        type: ['object', 'null'],
        description:
          'The call history: file, records written, queued and dropped, write failures by kind (a full or ' +
          'read-only disk is counted here and logged, never fatal); null when this process keeps none',
      },
    },
  },
};

/** A call leg's uuid, as FreeSWITCH and dynconf make them. */
const uuidParam: JsonSchema = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
};

const legParams = (description: string): JsonSchema => ({
  type: 'object',
  required: ['room', 'uuid'],
  properties: { room: roomParam, uuid: { ...uuidParam, description } },
});

const legResult = (description: string): Record<number, ResponseSpec> => ({
  202: {
    description,
    schema: {
      type: 'object',
      properties: { uuid: { type: 'string' }, room: { type: 'string' } },
    },
  },
  ...errors(400, 401, 403, 404, 409, 503),
});

const controlResponses = (what: string): Record<number, ResponseSpec> => ({
  200: { description: what, schema: ref('ControlResult') },
  ...errors(400, 401, 403, 404, 502, 503, 504),
});

export const ROUTES = {
  healthz: {
    method: 'GET',
    url: '/healthz',
    operationId: 'healthz',
    summary: 'Liveness: the process answers',
    tag: 'health',
    auth: 'none',
    responses: {
      200: { description: 'Up', schema: { type: 'object', properties: { status: { const: 'ok' } } } },
    },
  },
  readyz: {
    method: 'GET',
    url: '/readyz',
    operationId: 'readyz',
    summary: 'Readiness: the event socket to FreeSWITCH is connected',
    description: 'Each node: connected or not, since when, and why not.',
    tag: 'health',
    auth: 'none',
    responses: {
      200: {
        description: 'Ready',
        schema: {
          type: 'object',
          properties: { status: { const: 'ready' }, nodes: { type: 'array', items: ref('NodeLink') } },
        },
      },
      503: {
        description: 'Not connected to FreeSWITCH',
        schema: {
          type: 'object',
          properties: {
            status: { const: 'not ready' },
            reason: { type: 'string' },
            nodes: { type: 'array', items: ref('NodeLink') },
          },
        },
      },
    },
  },
  status: {
    method: 'GET',
    url: '/status',
    operationId: 'status',
    summary: 'Version, uptime, connection and counts (what `dynconf status` shows)',
    tag: 'operations',
    auth: 'token',
    responses: { 200: { description: 'Status', schema: ref('Status') }, ...errors(401, 403) },
  },
  metrics: {
    method: 'GET',
    url: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: 'token',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        contentType: 'text/plain',
        schema: { type: 'string' },
      },
      ...errors(401, 403),
    },
  },
  openapi: {
    method: 'GET',
    url: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: { type: 'object' } } },
  },
  listRooms: {
    method: 'GET',
    url: '/api/rooms',
    operationId: 'listRooms',
    summary: "Rooms with their members, and each administrator's current state",
    tag: 'rooms',
    auth: 'token',
    responses: { 200: { description: 'Rooms', schema: ref('Rooms') }, ...errors(401, 403) },
  },
  getRoom: {
    method: 'GET',
    url: '/api/rooms/:room',
    operationId: 'getRoom',
    summary: 'One room',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    responses: { 200: { description: 'The room', schema: ref('Room') }, ...errors(400, 401, 403, 404) },
  },
  invite: {
    method: 'POST',
    url: '/api/rooms/:room/invite',
    operationId: 'invite',
    summary: 'Call a number straight into the room',
    description:
      'The number goes through the routing and allow rules, like a number an administrator dials. The call is ' +
      'placed at once and the request returns; when it is answered the person joins the room as a member. ' +
      'How it ended is sent on /api/events as a notice and counted in dynconf_invitations_total{source="api"}.',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    body: {
      type: 'object',
      required: ['number'],
      additionalProperties: false,
      properties: {
        number: {
          type: 'string',
          pattern: NUMBER_PATTERN,
          description: 'Digits to dial, e.g. 801 or +33612345678',
        },
      },
    },
    responses: {
      202: { description: 'Calling', schema: ref('InvitationResult') },
      ...errors(400, 401, 403, 404, 409, 429, 503),
    },
  },
  muteMember: {
    method: 'POST',
    url: '/api/rooms/:room/members/:id/mute',
    operationId: 'muteMember',
    summary: 'Mute a member',
    tag: 'rooms',
    auth: 'token',
    params: memberParams,
    responses: controlResponses('Muted'),
  },
  unmuteMember: {
    method: 'POST',
    url: '/api/rooms/:room/members/:id/unmute',
    operationId: 'unmuteMember',
    summary: 'Unmute a member',
    tag: 'rooms',
    auth: 'token',
    params: memberParams,
    responses: controlResponses('Unmuted'),
  },
  kickMember: {
    method: 'POST',
    url: '/api/rooms/:room/members/:id/kick',
    operationId: 'kickMember',
    summary: 'Remove a member from the room (their call ends)',
    tag: 'rooms',
    auth: 'token',
    params: memberParams,
    responses: controlResponses('Removed'),
  },
  lockRoom: {
    method: 'POST',
    url: '/api/rooms/:room/lock',
    operationId: 'lockRoom',
    summary: 'Lock the room: nobody new can join (the administrator still can)',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    responses: controlResponses('Locked'),
  },
  unlockRoom: {
    method: 'POST',
    url: '/api/rooms/:room/unlock',
    operationId: 'unlockRoom',
    summary: 'Unlock the room',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    responses: controlResponses('Unlocked'),
  },
  endRoom: {
    method: 'POST',
    url: '/api/rooms/:room/end',
    operationId: 'endRoom',
    summary: 'End the room: hang up every member',
    description:
      'An administrator who is away from the room at that moment (dialing, or talking privately) is not a ' +
      'member and stays on the line.',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    responses: controlResponses('Ended'),
  },
  muteAll: {
    method: 'POST',
    url: '/api/rooms/:room/mute-all',
    operationId: 'muteAll',
    summary: 'Mute every member but the moderators (the administrator keeps the floor)',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    responses: controlResponses('Muted'),
  },
  unmuteAll: {
    method: 'POST',
    url: '/api/rooms/:room/unmute-all',
    operationId: 'unmuteAll',
    summary: 'Unmute every member but the moderators',
    tag: 'rooms',
    auth: 'token',
    params: roomParams,
    responses: controlResponses('Unmuted'),
  },
  cancelInvitation: {
    method: 'DELETE',
    url: '/api/rooms/:room/invitations/:uuid',
    operationId: 'cancelInvitation',
    summary: 'Hang up an invitation still ringing (one the operator placed)',
    description: 'How it ended (`cancelled`) comes on /api/events as a notice.',
    tag: 'rooms',
    auth: 'token',
    params: legParams("The invitation's uuid (as GET /api/rooms lists it)"),
    responses: legResult('Being hung up'),
  },
  returnAdministrator: {
    method: 'POST',
    url: '/api/rooms/:room/administrators/:uuid/return',
    operationId: 'returnAdministrator',
    summary: 'Send the administrator back to the room, as if they pressed *#',
    description:
      'Only while they are calling someone or talking privately (409 otherwise): the call they placed is ' +
      'hung up and they are back in the room.',
    tag: 'rooms',
    auth: 'token',
    params: legParams("The administrator's leg uuid (as GET /api/rooms lists it)"),
    responses: legResult('Going back to the room'),
  },
  history: {
    method: 'GET',
    url: '/api/history',
    operationId: 'history',
    summary: 'Call history: who called which numbers through dynconf, when, and how each call ended',
    description:
      'Times: ISO 8601, epoch ms, or a span back from now (`30m`, `24h`, `7d`). `caller` and `number` match ' +
      'exactly, or by prefix with a trailing `*`. `outcome`: comma-separated session or invitation outcomes, ' +
      '`refused` or `open`. 503 when the history is switched off or its file cannot be read.',
    tag: 'history',
    auth: 'token',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: { type: 'string', maxLength: 64 },
        to: { type: 'string', maxLength: 64 },
        caller: { type: 'string', maxLength: 64 },
        number: { type: 'string', maxLength: 64 },
        outcome: { type: 'string', maxLength: 256 },
        tenant: { type: 'string', maxLength: 128 },
        flow: { type: 'string', maxLength: 16 },
        limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
        cursor: { type: 'string', maxLength: 128 },
      },
    },
    responses: {
      200: { description: 'One page', schema: ref('HistoryPage') },
      ...errors(400, 401, 403),
      503: { description: 'The history is switched off or cannot be read', schema: ref('Error') },
    },
  },
  events: {
    method: 'GET',
    url: '/api/events',
    operationId: 'events',
    summary: 'Live updates (server-sent events)',
    description:
      'Event `rooms`: the same JSON as GET /api/rooms, on connect and after every change. Event `notice`: ' +
      'e.g. `{"kind":"invitation","outcome":"busy",…}`. Browsers authenticate with the dashboard cookie; ' +
      'other clients may pass `?token=`.',
    tag: 'dashboard',
    auth: 'token',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { token: { type: 'string', maxLength: 1024 } },
    },
    responses: {
      200: { description: 'text/event-stream', contentType: 'text/event-stream', schema: { type: 'string' } },
      ...errors(401, 403),
      503: { description: 'Too many live clients', schema: ref('Error') },
    },
  },
  signIn: {
    method: 'POST',
    url: '/api/session',
    operationId: 'signIn',
    summary: 'Dashboard sign-in: trade the token for a session cookie',
    tag: 'dashboard',
    auth: 'none',
    body: {
      type: 'object',
      required: ['token'],
      additionalProperties: false,
      properties: { token: { type: 'string', minLength: 1, maxLength: 1024 } },
    },
    responses: {
      204: { description: 'Signed in: an HttpOnly, SameSite=Strict cookie is set' },
      ...errors(400, 401, 403),
    },
  },
  signOut: {
    method: 'DELETE',
    url: '/api/session',
    operationId: 'signOut',
    summary: 'Dashboard sign-out: clears the session cookie',
    tag: 'dashboard',
    auth: 'none',
    responses: { 204: { description: 'Signed out' } },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
