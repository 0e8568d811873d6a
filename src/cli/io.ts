// What the CLI talks to. Tests pass in-memory streams; the entry point passes the process's own.
import type { Readable } from 'node:stream';

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: TextSink;
  /** Where logs go; `isTTY` when it is a terminal (readable log lines then). */
  readonly stderr: TextSink & { readonly isTTY?: boolean };
  /** Standard input (hash-pin reads the PIN from it). */
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes: 0 done, 1 failed (bad configuration, not available, not running), 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
