// Runs the demo: sets the stage, plays every step in order, stops at the first step that did not happen
// as expected, and always hangs up and closes what it started.
import type { TextSink } from '../cli/io.js';
import { type Clock, VirtualClock } from '../clock.js';
import { dialToneFor, promptsOfSet } from '../prompts.js';
import type { PhoneBehaviour } from '../simulator/index.js';
import { Cast } from './cast.js';
import { Describer } from './describe.js';
import { ending } from './ending.js';
import { flowOne } from './flow-one.js';
import { flowTwo } from './flow-two.js';
import { type DemoLog, demoLog } from './logs.js';
import { Narrator } from './narrator.js';
import { Play, StepFailure } from './play.js';
import { Sounds } from './sounds.js';
import { GSM_GATEWAY, RING_TIMEOUT_MS, type Stage, startStage } from './stage.js';
import type { DemoSection } from './step.js';
import { createStyle } from './style.js';
import { Transcript } from './transcript.js';

export interface DemoOptions {
  /** How much faster than the wall clock time runs (the default clock's pace). */
  readonly speed: number;
  /**
   * The simulator's and the controller's clock instead of the wall clock × speed: a test gives a
   * VirtualClock, so that the demo's verdicts never depend on how busy the machine is.
   */
  readonly clock?: Clock;
  readonly verbose: boolean;
  readonly out: TextSink;
  readonly color: boolean;
  /** Phones that behave differently from the demo's directory (a test breaks a step this way). */
  readonly directory?: Readonly<Record<string, PhoneBehaviour>>;
}

export type DemoResult =
  | { readonly ok: true; readonly steps: number }
  | { readonly ok: false; readonly failedStep?: string; readonly reason: string };

/** How many log lines to show after a failure when they were not shown all along. */
const LOG_LINES_ON_FAILURE = 15;

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const style = createStyle(options.color);
  const out = options.out;
  // The transcript needs the stage's clock: lines logged while the stage starts are only kept.
  let transcript: Transcript | undefined;
  const log: DemoLog = demoLog(options.verbose ? 'info' : 'debug', (text) => {
    if (options.verbose) transcript?.log(text);
  });
  const wallStart = Date.now();
  let stage: Stage;
  try {
    stage = await startStage({
      speed: options.speed,
      logger: log.logger,
      directory: options.directory,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    out.write(`${style.red('dynconf demo: could not start the simulator and the controller:')} ${reason}\n`);
    for (const line of log.recent().slice(-LOG_LINES_ON_FAILURE)) out.write(style.dim(`  ${line}\n`));
    return { ok: false, reason };
  }
  const { sim, config } = stage;
  transcript = new Transcript(out, style, stage.clock);
  const cast = new Cast(sim);
  // The simulator has FreeSWITCH's English sound package: the configured set plays as it is, the dial tone
  // as long as number entry makes it (prompts.ts dialToneFor).
  const configured = promptsOfSet(config.promptSet, config.prompts);
  const prompts = {
    ...configured,
    'dial-tone': dialToneFor(configured['dial-tone'], config.dialTimeoutMs).prompt,
  };
  const sounds = new Sounds(prompts);
  const narrator = new Narrator(sim, cast, transcript, sounds);
  const describer = new Describer(sim, cast, sounds);
  const play = new Play({ sim, cast, narrator, describer, transcript, prompts, speed: options.speed });

  transcript.plain(style.bold('dynconf demo: the dynamic conference, played against a simulated FreeSWITCH'));
  transcript.plain(
    style.dim(
      [
        `  FreeSWITCH simulator on ${sim.host}:${sim.port}; dynconf connected to its event socket; ${pace(options)}.`,
        `  Admin PIN ****. Extensions: 801 answers, 802 never does, 804 forwards to voicemail.`,
        `  7 + a mobile number goes out through the "${GSM_GATEWAY}" gateway (no answer supervision).`,
        `  Ring timeout ${RING_TIMEOUT_MS / 1000} s. Times are seconds of phone time.`,
      ].join('\n'),
    ),
  );

  const sections: DemoSection[] = [flowOne(config.accessNumber), flowTwo(config.maxPinAttempts), ending()];
  let number = 0;
  let result: DemoResult = { ok: true, steps: 0 };
  try {
    outer: for (const section of sections) {
      transcript.section(section.title);
      for (const step of section.steps) {
        number++;
        narrator.flush();
        transcript.step(number, step.title);
        try {
          await step.run(play);
          transcript.where(describer.everything());
        } catch (err) {
          const failedStep = `step ${number}, "${step.title}"`;
          const details =
            err instanceof StepFailure
              ? [`expected: ${err.expected}`, `found:    ${err.found}`]
              : [err instanceof Error ? err.message : String(err)];
          narrator.flush();
          transcript.failure(`${failedStep} did not happen as expected`, details);
          if (!options.verbose) {
            transcript.plain(style.dim("   the controller's last log lines:"));
            for (const line of log.recent().slice(-LOG_LINES_ON_FAILURE))
              transcript.plain(style.dim(`     ${line}`));
          }
          result = { ok: false, failedStep, reason: details.join('; ') };
          break outer;
        }
      }
    }
  } finally {
    narrator.flush();
    narrator.stop();
    await hangUpEverything(stage);
    await stage.close();
  }

  const phoneSeconds = transcript.seconds().toFixed(0);
  const wallSeconds = ((Date.now() - wallStart) / 1000).toFixed(1);
  transcript.plain();
  if (result.ok) {
    result = { ok: true, steps: number };
    transcript.plain(
      style.green(
        style.bold(
          `✓ All ${number} steps happened as expected (${phoneSeconds} s of phone time in ${wallSeconds} s).`,
        ),
      ),
    );
  } else {
    transcript.plain(style.red(style.bold(`✗ The demo stopped at ${result.failedStep}.`)));
  }
  return result;
}

/** How the demo's time runs, for its header. */
function pace(options: DemoOptions): string {
  if (options.clock === undefined) return `time runs ×${options.speed}`;
  if (options.clock instanceof VirtualClock)
    return 'time runs on a virtual clock (it moves while the demo waits)';
  return 'time runs on the clock given';
}

/** Whatever a failed step left up is hung up, so nothing outlives the demo. */
async function hangUpEverything(stage: Stage): Promise<void> {
  for (const channel of stage.sim.channels()) await stage.sim.call(channel.uuid).hangup();
  await stage.sim
    .waitFor(() => stage.sim.channels().length === 0, { timeoutMs: 2000 })
    .catch(() => undefined);
}
