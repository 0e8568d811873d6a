// Errors as values: every fallible operation of the event-socket layer returns one of these.

/** Why a command could not be built: names the input, the offending value and the rule it broke. */
export interface InvalidCommandInput {
  readonly kind: 'invalid-input';
  /** The parameter that was rejected, e.g. `callerIdName`, `uuid`, `room`. */
  readonly field: string;
  /** The rejected value (as given; a PIN is never passed to a command builder). */
  readonly value: string;
  /** Human-readable rule, e.g. `must be a uuid`. */
  readonly reason: string;
}

/** Result of a command builder in commands.ts. */
export type BuildResult<T> =
  | { readonly ok: true; readonly command: T }
  | { readonly ok: false; readonly error: InvalidCommandInput };

/** Why a command sent to FreeSWITCH failed. */
export type CommandError =
  /** No answer within the caller's `timeoutMs` (the command may still run later; see connection.ts). */
  | { readonly kind: 'timeout'; readonly message: string; readonly timeoutMs: number }
  /** FreeSWITCH answered with a failure (`-ERR …`, `-USAGE …`); `reply` is its text, trimmed. */
  | { readonly kind: 'rejected'; readonly message: string; readonly reply: string }
  /** The connection was closed by `close()` (or was never started) before the command completed. */
  | { readonly kind: 'closed'; readonly message: string }
  /** The command object was not built by commands.ts, or an option was invalid. */
  | InvalidCommandInput
  /** Anything else (a reply without a Reply-Text, a job uuid already pending). */
  | { readonly kind: 'failed'; readonly message: string };

export function invalidInput(field: string, value: string, reason: string): InvalidCommandInput {
  return { kind: 'invalid-input', field, value, reason };
}

/** One line for logs and reasons: FreeSWITCH's own reply when it refused, otherwise what went wrong. */
export function describeCommandError(error: CommandError): string {
  switch (error.kind) {
    case 'rejected':
      return error.reply;
    case 'invalid-input':
      return `invalid ${error.field}: ${error.reason}`;
    default:
      return error.message;
  }
}
