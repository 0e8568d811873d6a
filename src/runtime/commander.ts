// The runtime's side of the event socket: sends commands built by src/esl/commands.ts with the configured
// timeout, turns every failure (bad input, -ERR, timeout, closed socket) into a typed value (CommandError,
// described only where it is logged), and logs each command by name and channel only (arguments can hold
// dial strings; never anything secret, but kept short). Every command the runtime sends passes here, so this
// is the one place commands are counted (the status view and `dynconf status` read these counters).
import { randomUUID } from 'node:crypto';
import type { EslCommandPort } from '../esl/command-port.js';
import type { ApiCommand, AppCommand } from '../esl/commands.js';
import type { BgapiResult } from '../esl/connection.js';
import { type BuildResult, type CommandError, describeCommandError } from '../esl/result.js';
import type { Logger } from '../log.js';

/** What the runtime uses of EslConnection (tests may give a fake). */
export type EslPort = EslCommandPort;

export type CommandOutcome =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly error: CommandError };

export interface CommanderCounters {
  /** Commands handed to the event socket. */
  readonly sent: number;
  /** Commands that failed: refused by FreeSWITCH, not sent (bad input, socket closed) or timed out. */
  readonly failed: number;
  /** Of the failed: no reply (or job result) within the timeout. */
  readonly timedOut: number;
  /** Sent and not answered yet (background jobs: until their result). */
  readonly inFlight: number;
}

export class Commander {
  readonly #port: EslPort;
  readonly #timeoutMs: number;
  #sent = 0;
  #failed = 0;
  #timedOut = 0;
  #inFlight = 0;

  constructor(port: EslPort, timeoutMs: number) {
    this.#port = port;
    this.#timeoutMs = timeoutMs;
  }

  counters(): CommanderCounters {
    return { sent: this.#sent, failed: this.#failed, timedOut: this.#timedOut, inFlight: this.#inFlight };
  }

  /** `api <command>`; `-ERR …` and every other failure come back as `{ ok: false, error }`. */
  async api(built: BuildResult<ApiCommand>, logger: Logger): Promise<CommandOutcome> {
    if (!built.ok) return this.#invalid(built.error, logger);
    this.#sent++;
    const result = await this.#safe(() => this.#port.api(built.command, { timeoutMs: this.#timeoutMs }));
    if (result.ok) {
      logger.debug({ command: built.command.name }, 'command done');
      return { ok: true, body: result.body };
    }
    return this.#failure(built.command.name, result.error, logger);
  }

  /**
   * `bgapi <command>` with our own job uuid (registered by the caller before this is called); resolves
   * with the job's outcome. `timeoutMs` must cover the job (e.g. the whole ring time of an originate).
   */
  async bgapi(
    built: BuildResult<ApiCommand>,
    jobUuid: string,
    timeoutMs: number,
    logger: Logger,
  ): Promise<BgapiResult> {
    if (!built.ok) {
      this.#invalid(built.error, logger);
      return { ok: false, jobUuid, error: built.error };
    }
    this.#sent++;
    const result = await this.#safe(() => this.#port.bgapi(built.command, { timeoutMs, jobUuid }));
    if (!result.ok) {
      this.#countFailure(result.error);
      logger.debug(
        { command: built.command.name, error: describeCommandError(result.error) },
        'background job failed',
      );
      return { ...result, jobUuid };
    }
    return result;
  }

  /** `sendmsg <uuid>` execute; resolves once FreeSWITCH queued it. The app's events carry `eventUuid`. */
  async execute(
    uuid: string,
    built: BuildResult<AppCommand>,
    logger: Logger,
    eventUuid: string = randomUUID(),
  ): Promise<CommandOutcome & { readonly eventUuid: string }> {
    if (!built.ok) return { ...this.#invalid(built.error, logger), eventUuid };
    this.#sent++;
    const result = await this.#safe(() =>
      this.#port.execute(uuid, built.command, { timeoutMs: this.#timeoutMs, eventUuid }),
    );
    if (result.ok) {
      logger.debug({ command: `sendmsg ${built.command.app}` }, 'command queued');
      return { ok: true, body: '', eventUuid };
    }
    return { ...this.#failure(`sendmsg ${built.command.app}`, result.error, logger), eventUuid };
  }

  #invalid(error: CommandError, logger: Logger): CommandOutcome {
    this.#failed++;
    logger.error({ error: describeCommandError(error) }, 'command not sent: invalid input');
    return { ok: false, error };
  }

  #failure(name: string, error: CommandError, logger: Logger): CommandOutcome {
    this.#countFailure(error);
    logger.debug({ command: name, error: describeCommandError(error) }, 'command failed');
    return { ok: false, error };
  }

  #countFailure(error: CommandError): void {
    this.#failed++;
    if (error.kind === 'timeout') this.#timedOut++;
  }

  /** Commands sent and not answered yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The port never should throw; if it does, the failure is still a value. */
  async #safe<T extends { ok: boolean }>(
    send: () => Promise<T>,
  ): Promise<T | { ok: false; error: CommandError }> {
    this.#inFlight++;
    try {
      return await send();
    } catch (err) {
      return {
        ok: false,
        error: { kind: 'failed', message: err instanceof Error ? err.message : String(err) },
      };
    } finally {
      this.#inFlight--;
    }
  }
}
