// The whole controller when its event socket turns to garbage in the middle of a call (bytes slipped into
// the stream by a proxy): it drops the connection with a clear log line, reconnects, subscribes again,
// checks its sessions, and the call goes on — `**` still brings the invitee into the room. No orphan leg.
import { afterEach, describe, expect, it } from 'vitest';
import { finishRig, type Rig, startRig } from '../security/support/rig.js';

let rig: Rig | undefined;

afterEach(async () => {
  const r = rig;
  rig = undefined;
  await finishRig(r);
});

const GARBAGE: Array<[string, () => Buffer]> = [
  [
    'a Content-Length of 2 GB',
    () => Buffer.from('Content-Type: text/event-json\nContent-Length: 2147483648\n\n{'),
  ],
  ['a negative Content-Length', () => Buffer.from('Content-Length: -20\nContent-Type: text/event-json\n\n')],
  ['a header block of 1 MB that never ends', () => Buffer.alloc(1024 * 1024, 'x')],
];

describe('controller: garbage on the event socket mid-call', () => {
  it.each(GARBAGE)('%s: reconnect, resubscribe, resync; the call goes on', async (_what, bytes) => {
    rig = await startRig({ directory: { '801': { kind: 'answer', afterMs: 300 } }, logLevel: 'debug' });
    const r = rig;
    const { admin, room } = await r.adminInRoom();
    const invitee = await r.dial(admin, '801');
    await r.sessionState(admin.uuid, 'invitation.talking');
    await r.until(() => admin.where().bridgedTo === invitee.uuid, 'admin and invitee talking');
    const first = r.proxy.current;
    if (first === undefined) throw new Error('no connection');
    const subscriptions = (c: typeof first) =>
      Buffer.concat(c.toServer)
        .toString('utf8')
        .split('\n\n')
        .filter((cmd) => cmd.startsWith('event json'))
        .sort();

    first.inject(bytes());
    await first.closed;
    await r.until(
      () => r.proxy.connections.length === 2 && r.controller.connection.state === 'connected',
      'the controller connected again',
      10_000,
    );
    const second = r.proxy.connections[1];
    if (second === undefined) throw new Error('no second connection');
    await r.until(() => subscriptions(second).length >= subscriptions(first).length, 'subscribed again');
    expect(subscriptions(second)).toEqual(subscriptions(first));
    await r.until(
      () => r.logs.some((line) => line.includes('checking the sessions after a reconnect')),
      'the sessions checked',
    );
    const dropped = r.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string; reason?: string })
      .filter((l) => l.msg.includes('not valid event-socket framing'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.level).toBe(50);

    // The call was never touched, and the controller still drives it.
    expect(admin.where().bridgedTo).toBe(invitee.uuid);
    expect(r.session(admin.uuid)?.state).toBe('invitation.talking');
    await admin.press('**');
    await r.until(() => r.sim.room(room)?.members.length === 2, 'the invitee in the room');
    await r.sessionState(admin.uuid, 'inRoom');
    await admin.hangup();
  });
});
