// `dynconf hash-pin`: reads a PIN from standard input (hidden on a terminal, never from the command line,
// where it would stay in the shell history and the process list) and prints its scrypt hash for adminPins.
import { hashPin } from '../config/index.js';
import { PLAIN_PIN_PATTERN } from '../config/pin.js';
import type { CommandContext } from './context.js';
import { EXIT_FAILED, EXIT_OK } from './io.js';
import { readSecretLine } from './secret-input.js';

export async function hashPinCommand(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const line = await readSecretLine(io, 'PIN (4 to 16 digits, not shown): ');
  if (line === null) {
    io.stderr.write('dynconf hash-pin: no PIN on standard input\n');
    return EXIT_FAILED;
  }
  const pin = line.trim();
  if (!PLAIN_PIN_PATTERN.test(pin)) {
    io.stderr.write('dynconf hash-pin: a PIN must be 4 to 16 digits\n');
    return EXIT_FAILED;
  }
  io.stdout.write(`${await hashPin(pin)}\n`);
  return EXIT_OK;
}
