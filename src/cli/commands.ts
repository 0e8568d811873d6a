// The command table: one entry per subcommand with its options and help text.
import type { ParseArgsConfig } from 'node:util';
import { checkConfig } from './check-config.js';
import type { CommandContext } from './context.js';
import { demo, simulate } from './demo.js';
import { hashPinCommand } from './hash-pin.js';
import { history } from './history.js';
import { start } from './start.js';
import { status } from './status.js';

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Lines describing each option, for --help. */
  readonly optionHelp: readonly string[];
  readonly positionals: { readonly min: number; readonly max: number };
  run(ctx: CommandContext): Promise<number>;
}

const CONFIG_OPTION_HELP =
  '  --config FILE   configuration file (default: $DYNCONF_CONFIG; DYNCONF_ variables override its fields)';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    summary: 'run the controller against FreeSWITCH',
    usage: 'dynconf start [--config FILE]',
    description:
      "Validates the configuration, then connects to FreeSWITCH's event socket and serves administrators.\nA bad configuration stops the start and names each bad field.",
    options: { config: { type: 'string' } },
    optionHelp: [CONFIG_OPTION_HELP],
    positionals: { min: 0, max: 0 },
    run: start,
  },
  {
    name: 'demo',
    summary: 'play both flows against the embedded FreeSWITCH simulator',
    usage: 'dynconf demo [--speed N] [--verbose]',
    description:
      'Runs dynconf against its own FreeSWITCH simulator and plays the dial-900 and *0 flows with a transcript.\nExit status 0 when every step happened as expected, 1 naming the step that did not.',
    options: { speed: { type: 'string' }, verbose: { type: 'boolean' } },
    optionHelp: [
      '  --speed N       run time N times faster than the wall clock (default 10; 1 = real time)',
      "  --verbose       also show the controller's log lines",
    ],
    positionals: { min: 0, max: 0 },
    run: demo,
  },
  {
    name: 'simulate',
    summary: 'run the FreeSWITCH simulator alone',
    usage:
      'dynconf simulate [--port N] [--host HOST] [--password PW] [--speed N] [--park-timeout S]\n' +
      '                 [--access-number N] [--console] [--log-level LEVEL]',
    description:
      'Starts the event-socket server that behaves like FreeSWITCH 1.10, for trying dynconf without FreeSWITCH.\n' +
      'Extensions 800-819 answer, except 802 busy, 803 never answers, 804 voicemail, 805 rejects, 806 unreachable;\n' +
      'gateway gsm has no answer supervision. With --console, type `help` for the calls and keys you can make.',
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      password: { type: 'string' },
      speed: { type: 'string' },
      'park-timeout': { type: 'string' },
      'access-number': { type: 'string' },
      console: { type: 'boolean' },
      'log-level': { type: 'string' },
    },
    optionHelp: [
      '  --port N            port to listen on (default 8021)',
      '  --host HOST         address to listen on (default 127.0.0.1)',
      '  --password PW       event-socket password (default ClueCon)',
      '  --speed N           run the clock N times faster (default 1)',
      '  --park-timeout S    seconds before the access number\'s "service unavailable" fallback (default 10, 0 = off)',
      '  --access-number N   the access number (default 900)',
      '  --console           read calls and keys from standard input (`help` lists them)',
      '  --log-level LEVEL   log level (default info)',
    ],
    positionals: { min: 0, max: 0 },
    run: simulate,
  },
  {
    name: 'check-config',
    summary: 'validate a configuration file',
    usage: 'dynconf check-config FILE [--print] [--ignore-env]',
    description:
      'Validates FILE with the DYNCONF_ variables of this environment laid over it, exactly as start would,\nand names every bad field. Exit status 0 when valid, 1 when not.',
    options: { print: { type: 'boolean' }, 'ignore-env': { type: 'boolean' } },
    optionHelp: [
      '  --print         also print the effective configuration (secrets redacted)',
      '  --ignore-env    check the file alone, without DYNCONF_ variables',
    ],
    positionals: { min: 1, max: 1 },
    run: checkConfig,
  },
  {
    name: 'hash-pin',
    summary: 'hash an administrator PIN for adminPins',
    usage: 'dynconf hash-pin < pin.txt',
    description:
      'Reads a PIN (4 to 16 digits) from standard input - typed without echo on a terminal - and prints its\nscrypt hash, to put in adminPins instead of the plain PIN. The PIN is never taken from the command line.',
    options: {},
    optionHelp: [],
    positionals: { min: 0, max: 0 },
    run: hashPinCommand,
  },
  {
    name: 'status',
    summary: "show a running controller's state",
    usage: 'dynconf status [--config FILE] [--json]',
    description:
      'Asks the running controller (http.host, http.port, http.token of its configuration) for its state -\nversion, uptime, FreeSWITCH connection, rooms, members, what the administrators are doing - with\nGET /status; without a usable token, only whether it is ready (GET /readyz).\nExit status 0 when it is up and connected to FreeSWITCH.',
    options: { config: { type: 'string' }, json: { type: 'boolean' } },
    optionHelp: [CONFIG_OPTION_HELP, '  --json          print the answer as JSON, as the controller gave it'],
    positionals: { min: 0, max: 0 },
    run: status,
  },
  {
    name: 'history',
    summary: 'show the call history (who called which numbers, how it ended)',
    usage:
      'dynconf history [--config FILE | --db FILE] [--from TIME] [--to TIME] [--caller NUMBER]\n' +
      '                [--number NUMBER] [--outcome LIST] [--tenant CONTEXT] [--flow access|escalation]\n' +
      '                [--limit N] [--cursor C] [--json] [--utc]',
    description:
      'Reads the call history file (history.path of the configuration; read-only, the controller may be\n' +
      'running) and prints the administrator sessions, newest first, each with the numbers it called or\n' +
      'tried: who, when, which routing rule, how each ended, how long it rang and talked.\n' +
      'TIME: ISO 8601 (2026-11-24, 2026-11-24T08:00), epoch milliseconds, or back from now (30m, 24h, 7d, 2w).\n' +
      'NUMBER: exact, or a prefix with a trailing * (--number "0049*").\n' +
      'Outcomes (comma-separated; a session matches if it or one of its invitations has one):\n' +
      '  sessions     admin-hung-up, pin-failed, locked-out, call-restored, other-party-gone, service-error,\n' +
      '               open (no end recorded)\n' +
      '  invitations  answered, voicemail, cancelled, no-answer, busy, rejected, unreachable, failed,\n' +
      '               not-allowed, invalid-number, too-many-calls, refused (any number refused before a call)\n' +
      'Exit status 0 when the file could be read (also when nothing matches), 1 when not.',
    options: {
      config: { type: 'string' },
      db: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      caller: { type: 'string' },
      number: { type: 'string' },
      outcome: { type: 'string' },
      tenant: { type: 'string' },
      flow: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      json: { type: 'boolean' },
      utc: { type: 'boolean' },
    },
    optionHelp: [
      '  --config FILE     configuration file (default: $DYNCONF_CONFIG; DYNCONF_ variables override its fields)',
      "  --db FILE         read this history file instead of the configuration's",
      '  --from TIME       sessions started at or after TIME',
      '  --to TIME         sessions started before TIME',
      "  --caller NUMBER   the administrator's caller ID number",
      '  --number NUMBER   a number called (or refused) in the session',
      '  --outcome LIST    session or invitation outcomes (see above)',
      '  --tenant CONTEXT  the tenant (dialplan context) of the session',
      '  --flow FLOW       access (dialled in) or escalation (*0)',
      '  --limit N         sessions per page, 1 to 500 (default 50)',
      '  --cursor C        the next page, as the previous one said',
      '  --json            print the page as JSON (as GET /api/history gives it)',
      '  --utc             times in UTC (default: local time)',
    ],
    positionals: { min: 0, max: 0 },
    run: history,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

export function commandHelp(command: CommandSpec): string {
  const options = [...command.optionHelp, '  -h, --help      show this help'];
  return `Usage: ${command.usage}\n\n${command.description}\n\nOptions:\n${options.join('\n')}\n`;
}

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: dynconf <command> [options]',
    '',
    'Dynamic conference for FreeSWITCH: dial the access number or press *0, enter the PIN, build a room.',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'dynconf <command> --help' for a command's options. 'dynconf --version' prints the version.",
    '',
  ].join('\n');
}
