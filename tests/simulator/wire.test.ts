// The simulator's wire code: framing of incoming commands, event serialisation (JSON, plain), and
// byte-exact reply frames compared with what FreeSWITCH sent in the recordings.
import { describe, expect, test } from 'vitest';
import { EventData } from '../../src/simulator/events/event.js';
import {
  apiResponseFrame,
  authRequestFrame,
  disconnectNoticeFrame,
  eventFrame,
  replyFrame,
} from '../../src/simulator/wire/frames.js';
import { CommandParser, header } from '../../src/simulator/wire/parser.js';
import { urlEncode } from '../../src/simulator/wire/url.js';
import { type InRecord, loadTrace, wireFrame } from '../support/traces.js';

describe('CommandParser', () => {
  test('splits commands however the bytes arrive, one byte at a time included', () => {
    const text =
      'auth ClueCon\n\nbgapi originate user/801 &park()\nJob-UUID: j1\n\nsendmsg abc\ncall-command: execute\nexecute-app-name: playback\nContent-Length: 5\n\nhello';
    const parser = new CommandParser();
    const cmds = [...Buffer.from(text)].flatMap((b) => parser.push(Buffer.from([b])));
    expect(cmds.map((c) => c.line)).toEqual([
      'auth ClueCon',
      'bgapi originate user/801 &park()',
      'sendmsg abc',
    ]);
    expect(header(cmds[1] as never, 'job-uuid')).toBe('j1');
    expect(cmds[2]?.body).toBe('hello');
    expect(parser.pendingBytes).toBe(0);
  });

  test('accepts CRLF line ends and waits for a body that has not arrived yet', () => {
    const parser = new CommandParser();
    expect(
      parser.push(Buffer.from('api status\r\n\r\nsendevent CUSTOM\nContent-Length: 4\n\nab')),
    ).toHaveLength(1);
    const rest = parser.push(Buffer.from('cd'));
    expect(rest).toHaveLength(1);
    expect(rest[0]?.body).toBe('abcd');
  });

  test('header lookup ignores case', () => {
    const [cmd] = new CommandParser().push(Buffer.from('sendmsg x\nCall-Command: hangup\n\n'));
    expect(header(cmd as never, 'call-command')).toBe('hangup');
  });
});

describe('event serialisation', () => {
  const ev = new EventData('BACKGROUND_JOB', 7);
  ev.add('Event-Name', 'BACKGROUND_JOB')
    .add('Job-Command-Arg', 'room-p json_list')
    .add('variable_DP_MATCH', ['A B', 'C']);
  ev.body = '+OK é\n';

  test('JSON keeps header order, then Content-Length (bytes) and _body', () => {
    expect(ev.toJson()).toBe(
      '{"Event-Name":"BACKGROUND_JOB","Job-Command-Arg":"room-p json_list","variable_DP_MATCH":["A B","C"],"Content-Length":"7","_body":"+OK é\\n"}',
    );
  });

  test('plain URL-encodes values like FreeSWITCH and appends the body after its length', () => {
    expect(ev.toPlain()).toBe(
      'Event-Name: BACKGROUND_JOB\nJob-Command-Arg: room-p%20json_list\nvariable_DP_MATCH: ARRAY%3A%3AA%20B%7C%3AC\nContent-Length: 7\n\n+OK é\n',
    );
  });

  test('urlEncode escapes only what FreeSWITCH escapes', () => {
    expect(urlEncode('sofia/internal/1001@127.0.0.1:5070')).toBe('sofia/internal/1001%40127.0.0.1%3A5070');
    expect(urlEncode('Mon, 23 Nov 2026 20:23:52 GMT')).toBe('Mon,%2023%20Nov%202026%2020%3A23%3A52%20GMT');
    expect(urlEncode('tone_stream://%(10000,0,350,440)')).toBe('tone_stream%3A//%25(10000,0,350,440)');
  });

  test('event frames put Content-Length before Content-Type, as FreeSWITCH does', () => {
    const frame = eventFrame(ev, 'json').toString('utf8');
    expect(
      frame.startsWith(
        `Content-Length: ${Buffer.byteLength(ev.toJson())}\nContent-Type: text/event-json\n\n{`,
      ),
    ).toBe(true);
  });
});

describe('reply frames are byte-identical to the recordings', () => {
  const records = loadTrace('12-error-replies.jsonl').filter((r): r is InRecord => r.dir === 'in');
  const find = (pred: (r: InRecord) => boolean) => {
    const r = records.find(pred);
    if (r === undefined) throw new Error('record missing from trace 12');
    return wireFrame(r);
  };

  test('auth/request, command/reply, api/response, disconnect notice', () => {
    expect(authRequestFrame()).toEqual(find((r) => r.contentType === 'auth/request'));
    expect(replyFrame('-ERR invalid')).toEqual(find((r) => r.headers['Reply-Text'] === '-ERR invalid'));
    expect(apiResponseFrame('-ERR No such channel!\n')).toEqual(
      find((r) => r.body === '-ERR No such channel!\n'),
    );
    expect(disconnectNoticeFrame()).toEqual(find((r) => r.contentType === 'text/disconnect-notice'));
    const job = records.find((r) => r.headers['Job-UUID'] !== undefined && r.contentType === 'command/reply');
    const id = job?.headers['Job-UUID'] ?? '';
    expect(replyFrame(`+OK Job-UUID: ${id}`, [['Job-UUID', id]])).toEqual(wireFrame(job as InRecord));
  });
});
