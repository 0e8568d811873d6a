// `dynconf status` in words: the answer of GET /status (src/http/server.ts) as a few aligned lines.

/** What `dynconf status` reads of GET /status; every field is optional so an older or newer answer still prints. */
export interface StatusAnswer {
  readonly name?: string;
  readonly version?: string;
  readonly startedAt?: string;
  readonly uptimeSeconds?: number;
  readonly ready?: boolean;
  readonly eventSocket?: NodeAnswer;
  /** Every FreeSWITCH node (config eventSockets); one unless several are configured. */
  readonly nodes?: readonly NodeAnswer[];
  readonly rooms?: number;
  readonly members?: number;
  readonly administrators?: Readonly<Record<string, number>>;
  readonly invitationsCalling?: number;
  readonly counters?: Readonly<Record<string, number>>;
}

export interface NodeAnswer {
  readonly id?: string;
  readonly state?: string;
  /** Why it is not connected, in words (e.g. "authentication failed: check eventSocket.password"). */
  readonly reason?: string;
  readonly host?: string;
  readonly port?: number;
  readonly reconnects?: number;
}

/** True for an answer of dynconf's own /status (anything else is printed as it came). */
export function isStatusAnswer(value: unknown): value is StatusAnswer {
  return typeof value === 'object' && value !== null && (value as StatusAnswer).name === 'dynconf';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

const ACTIVITY_WORDS: Readonly<Record<string, string>> = {
  'entering-pin': 'entering the PIN',
  'in-room': 'in the room',
  dialing: 'dialing',
  ringing: 'ringing someone',
  'talking-privately': 'talking privately',
  voicemail: 'at a voicemail',
  'restoring-call': 'restoring a call',
};

const reconnectsOf = (node: NodeAnswer): string =>
  node.reconnects ? ` (${plural(node.reconnects, 'reconnect')})` : '';

export function summarizeStatus(status: StatusAnswer): string {
  const lines: [string, string][] = [];
  const since =
    status.startedAt === undefined
      ? ''
      : ` (since ${status.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`;
  const uptime =
    status.uptimeSeconds === undefined ? 'running' : `up ${formatDuration(status.uptimeSeconds)}`;
  const header = `dynconf ${status.version ?? ''}`.trim();
  const nodes = status.nodes !== undefined && status.nodes.length > 1 ? status.nodes : undefined;
  if (nodes === undefined) {
    const socket = status.eventSocket ?? {};
    const where = socket.host === undefined ? '' : ` ${socket.host}:${socket.port ?? ''}`;
    lines.push([
      'FreeSWITCH',
      status.ready
        ? `connected to${where}${reconnectsOf(socket)}`
        : `NOT connected to${where}: ${socket.reason ?? `event socket ${socket.state ?? 'unknown'}`}${reconnectsOf(socket)}`,
    ]);
  } else {
    const up = nodes.filter((n) => n.state === 'connected').length;
    lines.push(['FreeSWITCH', `${up} of ${nodes.length} nodes connected`]);
    for (const n of nodes) {
      const state =
        n.state === 'connected'
          ? 'connected'
          : `NOT connected (${n.reason ?? `event socket ${n.state ?? 'unknown'}`})`;
      lines.push(['', `${n.id ?? `${n.host}:${n.port}`} ${state}${reconnectsOf(n)}`]);
    }
  }
  const calling = status.invitationsCalling
    ? `; ${plural(status.invitationsCalling, 'invitation')} calling`
    : '';
  lines.push([
    'Rooms',
    `${plural(status.rooms ?? 0, 'room')}, ${plural(status.members ?? 0, 'member')}${calling}`,
  ]);
  const admins = Object.entries(status.administrators ?? {}).filter(([, n]) => n > 0);
  const adminCount = admins.reduce((sum, [, n]) => sum + n, 0);
  lines.push([
    'Administrators',
    adminCount === 0
      ? 'none'
      : `${adminCount}: ${admins.map(([activity, n]) => `${n} ${ACTIVITY_WORDS[activity] ?? activity}`).join(', ')}`,
  ]);
  const c = status.counters ?? {};
  if (Object.keys(c).length > 0) {
    const parts = [
      c.sessionsStarted === undefined ? undefined : `${plural(c.sessionsStarted, 'session')} started`,
      c.invitations === undefined ? undefined : plural(c.invitations, 'invitation'),
      c.pinWrong === undefined ? undefined : `${plural(c.pinWrong, 'wrong PIN')}`,
      c.lockouts === undefined ? undefined : plural(c.lockouts, 'lockout'),
      c.escalations === undefined ? undefined : plural(c.escalations, '*0 escalation'),
      c.sessionErrors ? plural(c.sessionErrors, 'session error') : undefined,
    ].filter((p): p is string => p !== undefined);
    if (parts.length > 0) lines.push(['Since start', parts.join(' · ')]);
  }
  const width = Math.max(...lines.map(([label]) => label.length));
  return [
    `${header} — ${uptime}${since}`,
    ...lines.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`),
    '',
  ].join('\n');
}
