// The operator API takes exactly what its OpenAPI document publishes: every route, asked with a wrong method,
// a body or parameter of the wrong type, an unknown field or a missing one, gets the documented 4xx with
// the field named; nothing is coerced (801 is not "801"); the same number cannot be called into a room twice
// at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../src/http/api-spec.js';
import { type Json, type Rig, startRig } from './support.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ controller: true });
  await rig.guest('1001');
});

afterAll(async () => {
  await rig?.close();
});

/** A real path for a route: room-a (made by a guest above), member 1. */
const pathOf = (spec: RouteSpec): string =>
  spec.url
    .replace(':room', 'room-a')
    .replace(':id', '1')
    .replace(':uuid', '00000000-0000-4000-8000-000000000000');

async function send(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; allow: string | null }> {
  const response = await fetch(`${rig.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer test-token-4f1e9a2b7c`,
      origin: rig.url,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics, the stream): kept as text
  }
  return { status: response.status, body: parsed, allow: response.headers.get('allow') };
}

const routes = Object.entries(ROUTES) as [string, RouteSpec][];
const withBody = routes.filter(([, spec]) => spec.body !== undefined);
const withQuery = routes.filter(([, spec]) => spec.querystring !== undefined);

describe('strict operator API', () => {
  it.each(routes)('%s: another method gets 405 with the methods it has', async (_name, spec) => {
    const other = spec.method === 'GET' ? 'PUT' : 'PATCH';
    const answer = await send(other, pathOf(spec), spec.body === undefined ? undefined : {});
    expect(answer.status).toBe(405);
    expect(answer.allow?.split(', ')).toContain(spec.method);
    expect(answer.body.error).toContain(`method ${other} not allowed`);
  });

  it('a path nobody serves is still 404', async () => {
    expect((await send('GET', '/api/nothing-here')).status).toBe(404);
    expect((await send('POST', '/api/rooms/room-a/nothing')).status).toBe(404);
  });

  it.each(withBody)(
    '%s: a missing field, an unknown one and each wrong type get 400 naming it',
    async (_name, spec) => {
      const body = spec.body as { required: string[]; properties: Record<string, unknown> };
      const valid: Record<string, string> = { number: '801', token: 'x'.repeat(20) };
      const path = pathOf(spec);
      for (const field of body.required) {
        const missing = await send(spec.method, path, {});
        expect(missing.status).toBe(400);
        expect(missing.body.error).toBe(`the body must have a "${field}" field`);
      }
      const full = Object.fromEntries(Object.keys(body.properties).map((f) => [f, valid[f] ?? 'x']));
      const extra = await send(spec.method, path, { ...full, admin: true });
      expect(extra.status).toBe(400);
      expect(extra.body.error).toBe('the body has an unknown field "admin"');
      for (const field of Object.keys(body.properties)) {
        for (const wrong of [801, 8.1e2, ['801'], { n: '801' }, true, null]) {
          const answer = await send(spec.method, path, { ...full, [field]: wrong });
          expect(answer.status, `${field}: ${JSON.stringify(wrong)}`).toBe(400);
          expect(answer.body.error, `${field}: ${JSON.stringify(wrong)}`).toContain(field);
        }
      }
      for (const notAnObject of ['"801"', '[]', '12', 'null']) {
        const answer = await send(spec.method, path, notAnObject);
        expect(answer.status, notAnObject).toBe(400);
      }
    },
  );

  it.each(withQuery)('%s: an unknown query field gets 400 naming it', async (_name, spec) => {
    const answer = await send(spec.method, `${pathOf(spec)}?admin=1`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('the query has an unknown field "admin"');
  });

  it('path parameters are checked as text: no sign, no fraction, no overflow, no odd room name', async () => {
    for (const id of ['abc', '-1', '1.5', '+1', '01', '2147483648', '99999999999']) {
      const answer = await send('POST', `/api/rooms/room-a/members/${id}/mute`);
      expect(answer.status, id).toBe(400);
      expect(answer.body.error, id).toContain('member id');
    }
    expect((await send('POST', '/api/rooms/room-a/members/2147483647/mute')).status).toBe(404);
    const badRoom = await send('GET', `/api/rooms/${encodeURIComponent('room a;')}`);
    expect(badRoom.status).toBe(400);
    expect(badRoom.body.error).toContain('room must be');
  });

  it('a number given as a number, a decimal or a list is refused, never called', async () => {
    const before = rig.sim.channels().length;
    for (const number of [801, 8.1e2, ['801']]) {
      const answer = await send('POST', '/api/rooms/room-a/invite', { number });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain('number');
    }
    expect(rig.sim.channels().length).toBe(before);
  });

  it('a token given as a number is a bad request, not a wrong token', async () => {
    const answer = await send('POST', '/api/session', { token: 123 });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('token');
  });

  it('the same number twice into one room: 409 while it rings, and while it is in the room', async () => {
    const first = await send('POST', '/api/rooms/room-a/invite', { number: '803' });
    expect(first.status).toBe(202);
    const again = await send('POST', '/api/rooms/room-a/invite', { number: '803' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('803 is already being called into room-a');
    // Answered: a member of the room now.
    const answered = await send('POST', '/api/rooms/room-a/invite', { number: '801' });
    expect(answered.status).toBe(202);
    await rig.until(
      () => rig.sim.room('room-a')?.members.some((m) => rig.sim.channel(m.uuid)?.destination === '801'),
      '801 in room-a',
    );
    const twice = await send('POST', '/api/rooms/room-a/invite', { number: '801' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('801 is already in room-a');
    // Another number is fine.
    expect((await send('POST', '/api/rooms/room-a/invite', { number: '804' })).status).toBe(202);
  });
});
