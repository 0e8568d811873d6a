// The event-socket server: authentication, FreeSWITCH's error replies, subscriptions and formats,
// api/bgapi/sendmsg/sendevent, several clients at once.
import { afterEach, describe, expect, test } from 'vitest';
import { DISCONNECT_TEXT } from '../../src/simulator/wire/frames.js';
import { TestClient } from './support/esl-client.js';
import { type Harness, harness } from './support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('authentication', () => {
  test('a wrong password gets -ERR invalid, the disconnect notice, and the socket is closed', async () => {
    h = await harness({ password: 's3cret' });
    const c = await TestClient.open(h.sim.port);
    expect((await c.nextReply()).headers['Content-Type']).toBe('auth/request');
    expect((await c.command('auth ClueCon')).headers['Reply-Text']).toBe('-ERR invalid');
    const notice = await c.nextReply();
    expect(notice.headers['Content-Type']).toBe('text/disconnect-notice');
    expect(notice.body).toBe(DISCONNECT_TEXT);
    await c.waitClosed();
  });

  test('a command before auth gets -ERR command not found and the connection stays usable', async () => {
    h = await harness();
    const c = await TestClient.open(h.sim.port);
    await c.nextReply();
    expect((await c.command('api status')).headers['Reply-Text']).toBe('-ERR command not found');
    expect(c.closed).toBe(false);
    expect((await c.command('auth ClueCon')).headers['Reply-Text']).toBe('+OK accepted');
    expect(await c.api('uuid_exists nope')).toBe('false');
    c.close();
  });

  test('exit: +OK bye, the notice, closed', async () => {
    h = await harness();
    const c = await h.client('');
    expect((await c.command('exit')).headers['Reply-Text']).toBe('+OK bye');
    expect((await c.nextReply()).body).toBe(DISCONNECT_TEXT);
    await c.waitClosed();
  });
});

describe('replies worded as FreeSWITCH words them (trace 12)', () => {
  test.each([
    ['uuid_transfer 4b5cf536-e33b-47c3-88fc-ac42f0a18aed park inline', '-ERR No such channel!\n'],
    ['uuid_kill 4b5cf536-e33b-47c3-88fc-ac42f0a18aed', '-ERR No such channel!\n'],
    ['uuid_getvar 4b5cf536-e33b-47c3-88fc-ac42f0a18aed x', '-ERR No such channel!\n'],
    ['uuid_recv_dtmf 4b5cf536-e33b-47c3-88fc-ac42f0a18aed 1', '-ERR Cannot locate session!\n'],
    ['uuid_bridge a b', '-ERR Invalid uuid\n'],
    ['uuid_bridge', '-USAGE: <uuid> <other_uuid>\n'],
    ['no_such_api_command arg1', '-ERR no_such_api_command Command not found!\n'],
    ['conference no-such-room json_list', '-ERR Conference no-such-room not found\n'],
    ['show channels', '\n0 total.\n'],
    ['show channels as json', '{"row_count": 0}\n'],
    ['conference list', '+OK No active conferences.\n'],
  ])('api %s', async (cmd, reply) => {
    h = await harness();
    const c = await h.client('');
    expect(await c.api(cmd)).toBe(reply);
  });

  test('command/reply errors', async () => {
    h = await harness();
    const c = await h.client('');
    expect((await c.command('no_such_esl_command')).headers['Reply-Text']).toBe('-ERR command not found');
    expect((await c.command('sendmsg dead-beef', { 'call-command': 'hangup' })).headers['Reply-Text']).toBe(
      '-ERR invalid session id [dead-beef]',
    );
    expect((await c.command('noevents')).headers['Reply-Text']).toBe('-ERR not listening for events');
  });

  test('bgapi: +OK Job-UUID with the header, then BACKGROUND_JOB with the body', async () => {
    h = await harness();
    const c = await h.client('event json BACKGROUND_JOB');
    const r = await c.command('bgapi uuid_kill nope', { 'Job-UUID': 'job-42' });
    expect(r.headers['Reply-Text']).toBe('+OK Job-UUID: job-42');
    expect(r.headers['Job-UUID']).toBe('job-42');
    const job = await c.waitEvent((e) => e.name === 'BACKGROUND_JOB');
    expect(job.headers['Job-UUID']).toBe('job-42');
    expect(job.headers['Job-Command']).toBe('uuid_kill');
    expect(job.headers['Job-Command-Arg']).toBe('nope');
    expect(job.headers._body).toBe('-ERR No such channel!\n');
  });
});

