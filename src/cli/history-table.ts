// `dynconf history` in words: one line per session (when, who, how, how long, how it ended), and under it
// one line per number called (when, which number, through which rule, how it ended, how long it rang and
// talked). Columns are aligned within the page.
import {
  type HistoryPage,
  type InvitationHistory,
  invitationOutcomeText,
  type SessionHistory,
  sessionOutcomeText,
} from '../history/index.js';

export interface TableOptions {
  /** Times in UTC (default: local time). */
  readonly utc: boolean;
}

const two = (n: number) => String(n).padStart(2, '0');

function stamp(iso: string, utc: boolean, timeOnly = false): string {
  const d = new Date(iso);
  const [y, mo, da, h, mi, s] = utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  const time = `${two(h)}:${two(mi)}:${two(s)}`;
  return timeOnly ? time : `${y}-${two(mo)}-${two(da)} ${time}`;
}

export function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${two(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${two(Math.floor((s % 3600) / 60))} min`;
}

function caller(session: SessionHistory): string {
  const number = session.callerNumber ?? 'unknown caller';
  return session.callerName === null || session.callerName === session.callerNumber
    ? number
    : `${number} "${session.callerName}"`;
}

function sessionEnding(session: SessionHistory): string {
  if (session.outcome === null) return session.endedAt === null ? 'no end recorded' : 'ended';
  const text = sessionOutcomeText(session.outcome);
  const wrong = session.pinFailures ?? 0;
  const pins =
    wrong > 0 && session.outcome !== 'pin-failed' ? ` (${wrong} wrong PIN${wrong === 1 ? '' : 's'})` : '';
  const restored = session.restored ? ', across a restart' : '';
  return `${text}${pins}${restored}`;
}

function invitationDetails(invitation: InvitationHistory): string {
  const parts: string[] = [];
  if (invitation.ringingMs !== null) parts.push(`rang ${formatMs(invitation.ringingMs)}`);
  if (invitation.talkingMs !== null)
    parts.push(
      `${invitation.outcome === 'voicemail' ? 'on voicemail' : 'talked'} ${formatMs(invitation.talkingMs)}`,
    );
  if (invitation.joinedAt !== null)
    parts.push(
      invitation.inRoomMs === null ? 'then in the room' : `in the room ${formatMs(invitation.inRoomMs)}`,
    );
  if (invitation.cause !== null) parts.push(invitation.cause);
  return parts.join(', ');
}

/** Pads each column to its widest cell; the last column is left as it is. */
function align(rows: readonly (readonly string[])[], indent: string): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map((row) =>
    (
      indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')
    ).trimEnd(),
  );
}

export function formatHistoryTable(page: HistoryPage, options: TableOptions): string {
  if (page.sessions.length === 0) return 'No sessions match.\n';
  const sessionRows = page.sessions.map((s) => [
    stamp(s.startedAt, options.utc),
    caller(s),
    s.flow === 'access' ? 'dialled in' : '*0',
    s.tenant ?? '-',
    s.durationMs === null ? '' : formatMs(s.durationMs),
    sessionEnding(s),
  ]);
  const sessionLines = align(sessionRows, '');
  const lines: string[] = [];
  page.sessions.forEach((session, index) => {
    lines.push(sessionLines[index] ?? '');
    const invitationRows = session.invitations.map((inv) => [
      stamp(inv.startedAt, options.utc, true),
      `→ ${inv.number}`,
      inv.route ?? '-',
      inv.source === 'operator' ? 'operator' : 'keypad',
      inv.outcome === null
        ? inv.endedAt === null
          ? 'no end recorded'
          : 'ended'
        : invitationOutcomeText(inv.outcome),
      invitationDetails(inv),
    ]);
    lines.push(...align(invitationRows, '    '));
  });
  return `${lines.join('\n')}\n`;
}
