// Where the history file is, with and without history.path, under systemd and elsewhere.
import { describe, expect, it } from 'vitest';
import { historyPath, STATE_DIR } from '../../src/history/index.js';

const none = () => false;
const stateDirExists = (path: string) => path === STATE_DIR;

describe('historyPath', () => {
  it('history.path wins; relative to the working directory', () => {
    expect(historyPath({ path: '/srv/h.sqlite' }, { env: { STATE_DIRECTORY: '/x' }, cwd: '/w' })).toBe(
      '/srv/h.sqlite',
    );
    expect(historyPath({ path: 'data/h.sqlite' }, { env: {}, cwd: '/w' })).toBe('/w/data/h.sqlite');
    expect(historyPath({ path: ':memory:' }, { env: {}, cwd: '/w' })).toBe(':memory:');
  });

  it("systemd's StateDirectory= (the first of several)", () => {
    expect(
      historyPath(
        {},
        { env: { STATE_DIRECTORY: '/var/lib/dynconf:/var/lib/other' }, cwd: '/', isDirectory: none },
      ),
    ).toBe('/var/lib/dynconf/history.sqlite');
    expect(historyPath({}, { env: { STATE_DIRECTORY: 'relative' }, cwd: '/w', isDirectory: none })).toBe(
      '/w/dynconf-history.sqlite',
    );
  });

  it('/var/lib/dynconf when it exists (dynconf history on the PBX finds the service’s file)', () => {
    expect(historyPath({}, { env: {}, cwd: '/home/me', isDirectory: stateDirExists })).toBe(
      '/var/lib/dynconf/history.sqlite',
    );
  });

  it('else the working directory', () => {
    expect(historyPath({}, { env: {}, cwd: '/home/me', isDirectory: none })).toBe(
      '/home/me/dynconf-history.sqlite',
    );
  });
});
