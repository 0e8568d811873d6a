// `dynconf history`: reads the call history file directly (read-only; the controller need not run, and may
// be writing to it meanwhile) and prints the sessions, newest first, with the numbers each called: a table,
// or with --json the page as the HTTP API gives it. Where the file is comes from the configuration's
// `history` section (same file and DYNCONF_ variables as `start`), or --db.
import { resolve } from 'node:path';
import { formatConfigIssues } from '../config/index.js';
import {
  type FilterText,
  historyPath,
  openHistoryReader,
  parseHistoryFilter,
  SCHEMA_VERSION,
} from '../history/index.js';
import { type CommandContext, stringOption } from './context.js';
import { loadHistorySettings } from './history-settings.js';
import { formatHistoryTable } from './history-table.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';

const FILTER_OPTIONS = [
  'from',
  'to',
  'caller',
  'number',
  'outcome',
  'tenant',
  'flow',
  'limit',
  'cursor',
] as const;

/** The history file this command reads, or a message saying why there is none. */
function locate(ctx: CommandContext): { path: string } | { message: string } {
  const { io } = ctx;
  const db = stringOption(ctx, 'db');
  if (db !== undefined) return { path: resolve(io.cwd, db) };
  const file = stringOption(ctx, 'config');
  const settings = loadHistorySettings({ env: io.env, cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  if (!settings.ok) return { message: `invalid configuration\n${formatConfigIssues(settings.issues)}` };
  const path = historyPath(settings.history, { env: io.env, cwd: io.cwd });
  if (path === ':memory:') return { message: 'history.path is :memory: - that history is never on disk' };
  if (!settings.history.enabled)
    io.stderr.write(
      `dynconf history: history.enabled is false in this configuration; reading ${path} anyway\n`,
    );
  return { path };
}

export async function history(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const text: Record<string, string | undefined> = {};
  for (const name of FILTER_OPTIONS) text[name] = stringOption(ctx, name);
  const parsed = parseHistoryFilter(text as FilterText);
  if (!parsed.ok) {
    io.stderr.write(`dynconf history: --${parsed.field} ${parsed.message}\nSee 'dynconf history --help'.\n`);
    return EXIT_USAGE;
  }
  const where = locate(ctx);
  if ('message' in where) {
    io.stderr.write(`dynconf history: ${where.message}\n`);
    return EXIT_FAILED;
  }
  const opened = openHistoryReader(where.path);
  if (!opened.ok) {
    io.stderr.write(`dynconf history: ${opened.message}\n`);
    return EXIT_FAILED;
  }
  const { reader } = opened;
  try {
    if (reader.schemaVersion > SCHEMA_VERSION)
      io.stderr.write(
        `dynconf history: ${reader.path} was written by a newer dynconf (schema ${reader.schemaVersion}, this one knows ${SCHEMA_VERSION}); reading what this one understands\n`,
      );
    const page = reader.query(parsed.filter);
    if (ctx.values.json === true) {
      io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      return EXIT_OK;
    }
    const utc = ctx.values.utc === true;
    const zone = utc ? 'UTC' : `local time (${Intl.DateTimeFormat().resolvedOptions().timeZone})`;
    io.stdout.write(`Call history in ${reader.path}, newest first; times in ${zone}\n\n`);
    io.stdout.write(formatHistoryTable(page, { utc }));
    if (page.next !== null)
      io.stdout.write(`\nOlder sessions: the same command with --cursor ${page.next}\n`);
    return EXIT_OK;
  } catch (err) {
    io.stderr.write(
      `dynconf history: ${reader.path} cannot be read (${err instanceof Error ? err.message : String(err)})\n`,
    );
    return EXIT_FAILED;
  } finally {
    reader.close();
  }
}
