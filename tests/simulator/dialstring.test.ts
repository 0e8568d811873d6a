// Dial strings and argument lists are parsed as FreeSWITCH parses them, so odd or hostile input behaves
// as it would on the real switch.
import { describe, expect, test } from 'vitest';
import {
  DialStringError,
  parseDialString,
  splitArgs,
  splitOriginateArgs,
} from '../../src/simulator/dialstring.js';

describe('parseDialString', () => {
  test('channel variables, then the target', () => {
    const d = parseDialString('{origination_uuid=abc,originate_timeout=10,ignore_early_media=true}user/801');
    expect(d.target).toBe('user/801');
    expect(Object.fromEntries(d.vars)).toEqual({
      origination_uuid: 'abc',
      originate_timeout: '10',
      ignore_early_media: 'true',
    });
  });

  test('quoted values keep their commas; a comma smuggled in a quote cannot add a variable', () => {
    const d = parseDialString("{a='x,origination_uuid=evil',b=2}[c=3]sofia/gateway/gsm/0612");
    expect(d.vars.get('a')).toBe('x,origination_uuid=evil');
    expect(d.vars.has('origination_uuid')).toBe(false);
    expect(d.vars.get('c')).toBe('3');
    expect(d.target).toBe('sofia/gateway/gsm/0612');
  });

  test('escaped commas and later values winning', () => {
    const d = parseDialString('{a=1\\,2,a=3}loopback/7002');
    expect(d.vars.get('a')).toBe('3');
    expect(parseDialString('{a=1\\,2}x').vars.get('a')).toBe('1,2');
  });

  test('an unbalanced bracket is an error, not a guess', () => {
    expect(() => parseDialString('{a=1user/801')).toThrow(DialStringError);
  });
});

describe('argument splitting', () => {
  test('originate: dial string with braces stays one word', () => {
    expect(splitOriginateArgs("{a='x y',b=1}user/801 &park() XML default")).toEqual({
      dial: "{a='x y',b=1}user/801",
      rest: ['&park()', 'XML', 'default'],
    });
    expect(splitOriginateArgs('  ')).toBeUndefined();
  });

  test('application arguments honour quotes', () => {
    expect(splitArgs('1 8 1 3000 \'#\' "silence_stream://500" var \\d+')).toEqual([
      '1',
      '8',
      '1',
      '3000',
      '#',
      'silence_stream://500',
      'var',
      '\\d+',
    ]);
  });
});