describe('subscriptions', () => {
  test('event json CUSTOM alone does not subscribe to subclasses; naming the subclass does', async () => {
    h = await harness();
    const bare = await h.client('event json CUSTOM');
    const named = await h.client('event json CUSTOM conference::maintenance dynconf::probe ');
    const sender = await h.client('');
    for (const sub of ['dynconf::probe', 'other::thing']) {
      const r = await sender.command('sendevent CUSTOM', { 'Event-Subclass': sub, note: sub });
      expect(r.headers['Reply-Text']).toMatch(/^\+OK [0-9a-f-]{36}$/);
    }
    await named.waitEvent((e) => e.headers['Event-Subclass'] === 'dynconf::probe');
    // a later event proves the earlier ones would have arrived by now
    await sender.command('sendevent CUSTOM', { 'Event-Subclass': 'conference::maintenance' });
    await named.waitEvent((e) => e.headers['Event-Subclass'] === 'conference::maintenance');
    expect(named.events.map((e) => e.headers['Event-Subclass'])).toEqual([
      'dynconf::probe',
      'conference::maintenance',
    ]);
    expect(bare.events).toHaveLength(0);
  });

  test('single names, nixevent, noevents; every client gets its own copy', async () => {
    h = await harness();
    const a = await h.client('event json CHANNEL_CREATE CHANNEL_PARK');
    const b = await h.client('event plain ALL');
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await call.waitUntil('parked');
    await a.waitEvent((e) => e.name === 'CHANNEL_PARK');
    await b.waitEvent((e) => e.name === 'CHANNEL_PARK');
    expect(a.events.map((e) => e.name)).toEqual(['CHANNEL_CREATE', 'CHANNEL_PARK']);
    expect(b.events.map((e) => e.name)).toContain('CHANNEL_EXECUTE');
    expect(b.events[0]?.frame.headers['Content-Type']).toBe('text/event-plain');
    expect(b.events.find((e) => e.name === 'CHANNEL_CREATE')?.headers['Channel-Name']).toBe(
      `sofia/internal/1001@127.0.0.1:6001`,
    );
    expect((await a.command('nixevent CHANNEL_PARK')).headers['Reply-Text']).toBe('+OK events nixed');
    expect((await b.command('noevents')).headers['Reply-Text']).toBe('+OK no longer listening for events');
    const before = { a: a.events.length, b: b.events.length };
    await a.api(`uuid_transfer ${call.uuid} park inline`);
    const marker = await h.client('event json CHANNEL_PARK');
    await marker.api(`uuid_transfer ${call.uuid} park inline`);
    await marker.waitEvent((e) => e.name === 'CHANNEL_PARK');
    expect(a.events.length).toBe(before.a);
    expect(b.events.length).toBe(before.b);
  });

  test('events caused by a command come after its reply', async () => {
    h = await harness();
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await call.waitUntil('parked');
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK');
    const framesBefore = c.frames.length;
    await c.api(`uuid_kill ${call.uuid}`);
    await c.waitEvent((e) => e.name === 'CHANNEL_DESTROY');
    const after = c.frames.slice(framesBefore);
    expect(after[0]?.headers['Content-Type']).toBe('api/response');
    expect(after.slice(1).every((f) => f.headers['Content-Type'] === 'text/event-json')).toBe(true);
  });
});

describe('sendmsg', () => {
  test('execute: +OK at once, EXECUTE/COMPLETE carry the event-uuid, then PRIVATE_COMMAND echoes the headers', async () => {
    h = await harness();
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await call.waitUntil('parked');
    const r = await c.command(`sendmsg ${call.uuid}`, {
      'Call-Command': 'execute',
      'Execute-App-Name': 'playback',
      'Execute-App-Arg': 'silence_stream://200',
      'Event-UUID': 'eu-1',
    });
    expect(r.headers['Reply-Text']).toBe('+OK');
    const done = await c.waitEvent(
      (e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.headers.Application === 'playback',
    );
    expect(done.headers['Application-UUID']).toBe('eu-1');
    expect(done.headers['Application-Response']).toBe('FILE PLAYED');
    const priv = await c.waitEvent((e) => e.name === 'PRIVATE_COMMAND');
    expect(priv.headers['Execute-App-Name']).toBe('playback');
    expect(call.where().state).toBe('parked');
  });

  test('an unknown application hangs the channel up with DESTINATION_OUT_OF_ORDER, no EXECUTE for it', async () => {
    h = await harness();
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK');
    const from = c.events.length;
    await c.command(`sendmsg ${call.uuid}`, { 'call-command': 'execute', 'execute-app-name': 'no_such_app' });
    const hup = await c.waitEvent((e) => e.name === 'CHANNEL_HANGUP', 5000, from);
    expect(hup.headers['Hangup-Cause']).toBe('DESTINATION_OUT_OF_ORDER');
    await c.waitEvent((e) => e.name === 'CHANNEL_DESTROY', 5000, from);
    const names = c.events
      .slice(from)
      .map((e) => `${e.name}${e.headers.Application ? `(${e.headers.Application})` : ''}`);
    expect(names).toEqual([
      'CHANNEL_HANGUP',
      'PRIVATE_COMMAND',
      'CHANNEL_UNPARK',
      'CHANNEL_EXECUTE_COMPLETE(park)',
      'CHANNEL_HANGUP_COMPLETE',
      'CHANNEL_DESTROY',
    ]);
  });
});

describe('filters', () => {
  test('filter Unique-ID <uuid>: only that channel; filter delete restores the rest', async () => {
    h = await harness();
    const c = await h.client();
    const a = await h.sim.placeCall({ from: '1001', to: '900' });
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === a.uuid);
    expect((await c.command(`filter Unique-ID ${a.uuid}`)).headers['Reply-Text']).toBe(
      `+OK filter added. [Unique-ID]=[${a.uuid}]`,
    );
    const from = c.events.length;
    const b = await h.sim.placeCall({ from: '1002', to: '900' });
    await b.waitUntil('parked');
    await c.api(`uuid_transfer ${a.uuid} park inline`);
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK', 5000, from);
    expect(new Set(c.events.slice(from).map((e) => e.headers['Unique-ID']))).toEqual(new Set([a.uuid]));
    expect((await c.command(`filter delete Unique-ID ${a.uuid}`)).headers['Reply-Text']).toBe(
      `+OK filter deleted. [Unique-ID]=[${a.uuid}]`,
    );
    await c.api(`uuid_transfer ${b.uuid} park inline`);
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === b.uuid);
  });
});
