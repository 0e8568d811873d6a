// commands.ts: exact command text for valid input, clear errors for bad input, and no way for a
// caller ID, number or room name to inject a command line, an argument or a channel variable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ApiCommand,
  AppCommand,
  apiFrame,
  bgapiFrame,
  breakMedia,
  bridge,
  broadcast,
  conferenceJsonList,
  conferenceLock,
  conferenceMember,
  executeApp,
  exists,
  getVariable,
  hangup,
  kill,
  type OriginateOptions,
  originate,
  park,
  playAndGetDigits,
  playback,
  sendmsgFrame,
  setVariable,
  showChannelsJson,
  transferToConference,
  transferToPark,
} from '../../src/esl/commands.js';
import type { BuildResult } from '../../src/esl/result.js';
import { loadTrace, traceFiles } from '../support/traces.js';
import { cleanup, parseOriginate, separate } from './freeswitch-split.js';

const A = 'ef22b705-5f4c-47d6-80fd-690be4b9c845';
const B = '8aad81ec-8abc-4e93-b965-cd5465ea02c9';
const EU = '3a4f92bc-e169-4c70-874c-fb0137007b21';
/** FreeSWITCH's variable expansion, which can run API commands: must never reach a command. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the FreeSWITCH syntax under test
const EXPANSION = '${system(id)}';

function text(result: BuildResult<ApiCommand>): string {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.reason}`);
  return result.command.text;
}
function app(result: BuildResult<AppCommand>): { app: string; arg: string } {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.reason}`);
  return { app: result.command.app, arg: result.command.arg };
}
function errorOf<T>(result: BuildResult<T>) {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}
const invitee = (extra: Partial<OriginateOptions> = {}): OriginateOptions => ({
  uuid: B,
  dialString: 'sofia/internal/801@127.0.0.1:5090',
  timeoutSec: 10,
  variables: { dynconf_role: 'invitee' },
  ...extra,
});

describe('command text, as in the recordings', () => {
  it('builds the api commands the traces sent', () => {
    expect(text(transferToPark(A))).toBe(`uuid_transfer ${A} park inline`);
    expect(text(transferToConference(A, { room: 'room-a', profile: 'dynconf', moderator: true }))).toBe(
      `uuid_transfer ${A} conference:room-a@dynconf+flags{moderator} inline`,
    );
    expect(text(transferToConference(B, { room: 'room-a', profile: 'dynconf' }))).toBe(
      `uuid_transfer ${B} conference:room-a@dynconf inline`,
    );
    expect(text(transferToConference(A, { room: 'room-a', profile: 'dynconf', both: true }))).toBe(
      `uuid_transfer ${A} -both conference:room-a@dynconf inline`,
    );
    expect(text(bridge(A, B))).toBe(`uuid_bridge ${A} ${B}`);
    expect(text(kill(B))).toBe(`uuid_kill ${B}`);
    expect(text(kill(B, 'ORIGINATOR_CANCEL'))).toBe(`uuid_kill ${B} ORIGINATOR_CANCEL`);
    expect(text(setVariable(A, 'park_after_bridge', 'true'))).toBe(`uuid_setvar ${A} park_after_bridge true`);
    expect(text(getVariable(A, 'dynconf_role'))).toBe(`uuid_getvar ${A} dynconf_role`);
    expect(text(exists(A))).toBe(`uuid_exists ${A}`);
    expect(text(broadcast(A, 'tone_stream://%(200,0,425)', 'aleg'))).toBe(
      `uuid_broadcast ${A} tone_stream://%(200,0,425) aleg`,
    );
    expect(text(breakMedia(A))).toBe(`uuid_break ${A}`);
    expect(text(breakMedia(A, true))).toBe(`uuid_break ${A} all`);
    expect(text(conferenceJsonList('room-a'))).toBe('conference room-a json_list');
    expect(text(conferenceJsonList())).toBe('conference json_list');
    expect(text(conferenceMember('room-a', 'kick', 36))).toBe('conference room-a kick 36');
    expect(text(conferenceMember('room-a', 'hup', 'all'))).toBe('conference room-a hup all');
    expect(text(conferenceMember('room-a', 'mute', 'non_moderator'))).toBe(
      'conference room-a mute non_moderator',
    );
    expect(text(conferenceLock('room-a', true))).toBe('conference room-a lock');
    expect(text(conferenceLock('room-a', false))).toBe('conference room-a unlock');
    expect(text(showChannelsJson())).toBe('show channels as json');
  });

  it('builds the originate of trace 05 byte for byte', () => {
    const sent = loadTrace(traceFiles().find((f) => f.startsWith('05')) ?? '').find(
      (r) => r.dir === 'out' && r.raw.includes('8aad81ec-8abc-4e93-b965-cd5465ea02c9,'),
    );
    const line = sent?.dir === 'out' ? sent.raw.split('\n')[0] : undefined;
    expect(line).toBe(`bgapi ${text(originate(invitee()))}`);
  });

  it('builds the play_and_get_digits of trace 02 in FreeSWITCH argument order', () => {
    const pagd = playAndGetDigits({
      minDigits: 1,
      maxDigits: 8,
      tries: 1,
      timeoutMs: 3000,
      terminators: '#',
      prompt: 'silence_stream://500',
      invalidPrompt: 'silence_stream://250',
      variable: 'dynconf_pin',
      regexp: '\\d+',
      digitTimeoutMs: 2000,
    });
    expect(app(pagd)).toEqual({
      app: 'play_and_get_digits',
      arg: '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin \\d+ 2000',
    });
    const frame = pagd.ok ? sendmsgFrame(A, pagd.command, EU) : undefined;
    expect(frame?.ok && frame.command).toEqual({
      command: `sendmsg ${A}`,
      headers: {
        'call-command': 'execute',
        'execute-app-name': 'play_and_get_digits',
        'execute-app-arg': '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin \\d+ 2000',
        'event-uuid': EU,
      },
    });
  });

  it('builds the other sendmsg apps and frames', () => {
    expect(app(park())).toEqual({ app: 'park', arg: '' });
    expect(park().ok && (park() as { command: AppCommand }).command.longRunning).toBe(true);
    expect(app(playback('tone_stream://%(10000,0,350,440)'))).toEqual({
      app: 'playback',
      arg: 'tone_stream://%(10000,0,350,440)',
    });
    expect(app(executeApp('answer'))).toEqual({ app: 'answer', arg: '' });
    const h = hangup('USER_BUSY');
    expect(h.ok && sendmsgFrame(A, h.command, EU)).toEqual({
      ok: true,
      command: {
        command: `sendmsg ${A}`,
        headers: { 'call-command': 'hangup', 'hangup-cause': 'USER_BUSY' },
      },
    });
    const k = kill(A);
    expect(k.ok && bgapiFrame(k.command, EU)).toEqual({
      ok: true,
      command: { command: `bgapi uuid_kill ${A}`, headers: { 'job-uuid': EU } },
    });
    expect(k.ok && apiFrame(k.command)).toEqual({
      ok: true,
      command: { command: `api uuid_kill ${A}`, headers: {} },
    });
  });
});

describe('bad input: a clear error naming the field, nothing built', () => {
  it('rejects what is not a uuid, a variable name, a room or a cause', () => {
    expect(errorOf(transferToPark('not-a-uuid'))).toMatchObject({ kind: 'invalid-input', field: 'uuid' });
    expect(errorOf(transferToPark(`${A}\nexit`))).toMatchObject({ field: 'uuid', value: `${A}\nexit` });
    expect(errorOf(bridge(A, `${B} `)).field).toBe('bLegUuid');
    expect(errorOf(setVariable(A, 'bad name', 'x')).field).toBe('name');
    expect(errorOf(getVariable(A, 'x;y')).field).toBe('name');
    expect(errorOf(kill(A, 'normal clearing')).field).toBe('cause');
    expect(errorOf(transferToConference(A, { room: 'a b', profile: 'dynconf' })).reason).toMatch(
      /A-Z a-z 0-9/,
    );
    expect(errorOf(conferenceMember('room-a', 'kick', -1)).field).toBe('member');
    expect(errorOf(conferenceMember('room-a', 'kick', 1.5)).field).toBe('member');
    expect(errorOf(originate(invitee({ timeoutSec: 0 }))).field).toBe('timeoutSec');
    expect(errorOf(originate(invitee({ variables: { origination_uuid: A } }))).field).toBe(
      'variables.origination_uuid',
    );
    expect(errorOf(originate(invitee({ variables: { 'a=b': 'x' } }))).field).toBe('variables.a=b');
    expect(errorOf(executeApp('bridge' as never, 'user/801')).field).toBe('app');
    expect(errorOf(executeApp('playback', 'x\ny')).reason).toMatch(/control characters/);
    expect(errorOf(hangup('x')).field).toBe('cause');
  });

  it('refuses command objects it did not build', () => {
    const fake = { text: 'uuid_kill everything', name: 'uuid_kill' } as unknown as ApiCommand;
    expect(ApiCommand.is(fake)).toBe(false);
    expect(errorOf(apiFrame(fake)).reason).toBe('must be built by commands.ts');
    expect(errorOf(bgapiFrame(fake, EU)).field).toBe('command');
    const fakeApp = { callCommand: 'execute', app: 'system', arg: 'rm -rf /' } as unknown as AppCommand;
    expect(errorOf(sendmsgFrame(A, fakeApp, EU)).field).toBe('command');
    const real = transferToPark(A);
    expect(real.ok && ApiCommand.is(real.command)).toBe(true);
    expect(real.ok && AppCommand.is(real.command)).toBe(false);
  });
});

describe('injection', () => {
  it('escapes spaces and commas in caller ID names: FreeSWITCH reads the same name back, no extra variable', () => {
    const result = originate(invitee({ callerIdName: 'Doe, John', callerIdNumber: '1001' }));
    expect(text(result)).toBe(
      `originate {origination_uuid=${B},originate_timeout=10,ignore_early_media=true,` +
        'origination_caller_id_number=1001,origination_caller_id_name=Doe\\,\\sJohn,dynconf_role=invitee}' +
        'sofia/internal/801@127.0.0.1:5090 &park()',
    );
    const parsed = parseOriginate(text(result));
    expect(parsed.variables).toEqual([
      ['origination_uuid', B],
      ['originate_timeout', '10'],
      ['ignore_early_media', 'true'],
      ['origination_caller_id_number', '1001'],
      ['origination_caller_id_name', 'Doe, John'],
      ['dynconf_role', 'invitee'],
    ]);
    expect(parsed.dialString).toBe('sofia/internal/801@127.0.0.1:5090');
    expect(parsed.rest).toEqual(['&park()']);
  });

  it('keeps a name that tries to add variables or end the block inside its own value', () => {
    const name = 'x,origination_uuid=evil,hangup_after_bridge=false';
    const parsed = parseOriginate(text(originate(invitee({ callerIdName: name }))));
    expect(parsed.variables.filter(([n]) => n === 'origination_uuid')).toEqual([['origination_uuid', B]]);
    expect(parsed.variables.find(([n]) => n === 'origination_caller_id_name')?.[1]).toBe(name);
    expect(parsed.variables.map(([n]) => n)).not.toContain('hangup_after_bridge');
    const withPipe = parseOriginate(text(originate(invitee({ callerIdName: 'a|b^^:c=d &e() x' }))));
    expect(withPipe.variables.find(([n]) => n === 'origination_caller_id_name')?.[1]).toBe(
      'a|b^^:c=d &e() x',
    );
    expect(withPipe.rest).toEqual(['&park()']);
  });

  it('rejects what cannot be escaped safely, with the reason', () => {
    for (const bad of ["O'Brien", 'say "hi"', 'a}b', '{x=y}', 'back\\slash', ' padded', EXPANSION]) {
      const error = errorOf(originate(invitee({ callerIdName: bad })));
      expect({ bad, field: error.field }).toEqual({ bad, field: 'callerIdName' });
      expect(error.reason.length).toBeGreaterThan(5);
    }
    for (const bad of ['x\ny', 'x\r\nbgapi originate user/1 &park()', 'tab\there']) {
      expect(errorOf(originate(invitee({ callerIdName: bad }))).reason).toMatch(/control characters/);
    }
  });

  it('rejects dial strings and numbers that carry separators of any FreeSWITCH layer', () => {
    for (const bad of [
      'user/801,user/802',
      'user/801|user/802',
      'user/801:_:user/802',
      'user/801 &bridge(user/802)',
      '{x=y}user/801',
      '[x=y]user/801',
      "user/8'01",
      'user/801\n',
      `user/${EXPANSION}`,
      'user/80\\1',
      '',
    ]) {
      expect({ bad, field: errorOf(originate(invitee({ dialString: bad }))).field }).toEqual({
        bad,
        field: 'dialString',
      });
    }
  });

  it('rejects room names that would add an inline app or break the conference target', () => {
    for (const room of [
      'a,hangup',
      'a b',
      'a@evil',
      'a+flags{moderator}',
      'a\nexit',
      "a'b",
      '',
      'x'.repeat(65),
    ]) {
      expect(transferToConference(A, { room, profile: 'dynconf' }).ok).toBe(false);
      expect(conferenceJsonList(room).ok).toBe(false);
    }
  });

  it('refuses uuid_broadcast paths that would run an app (app::args) or split the arguments', () => {
    expect(errorOf(broadcast(A, 'system::rm -rf /', 'aleg')).field).toBe('path');
    expect(errorOf(broadcast(A, 'a.wav both', 'aleg')).field).toBe('path');
    expect(errorOf(broadcast(A, 'a.wav', 'evil' as never)).field).toBe('leg');
  });

  it('escapes uuid_setvar values so FreeSWITCH stores them unchanged', () => {
    const value = `it's "fine", really`;
    const built = text(setVariable(A, 'dynconf_note', value));
    expect(built).toBe(`uuid_setvar ${A} dynconf_note it\\'s\\s\\"fine\\",\\sreally`);
    expect(separate(built.slice('uuid_setvar '.length), ' ', 3)).toEqual([A, 'dynconf_note', value]);
    expect(errorOf(setVariable(A, 'x', 'a\nb')).field).toBe('value');
  });

  it('keeps app arguments on one line (a newline in ESL starts a new command)', () => {
    expect(playback('a.wav\napi shutdown').ok).toBe(false);
    expect(playback('a b.wav').ok).toBe(false);
    expect(playback(EXPANSION).ok).toBe(false);
    const pagd = {
      minDigits: 1,
      maxDigits: 8,
      tries: 1,
      timeoutMs: 3000,
      terminators: '#',
      prompt: 'p.wav',
      invalidPrompt: 'i.wav',
      variable: 'dynconf_pin',
      regexp: '\\d+',
      digitTimeoutMs: 2000,
    };
    expect(playAndGetDigits({ ...pagd, regexp: '\\d+ x' }).ok).toBe(false);
    expect(playAndGetDigits({ ...pagd, variable: 'a b' }).ok).toBe(false);
    expect(playAndGetDigits({ ...pagd, terminators: '#\n' }).ok).toBe(false);
    expect(playAndGetDigits({ ...pagd, maxDigits: 0 }).ok).toBe(false);
  });

  it('property: any caller ID name is either refused or arrives exactly, with no extra variable', () => {
    const chars = fc.constantFrom(...'ab Z09 ,=|^:_&(){}[]<>\'"\\$%#*@;!?\n\r\té'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 24 }), (parts) => {
        const name = parts.join('');
        const result = originate(invitee({ callerIdName: name }));
        if (!result.ok) return;
        expect(result.command.text).not.toMatch(/[\r\n]/);
        const parsed = parseOriginate(result.command.text);
        expect(parsed.variables.map(([n]) => n)).toEqual([
          'origination_uuid',
          'originate_timeout',
          'ignore_early_media',
          'origination_caller_id_name',
          'dynconf_role',
        ]);
        expect(parsed.variables[3]?.[1]).toBe(name);
        expect(parsed.dialString).toBe('sofia/internal/801@127.0.0.1:5090');
        expect(parsed.rest).toEqual(['&park()']);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: accepted names with spaces and commas are not refused', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.&|=()-]{0,20}[A-Za-z0-9]$/), (name) => {
        expect(originate(invitee({ callerIdName: name })).ok).toBe(true);
      }),
    );
  });
});

describe('the FreeSWITCH split model used above', () => {
  it('reads the recorded originates as FreeSWITCH did (origination_uuid = the uuid in the job result)', () => {
    const records = loadTrace(traceFiles().find((f) => f.startsWith('05')) ?? '');
    const sent = records.filter((r) => r.dir === 'out' && r.raw.startsWith('bgapi originate'));
    expect(sent.length).toBe(13);
    for (const r of sent) {
      if (r.dir !== 'out') continue;
      const parsed = parseOriginate((r.raw.split('\n')[0] ?? '').slice('bgapi '.length));
      expect(parsed.variables.map(([n]) => n)).toContain('origination_uuid');
      expect(parsed.rest).toEqual(['&park()']);
    }
  });

  it('unescapes and unquotes like cleanup_separated_string', () => {
    expect(cleanup("  'a b'  ", null)).toBe('a b');
    expect(cleanup('a\\sb\\,c', ',')).toBe('a b,c');
    expect(cleanup('a\\,b', null)).toBe('a\\,b');
    expect(separate('a b  c', ' ', 10)).toEqual(['a', 'b', 'c']);
    expect(separate('a b c d', ' ', 3)).toEqual(['a', 'b', 'c d']);
    expect(separate("x='1,2',y=3", ',', 10)).toEqual(['x=1,2', 'y=3']);
  });
});
