// Reads one line from standard input. On a terminal the typed characters are not echoed (a PIN must not
// show on screen or in a terminal recording); piped input is read as is.
import type { CliIo } from './io.js';

const MAX_LINE = 256;

function readPiped(stdin: CliIo['stdin']): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (value: string | null) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      stdin.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const newline = buffered.search(/\r?\n/);
      if (newline >= 0) finish(buffered.slice(0, newline));
      else if (buffered.length > MAX_LINE) finish(buffered.slice(0, MAX_LINE));
    };
    const onEnd = () => finish(buffered.length > 0 ? buffered : null);
    const onError = (err: Error) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      reject(err);
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
}

function readHidden(io: CliIo, prompt: string): Promise<string | null> {
  const { stdin } = io;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(typed);
        if (ch === '\u0003' || ch === '\u0004') return finish(null); // Ctrl-C, Ctrl-D
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (typed.length < MAX_LINE) typed += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** One line without its line ending, or null when input ended (or Ctrl-C/Ctrl-D) before any text. */
export function readSecretLine(io: CliIo, prompt: string): Promise<string | null> {
  return io.stdin.isTTY === true ? readHidden(io, prompt) : readPiped(io.stdin);
}
