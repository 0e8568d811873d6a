// `dynconf start` as a process, against the simulator: SIGTERM drains the calls (an administrator ringing
// someone is back in the room, the ringing leg cancelled; a private talk joins the room) and the process
// exits 0, leaving the calls up in FreeSWITCH.
//
// The process is `tsx src/cli.ts start`, the binary `npx tsx` runs: npx itself (npm exec, through a shell)
// does not pass SIGTERM on and reports only its own death by the signal, so it is left out to see the
// controller's exit code; tsx passes the signal to the controller and exits with its code.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../src/clock.js';
import { openHistoryReader } from '../../src/history/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { ADMIN_PIN, TEST_ROUTES } from '../e2e/support/harness.js';

const projectRoot = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'dynconf-sigterm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

describe('dynconf start and SIGTERM', () => {
  it('drains the calls and exits 0', { timeout: 60_000 }, async () => {
    const sim: Simulator = await startSimulator({ clock: realClock, dialplan: { parkTimeoutSec: 0 } });
    sim.directory.set('801', { kind: 'answer', afterMs: 300 });
    sim.directory.set('802', { kind: 'ring-forever' });
    const file = join(dir, 'dynconf.json');
    writeFileSync(
      file,
      JSON.stringify({
        eventSocket: { host: sim.host, port: sim.port, password: sim.password },
        adminPins: [ADMIN_PIN],
        routes: TEST_ROUTES,
        http: { port: 0 },
        log: { level: 'info' },
        // The history in the test's own directory (never the working directory), read after the exit.
        history: { path: join(dir, 'history.sqlite') },
      }),
    );
    const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, ['src/cli.ts', 'start', '--config', file], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exit = exited(child);
    try {
      const wait = { timeoutMs: 30_000 };
      await sim.waitFor(() => output.includes('FreeSWITCH state taken over'), {
        ...wait,
        what: 'the controller up',
      });
      const enterPin = async (call: ReturnType<Simulator['call']>) => {
        await call.waitUntil('collecting', wait);
        await call.press(`${ADMIN_PIN}#`);
        return call.waitUntil('in-conference', wait);
      };
      const dial = async (call: ReturnType<Simulator['call']>, number: string) => {
        await call.press('0');
        await call.waitUntil('collecting', wait);
        await call.press(`${number}#`);
        return sim.waitFor(
          () =>
            sim.channels().find((c) => c.variables.dynconf_admin === call.uuid && c.direction === 'outbound'),
          { ...wait, what: `the call to ${number}` },
        );
      };
      const ringer = await sim.placeCall({ from: '1001', to: '900' });
      const ringerRoom = (await enterPin(ringer)).room;
      const ringing = await dial(ringer, '802');
      const talker = await sim.placeCall({ from: '1002', to: '900' });
      const talkerRoom = (await enterPin(talker)).room;
      const invitee = await dial(talker, '801');
      await sim.waitFor(() => talker.where().bridgedTo === invitee.uuid, {
        ...wait,
        what: 'the private talk',
      });

      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(output).toContain('drained');
      // The calls outlive the controller, each in a safe place.
      expect(sim.channel(ringing.uuid)).toBeUndefined();
      expect(ringer.where()).toMatchObject({ state: 'in-conference', room: ringerRoom });
      expect(talker.where()).toMatchObject({ state: 'in-conference', room: talkerRoom });
      expect(sim.call(invitee.uuid).where()).toMatchObject({ state: 'in-conference', room: talkerRoom });
      expect(sim.room(talkerRoom ?? '')?.members.find((m) => m.uuid === talker.uuid)?.moderator).toBe(true);
      // `dynconf start` recorded both sessions and their calls, and wrote them before it exited.
      const opened = openHistoryReader(join(dir, 'history.sqlite'));
      if (!opened.ok) throw new Error(opened.message);
      try {
        const page = opened.reader.query({ limit: 10 });
        expect(page.sessions.map((x) => x.callerNumber).sort()).toEqual(['1001', '1002']);
        expect(page.sessions.flatMap((x) => x.invitations.map((i) => i.number)).sort()).toEqual([
          '801',
          '802',
        ]);
      } finally {
        opened.reader.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exit;
      await sim.close();
    }
  });
});
