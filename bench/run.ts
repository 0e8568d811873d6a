// `npm run bench`: event ingest (dynconf vs esl-lite vs modesl on recorded FreeSWITCH events), load
// (administrator sessions on simulator nodes), the targets, and bench/results.json, from one run.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, USAGE } from './args.js';
import { type IngestReport, runIngest } from './ingest/run-ingest.js';
import { type LatencyReport, runLatency } from './latency/run-latency.js';
import { type KneeReport, runKnee } from './load/knee.js';
import { type LoadStepResult, runLoadStep } from './load/run-load.js';
import { machineInfo } from './machine.js';
import { type HotFunction, hotFunctions, readProfile } from './profile-summary.js';
import {
  hotTable,
  ingestTable,
  kneeTable,
  kneeText,
  latencyTable,
  loadTable,
  machineText,
  soakText,
  targetsTable,
} from './report.js';
import { runSoak, type SoakResult } from './soak.js';
import { checkTargets } from './targets.js';

const PROFILED_SESSIONS = 1000;
const HOT_FUNCTIONS = 15;

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A fresh folder for one part's profiles; node writes one file per thread into it. */
function profileFlags(dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** The main thread's profile: the largest file (the module loader's thread writes a small one too). */
function summarise(dir: string): { file: string; hot: HotFunction[] } | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const file = files[0];
  return file === undefined ? undefined : { file, hot: hotFunctions(readProfile(file), HOT_FUNCTIONS) };
}

async function main(): Promise<void> {
  // The traces' default place is found from the source tree; the compiled bench runs from dist/.
  process.env.DYNCONF_TRACES ??= resolve('../shared/freeswitch-traces');
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const machine = machineInfo();
  const started = new Date();
  say(`dynconf bench on ${machineText(machine)}`);
  const ingestProfileDir = resolve('bench/profiles/ingest');
  const loadProfileDir = resolve('bench/profiles/load');

  const runs = (part: 'ingest' | 'load' | 'knee' | 'latency') => args.only === 'all' || args.only === part;
  let ingest: IngestReport | undefined;
  if (runs('ingest')) {
    ingest = await runIngest({
      targetBytes: args.ingestMb * 1e6,
      lanes: args.lanes,
      runs: args.ingestRuns,
      dynconfNodeFlags: args.profile ? profileFlags(ingestProfileDir) : [],
      progress: say,
    });
  }

  const load: LoadStepResult[] = [];
  if (runs('load')) {
    for (const nodes of args.nodes) {
      for (const sessions of args.sessions) {
        say(`load: ${sessions} sessions on ${nodes} node(s)…`);
        const profiled = args.profile && nodes === args.nodes[0] && sessions === PROFILED_SESSIONS;
        const step = await runLoadStep({
          sessions,
          nodes,
          controllerNodeFlags: profiled ? profileFlags(loadProfileDir) : [],
        });
        say(
          `  ${step.completed}/${sessions} done, ${step.refused} refused (busy), ${step.failed} lost, in ${step.seconds.toFixed(1)} s, reaction p99 ${step.reactionMs.p99.toFixed(2)} ms`,
        );
        if (step.errors.length > 0) say(`  errors: ${step.errors.join('; ')}`);
        load.push(step);
      }
    }
  }

  let knee: KneeReport | undefined;
  if (runs('knee')) {
    const nodes = Math.max(...args.nodes);
    say(
      `knee: administrators arriving at ${args.kneeRates.join(', ')}/s, ${args.kneeWindowSeconds} s each, on ${nodes} node(s)…`,
    );
    knee = await runKnee({
      nodes,
      rates: args.kneeRates,
      windowSeconds: args.kneeWindowSeconds,
      cpus: machine.nproc,
      progress: say,
    });
  }

  let latency: LatencyReport | undefined;
  if (runs('latency')) {
    say(
      `latency: ${args.latencyWarmup} rounds to warm up, then ${args.latencyRounds} rounds of **, *# and answers, one at a time…`,
    );
    latency = await runLatency(args.latencyRounds, args.latencyWarmup);
    if (latency.error !== undefined) say(`  error: ${latency.error}`);
  }

  let soak: SoakResult | undefined;
  if (args.soak) {
    say(`soak: ${args.soakMinutes} min…`);
    soak = await runSoak(args.soakMinutes, say);
  }

  const profiles = args.profile
    ? {
        ingest: runs('ingest') ? summarise(ingestProfileDir) : undefined,
        load: runs('load') ? summarise(loadProfileDir) : undefined,
      }
    : undefined;
  const targets = checkTargets(ingest, load, soak, latency, knee);

  say('');
  if (ingest) {
    say(
      `Ingest: ${(ingest.streamBytes / 1e6).toFixed(0)} MB, ${ingest.streamEvents} events over loopback TCP (best of ${args.ingestRuns})`,
    );
    say(ingestTable(ingest));
    say('');
  }
  if (load.length > 0) {
    say('Load: administrators doing flow 1 (PIN, dial 801 who answers, **), controller in its own process');
    say(loadTable(load));
    say('');
  }
  if (knee) {
    say(
      `Capacity: administrators arriving at a rising rate (flow 1, ${knee.windowSeconds} s per rate, ${knee.nodes} simulator node(s), ${knee.cpus} CPUs shared)`,
    );
    say(kneeTable(knee));
    say(kneeText(knee));
    say('');
  }
  if (latency) {
    say(
      `Latency: event decoded → commands handed to the socket, one administrator at a time (${latency.rounds} rounds after ${latency.warmupRounds} not counted, ${latency.incomplete} incomplete; simulator at a lower CPU priority)`,
    );
    say(latencyTable(latency));
    say('');
  }
  if (soak) say(`${soakText(soak)}\n`);
  for (const [part, summary] of Object.entries(profiles ?? {})) {
    if (summary === undefined) continue;
    say(`Profile (${part}): ${summary.file}`);
    say(hotTable(summary.hot));
    say('');
  }
  say('Targets');
  say(targetsTable(targets));

  const results = {
    startedAt: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    machine,
    loadAverageAtEnd: loadavg()[0],
    args,
    ingest,
    load,
    knee,
    latency,
    soak,
    profiles,
    targets,
  };
  writeFileSync(resolve(args.out), `${JSON.stringify(results, null, 2)}\n`);
  say(`\nwrote ${args.out}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
