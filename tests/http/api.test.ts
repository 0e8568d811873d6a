// The operator API over HTTP against the FreeSWITCH simulator: health, credentials, the rooms picture,
// room and member controls (checked in the simulator), invitations through the routing rules, validation,
// the live stream, the OpenAPI document, metrics, and a dropped event socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EslConnection } from '../../src/esl/connection.js';
import { SESSION_COOKIE, sameSecret } from '../../src/http/auth.js';
import type { RoomsPayload } from '../../src/http/views.js';
import { EventStream, json, type Rig, startRig, TOKEN } from './support.js';

describe('operator API', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.close();
  });

  describe('health and credentials', () => {
    it('answers the health checks without a token', async () => {
      const live = await rig.get('/healthz', { token: null });
      expect(live.status).toBe(200);
      expect(await json(live)).toEqual({ status: 'ok' });
      const ready = await rig.get('/readyz', { token: null });
      expect(ready.status).toBe(200);
      // Each node: connected, since when (on the event socket's clock), for how long.
      expect(await json(ready)).toEqual({
        status: 'ready',
        nodes: [
          {
            id: `127.0.0.1:${rig.sim.port}`,
            state: 'connected',
            connected: true,
            since: new Date((rig.connection as EslConnection).status().since).toISOString(),
            forSeconds: Math.floor((rig.connection as EslConnection).status().forMs / 1000),
          },
        ],
      });
    });

    it('refuses every other route without the right token', async () => {
      for (const path of [
        '/api/rooms',
        '/status',
        '/metrics',
        '/api/events',
        '/api/rooms/room-a',
        '/api/history',
      ]) {
        const missing = await rig.get(path, { token: null });
        expect(missing.status, path).toBe(401);
        expect(missing.headers.get('www-authenticate'), path).toContain('Bearer');
        expect((await json(missing)).error, path).toMatch(/missing credentials/);
        const wrong = await rig.get(path, { token: `${TOKEN}x` });
        expect(wrong.status, path).toBe(401);
        await wrong.body?.cancel();
      }
      const post = await rig.post('/api/rooms/room-a/lock', undefined, { token: 'nope' });
      expect(post.status).toBe(401);
      const right = await rig.get('/api/rooms');
      expect(right.status).toBe(200);
    });

    it('compares secrets in full whatever their lengths', () => {
      expect(sameSecret(TOKEN, TOKEN)).toBe(true);
      expect(sameSecret(TOKEN, TOKEN.slice(0, -1))).toBe(false);
      expect(sameSecret(TOKEN, `${TOKEN}0`)).toBe(false);
      expect(sameSecret(TOKEN, '')).toBe(false);
    });

    it('signs a browser in with a cookie that is not the token, and out again', async () => {
      const wrong = await fetch(`${rig.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'not-the-token' }),
      });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${rig.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: TOKEN }),
      });
      expect(ok.status).toBe(204);
      const setCookie = ok.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Strict');
      expect(setCookie).not.toContain(TOKEN);
      const cookie = setCookie.split(';')[0] as string;
      const withCookie = await rig.get('/api/rooms', { token: null, headers: { cookie } });
      expect(withCookie.status).toBe(200);
      // Another site's page cannot use the cookie to act.
      const crossSite = await rig.post('/api/rooms/room-a/lock', undefined, {
        token: null,
        headers: { cookie, origin: 'https://evil.example' },
      });
      expect(crossSite.status).toBe(403);
      const forged = await rig.get('/api/rooms', {
        token: null,
        headers: { cookie: `${SESSION_COOKIE}=forged` },
      });
      expect(forged.status).toBe(401);
      const out = await fetch(`${rig.url}/api/session`, { method: 'DELETE', headers: { cookie } });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    });

    it('serves the dashboard page with a strict content security policy, without a token', async () => {
      const page = await rig.get('/', { token: null });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<script src="/dashboard.js" defer></script>');
      const script = await rig.get('/dashboard.js', { token: null });
      expect(script.headers.get('content-type')).toContain('javascript');
      const etag = script.headers.get('etag') ?? '';
      await script.body?.cancel();
      const again = await rig.get('/dashboard.js', { token: null, headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    });

    it('answers unknown routes with a JSON 404', async () => {
      const response = await rig.get('/api/nothing');
      expect(response.status).toBe(404);
      expect(await json(response)).toEqual({ error: 'no such route: GET /api/nothing' });
    });
  });

  describe('rooms and controls', () => {
    it('lists rooms with their members, the moderator as administrator, and who is talking', async () => {
      const guest = await rig.guest('1002');
      const moderator = await rig.guest('1001', '3009');
      const payload = await rig.rooms();
      expect(payload).toMatchObject({ synced: true, connection: 'connected' });
      const room = payload.rooms.find((r) => r.name === 'room-a');
      expect(room).toMatchObject({ live: true, locked: false, profile: 'dynconf', memberCount: 2 });
      expect(room?.members.map((m) => [m.number, m.administrator, m.talking, m.muted])).toEqual([
        ['1002', false, false, false],
        ['1001', true, false, false],
      ]);
      guest.talk(true);
      await rig.until(
        async () => (await rig.rooms()).rooms[0]?.members.find((m) => m.uuid === guest.uuid)?.talking,
        'the guest shown talking',
      );
      guest.talk(false);
      await rig.until(
        async () =>
          (await rig.rooms()).rooms[0]?.members.find((m) => m.uuid === guest.uuid)?.talking === false,
        'the guest shown silent',
      );
      const one = await rig.get('/api/rooms/room-a');
      expect(((await json(one)) as { memberCount: number }).memberCount).toBe(2);
      await moderator.hangup();
    });

    it('mutes and unmutes a member in FreeSWITCH', async () => {
      const room = (await rig.rooms()).rooms.find((r) => r.name === 'room-a');
      const member = room?.members.find((m) => m.number === '1002');
      if (member === undefined) throw new Error('no guest 1002');
      const mute = await rig.post(`/api/rooms/room-a/members/${member.id}/mute`);
      expect(mute.status).toBe(200);
      expect(await json(mute)).toMatchObject({ room: 'room-a', action: 'mute', member: member.id });
      expect(rig.sim.room('room-a')?.members.find((m) => m.id === member.id)?.canSpeak).toBe(false);
      await rig.until(
        async () => (await rig.rooms()).rooms[0]?.members.find((m) => m.id === member.id)?.muted,
        'the member shown muted',
      );
      const unmute = await rig.post(`/api/rooms/room-a/members/${member.id}/unmute`, {});
      expect(unmute.status).toBe(200);
      expect(rig.sim.room('room-a')?.members.find((m) => m.id === member.id)?.canSpeak).toBe(true);
    });

    it('locks a room (invitations then refused), unlocks it', async () => {
      expect((await rig.post('/api/rooms/room-a/lock')).status).toBe(200);
      expect(rig.sim.room('room-a')?.locked).toBe(true);
      await rig.until(async () => (await rig.rooms()).rooms[0]?.locked, 'room shown locked');
      const invite = await rig.post('/api/rooms/room-a/invite', { number: '801' });
      expect(invite.status).toBe(409);
      expect((await json(invite)).error).toMatch(/locked/);
      expect((await rig.post('/api/rooms/room-a/unlock')).status).toBe(200);
      expect(rig.sim.room('room-a')?.locked).toBe(false);
      await rig.until(async () => (await rig.rooms()).rooms[0]?.locked === false, 'room shown unlocked');
    });

    it('names the field and the rule when a request is wrong', async () => {
      const cases: [string, unknown, number, RegExp][] = [
        ['/api/rooms/bad%20name/lock', undefined, 400, /room must be 1 to 64 characters/],
        ['/api/rooms/room-a/members/abc/mute', undefined, 400, /member id must be a whole number/],
        ['/api/rooms/no-such-room/lock', undefined, 404, /no room named no-such-room/],
        ['/api/rooms/room-a/members/999999/kick', undefined, 404, /room room-a has no member 999999/],
        ['/api/rooms/room-a/invite', {}, 400, /must have a "number" field/],
        ['/api/rooms/room-a/invite', { number: '801', extra: 1 }, 400, /unknown field "extra"/],
        ['/api/rooms/room-a/invite', { number: '80a' }, 400, /number must be 1 to 32 digits/],
        ['/api/rooms/room-a/invite', '{"number":', 400, /JSON/],
        ['/api/rooms/room-a/invite', [], 400, /must be a JSON object/],
        ['/api/rooms/no-such-room/invite', { number: '801' }, 404, /no room named no-such-room/],
      ];
      for (const [path, body, status, message] of cases) {
        const response = await rig.post(path, body);
        const answer = (await json(response)) as { error: string };
        expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(status);
        expect(answer.error, `${path} ${JSON.stringify(body)}`).toMatch(message);
      }
      const notJson = await fetch(`${rig.url}/api/rooms/room-a/invite`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
        body: 'number=801',
      });
      expect(notJson.status).toBe(400);
      expect((await json(notJson)).error).toBe('the body must be a JSON object');
    });
  });

  describe('invitations', () => {
    it('calls an allowed number into the room; refuses numbers the rules do not allow; reports busy', async () => {
      const events = new EventStream(`${rig.url}/api/events?token=${TOKEN}`);
      try {
        const invite = await rig.post('/api/rooms/room-a/invite', { number: '801' });
        expect(invite.status).toBe(202);
        const placed = (await json(invite)) as { uuid: string; state: string; rule: string };
        expect(placed).toMatchObject({ state: 'calling', rule: 'extensions' });
        // 801 answers after 200 ms of phone time and joins the room; by then dynconf has had the job's
        // answer and told the live stream.
        await rig.until(
          () => rig.sim.room('room-a')?.members.some((m) => m.uuid === placed.uuid),
          'the invitee in the room',
        );
        const notice = await events.next<{ kind: string; outcome: string; uuid: string }>(
          'notice',
          (n) => n.uuid === placed.uuid,
        );
        expect(notice).toMatchObject({
          kind: 'invitation',
          outcome: 'answered',
          number: '801',
          room: 'room-a',
        });
        await rig.until(
          async () =>
            (await rig.rooms()).rooms[0]?.members.find((m) => m.uuid === placed.uuid)?.number === '801',
          'the invitee listed by the number called',
        );

        const denied = await rig.post('/api/rooms/room-a/invite', { number: '0900123' });
        expect(denied.status).toBe(403);
        expect((await json(denied)).error).toMatch(/routing rule premium does not allow/);
        const unrouted = await rig.post('/api/rooms/room-a/invite', { number: '12345' });
        expect(unrouted.status).toBe(403);
        expect((await json(unrouted)).error).toMatch(/no routing rule matches/);

        const busy = await rig.post('/api/rooms/room-a/invite', { number: '802' });
        const busyUuid = ((await json(busy)) as { uuid: string }).uuid;
        // The busy answer comes a moment of phone time later: counted, and told, when it does.
        await rig.until(
          async () =>
            (await (await rig.get('/metrics')).text()).includes(
              'dynconf_invitations_total{outcome="busy",source="api"} 1',
            ),
          'the busy invitation counted',
        );
        expect(await events.next('notice', (n: { uuid: string }) => n.uuid === busyUuid)).toMatchObject({
          outcome: 'busy',
          cause: 'USER_BUSY',
        });
        const metrics = await (await rig.get('/metrics')).text();
        expect(metrics).toContain('dynconf_invitations_total{outcome="answered",source="api"} 1');
        expect(metrics).toContain('dynconf_invitations_total{outcome="busy",source="api"} 1');
        expect(metrics).toContain('dynconf_invitations_total{outcome="not_allowed",source="api"} 2');
        expect(metrics).toMatch(
          /dynconf_command_duration_seconds_count\{command="originate",kind="bgapi",result="ok"\} 1/,
        );
      } finally {
        events.close();
      }
    });

    it('lists a call still ringing, and hangs it up when its room ends', async () => {
      await rig.guest('1003', '3001');
      const invite = await rig.post('/api/rooms/room-b/invite', { number: '803' });
      expect(invite.status).toBe(202);
      const { uuid } = (await json(invite)) as { uuid: string };
      await rig.until(() => rig.sim.channel(uuid)?.answerState === 'ringing', 'the invitee ringing');
      const listed = (await rig.rooms()).rooms.find((r) => r.name === 'room-b');
      expect(listed?.invitations).toEqual([
        expect.objectContaining({ uuid, number: '803', state: 'calling' }),
      ]);
      const end = await rig.post('/api/rooms/room-b/end');
      expect(end.status).toBe(200);
      await rig.until(() => rig.sim.room('room-b') === undefined, 'room-b gone in FreeSWITCH');
      await rig.until(() => rig.sim.channel(uuid) === undefined, 'the ringing invitee hung up');
      await rig.until(
        async () => !(await rig.rooms()).rooms.some((r) => r.name === 'room-b'),
        'room-b gone from the API',
      );
      expect(rig.api.rooms.room('room-b')).toBeUndefined();
      await rig.until(
        async () =>
          (await (await rig.get('/metrics')).text()).includes(
            'dynconf_invitations_total{outcome="cancelled",source="api"} 1',
          ),
        'the cancelled invitation counted',
      );
    });

    it('kicks a member out of the room', async () => {
      const invitee = (await rig.rooms()).rooms
        .find((r) => r.name === 'room-a')
        ?.members.find((m) => m.number === '801');
      if (invitee === undefined) throw new Error('no invitee 801 in room-a');
      const kick = await rig.post(`/api/rooms/room-a/members/${invitee.id}/kick`);
      expect(kick.status).toBe(200);
      await rig.until(
        () => !rig.sim.room('room-a')?.members.some((m) => m.id === invitee.id),
        'the member gone from the room',
      );
    });
  });

  describe('live stream, status, metrics and the OpenAPI document', () => {
    it('sends the whole picture on connect and again after each change', async () => {
      const unauthorised = await rig.get('/api/events', { token: null });
      expect(unauthorised.status).toBe(401);
      const events = new EventStream(`${rig.url}/api/events`, { authorization: `Bearer ${TOKEN}` });
      try {
        const response = await events.response;
        expect(response.headers.get('content-type')).toContain('text/event-stream');
        const first = await events.next<RoomsPayload>('rooms');
        expect(first.rooms.map((r) => r.name)).toContain('room-a');
        // Each change happens first (phone time passing as needed), then the stream must show it.
        const call = await rig.guest('1004');
        await events.next<RoomsPayload>('rooms', (p) =>
          p.rooms.some((r) => r.members.some((m) => m.uuid === call.uuid)),
        );
        call.talk(true);
        await rig.until(
          () => rig.api.rooms.rooms().some((r) => r.members.some((m) => m.uuid === call.uuid && m.talking)),
          'the guest seen talking',
        );
        await events.next<RoomsPayload>('rooms', (p) =>
          p.rooms.some((r) => r.members.some((m) => m.uuid === call.uuid && m.talking)),
        );
        await call.hangup();
        await rig.until(
          () => rig.api.rooms.rooms().every((r) => r.members.every((m) => m.uuid !== call.uuid)),
          'the guest seen leaving',
        );
        await events.next<RoomsPayload>('rooms', (p) =>
          p.rooms.every((r) => r.members.every((m) => m.uuid !== call.uuid)),
        );
      } finally {
        events.close();
      }
    });

    it('tells its version, uptime, connection and counts on /status', async () => {
      const status = await json(await rig.get('/status'));
      expect(status).toMatchObject({
        name: 'dynconf',
        version: '9.9.9-test',
        ready: true,
        eventSocket: { state: 'connected', host: '127.0.0.1', reconnects: 0 },
        rooms: 1,
      });
      expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
      expect(status.members).toBe(rig.sim.room('room-a')?.members.length);
    });

    it('exports Prometheus metrics', async () => {
      const response = await rig.get('/metrics');
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('dynconf_rooms 1');
      expect(text).toContain(`dynconf_room_members ${rig.sim.room('room-a')?.members.length}`);
      expect(text).toContain(`dynconf_event_socket_connected{node="127.0.0.1:${rig.sim.port}"} 1`);
      expect(text).toMatch(/dynconf_event_lag_seconds_count [1-9]/);
      expect(text).toMatch(
        /dynconf_command_duration_seconds_count\{command="conference",kind="api",result="ok"\} [1-9]/,
      );
    });

    it('describes every route in its OpenAPI document', async () => {
      const doc = await json(await rig.get('/openapi.json', { token: null }));
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.version).toBe('9.9.9-test');
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          '/api/events',
          '/api/history',
          '/api/rooms',
          '/api/rooms/{room}',
          '/api/rooms/{room}/administrators/{uuid}/return',
          '/api/rooms/{room}/end',
          '/api/rooms/{room}/invitations/{uuid}',
          '/api/rooms/{room}/invite',
          '/api/rooms/{room}/lock',
          '/api/rooms/{room}/members/{id}/kick',
          '/api/rooms/{room}/members/{id}/mute',
          '/api/rooms/{room}/members/{id}/unmute',
          '/api/rooms/{room}/mute-all',
          '/api/rooms/{room}/unlock',
          '/api/rooms/{room}/unmute-all',
          '/api/session',
          '/healthz',
          '/metrics',
          '/openapi.json',
          '/readyz',
          '/status',
        ].sort(),
      );
      const invite = doc.paths['/api/rooms/{room}/invite'].post;
      expect(invite.requestBody.content['application/json'].schema.required).toEqual(['number']);
      expect(invite.parameters).toEqual([
        expect.objectContaining({ name: 'room', in: 'path', required: true }),
      ]);
      expect(doc.paths['/healthz'].get.security).toEqual([]);
      expect(doc.components.securitySchemes.bearerToken.scheme).toBe('bearer');
      // Every $ref points at a schema that exists.
      const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
      for (const ref of new Set(refs))
        expect(doc.components.schemas[ref.split('/').pop() as string], ref).toBeDefined();
    });
  });

  describe('when the event socket drops', () => {
    it('says not ready, then rebuilds the rooms from FreeSWITCH on reconnect', async () => {
      rig.sim.faults.refuseConnections(true);
      rig.sim.faults.dropConnections();
      const lostAt = rig.clock.now();
      await rig.until(async () => (await rig.get('/readyz', { token: null })).status === 503, 'readyz 503');
      // Down for a while: /readyz, /status and the metrics say since when.
      await rig.until(() => rig.clock.now() >= lostAt + 5000, '5 s of outage');
      const down = await json(await rig.get('/readyz', { token: null }));
      const downFor = Math.floor((rig.connection as EslConnection).status().forMs / 1000);
      expect(downFor).toBeGreaterThanOrEqual(5);
      expect(down).toEqual({
        status: 'not ready',
        reason: `event socket reconnecting (down ${downFor} s)`,
        nodes: [
          {
            id: `127.0.0.1:${rig.sim.port}`,
            state: 'reconnecting',
            connected: false,
            since: new Date(lostAt).toISOString(),
            forSeconds: downFor,
            reason: `event socket reconnecting (down ${downFor} s)`,
          },
        ],
      });
      const downStatus = await json(await rig.get('/status'));
      expect(downStatus.eventSocket).toMatchObject({
        state: 'reconnecting',
        connected: false,
        since: new Date(lostAt).toISOString(),
        forSeconds: downFor,
      });
      const downMetrics = await (await rig.get('/metrics')).text();
      const node = `node="127.0.0.1:${rig.sim.port}"`;
      expect(downMetrics).toContain(`dynconf_event_socket_connected{${node}} 0`);
      expect(downMetrics).toContain(
        `dynconf_event_socket_disconnected_seconds{${node}} ${(rig.connection as EslConnection).status().forMs / 1000}`,
      );
      expect(downMetrics).toContain(`dynconf_event_socket_auth_failed{${node}} 0`);
      const live = await rig.rooms();
      expect(live.nodes).toEqual([
        {
          id: `127.0.0.1:${rig.sim.port}`,
          connection: 'reconnecting',
          synced: false,
          since: new Date(lostAt).toISOString(),
          reason: 'event socket reconnecting',
        },
      ]);
      expect((await rig.rooms()).synced).toBe(false);
      const mute = await rig.post('/api/rooms/room-a/lock');
      expect(mute.status).toBe(503);
      // While dynconf cannot see: everybody leaves room-a, someone joins room-b.
      for (const member of rig.sim.room('room-a')?.members ?? []) await rig.sim.call(member.uuid).hangup();
      const late = await rig.sim.placeCall({ from: '1005', to: '3001' });
      await late.waitUntil('in-conference');
      expect(rig.api.rooms.room('room-a')).toBeDefined(); // still the old picture
      rig.sim.faults.refuseConnections(false);
      await rig.until(async () => (await rig.rooms()).synced, 'rooms read again');
      const rooms = (await rig.rooms()).rooms;
      expect(rooms.map((r) => r.name)).toEqual(['room-b']);
      expect(rooms[0]?.members.map((m) => m.number)).toEqual(['1005']);
      const status = await json(await rig.get('/status'));
      expect(status.eventSocket.reconnects).toBe(1);
      const metrics = await (await rig.get('/metrics')).text();
      expect(metrics).toContain(`dynconf_event_socket_reconnects_total{node="127.0.0.1:${rig.sim.port}"} 1`);
      expect(metrics).toContain(
        `dynconf_event_socket_disconnected_seconds{node="127.0.0.1:${rig.sim.port}"} 0`,
      );
      expect(status.eventSocket).toMatchObject({ state: 'connected', connected: true });
      expect(status.eventSocket.reason).toBeUndefined();
    });
  });
});

describe('operator API without a token', () => {
  it('keeps the health checks and says how to switch the rest on', async () => {
    const rig = await startRig({ token: null });
    try {
      expect((await rig.get('/healthz')).status).toBe(200);
      expect((await rig.get('/readyz')).status).toBe(200);
      for (const path of ['/api/rooms', '/status', '/metrics']) {
        const response = await rig.get(path, { token: 'anything-at-all-0123' });
        expect(response.status, path).toBe(403);
        expect((await json(response)).error, path).toMatch(/set http\.token/);
      }
      const signIn = await rig.post('/api/session', { token: 'anything-at-all-0123' }, { token: null });
      expect(signIn.status).toBe(403);
    } finally {
      await rig.close();
    }
  });
});
