// One event-socket client: auth, subscriptions, api/bgapi/sendmsg/sendevent, replies in order,
// events after the reply of the command that caused them.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from '../../log.js';
import { executeApi } from '../api/commands.js';
import type { EventData } from '../events/event.js';
import type { Core } from '../model/core.js';
import { STEP_MS } from '../model/timing.js';
import {
  apiResponseFrame,
  authRequestFrame,
  disconnectNoticeFrame,
  type EventFormat,
  eventFrame,
  replyFrame,
} from '../wire/frames.js';
import { type Command, CommandParser, header } from '../wire/parser.js';
import { type EventFaults, EventPipeline } from './pipeline.js';

/** Event names FreeSWITCH knows (switch_event_names): `event json X` accepts only these. */
const EVENT_NAMES = new Set(
  `CUSTOM CLONE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_STATE CHANNEL_CALLSTATE CHANNEL_ANSWER CHANNEL_HANGUP
CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_BRIDGE
CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_UNPARK
CHANNEL_APPLICATION CHANNEL_ORIGINATE CHANNEL_UUID API LOG INBOUND_CHAN OUTBOUND_CHAN STARTUP SHUTDOWN PUBLISH
UNPUBLISH TALK NOTALK SESSION_CRASH MODULE_LOAD MODULE_UNLOAD DTMF MESSAGE PRESENCE_IN NOTIFY_IN PRESENCE_OUT
PRESENCE_PROBE MESSAGE_WAITING MESSAGE_QUERY ROSTER CODEC BACKGROUND_JOB DETECTED_SPEECH DETECTED_TONE
PRIVATE_COMMAND HEARTBEAT TRAP ADD_SCHEDULE DEL_SCHEDULE EXE_SCHEDULE RE_SCHEDULE RELOADXML NOTIFY PHONE_FEATURE
PHONE_FEATURE_SUBSCRIBE SEND_MESSAGE RECV_MESSAGE REQUEST_PARAMS CHANNEL_DATA GENERAL COMMAND SESSION_HEARTBEAT
CLIENT_DISCONNECTED SERVER_DISCONNECTED SEND_INFO RECV_INFO RECV_RTCP_MESSAGE SEND_RTCP_MESSAGE CALL_SECURE NAT
RECORD_START RECORD_STOP PLAYBACK_START PLAYBACK_STOP CALL_UPDATE FAILURE SOCKET_DATA MEDIA_BUG_START
MEDIA_BUG_STOP CONFERENCE_DATA_QUERY CONFERENCE_DATA CALL_SETUP_REQ CALL_SETUP_RESULT CALL_DETAIL DEVICE_STATE
TEXT SHUTDOWN_REQUESTED ALL`.split(/\s+/),
);

/**
 * mod_event_socket's filters: an event passes when a filter on one of its headers matches; `-value`
 * excludes, `/regex/` matches a pattern, values compare without case.
 */
export function passesFilters(ev: EventData, filters: Array<[string, string]>): boolean {
  let send = false;
  for (const [name, raw] of filters) {
    const value = ev.get(name);
    if (value === undefined) continue;
    let spec = raw.replace(/^[+ ]+/, '');
    let positive = true;
    if (spec.startsWith('-')) {
      positive = false;
      spec = spec.slice(1).trimStart();
    }
    if (send && positive) continue;
    let match: boolean;
    if (spec.length > 1 && spec.startsWith('/') && spec.endsWith('/')) {
      try {
        match = new RegExp(spec.slice(1, -1)).test(value);
      } catch {
        match = false;
      }
    } else match = value.toLowerCase() === spec.toLowerCase();
    if (match) {
      if (!positive) return false;
      send = true;
    }
  }
  return send;
}

export interface ConnectionDeps {
  core: Core;
  password: string;
  log: Logger;
  faults: EventFaults;
  onClose: (conn: Connection) => void;
}

export class Connection {
  private readonly parser = new CommandParser();
  private readonly queue: Command[] = [];
  private busy = false;
  private authed = false;
  private closed = false;
  private format: EventFormat = 'plain';
  private listening = false;
  private all = false;
  private readonly events = new Set<string>();
  private readonly subclasses = new Set<string>();
  private readonly filters: Array<[string, string]> = [];
  private holding = false;
  private held: EventData[] = [];
  private readonly pipeline: EventPipeline;
  readonly id = randomUUID();

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.pipeline = new EventPipeline(deps.faults, deps.core.clock, (ev) =>
      this.write(eventFrame(ev, this.format)),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => deps.log.debug({ err }, 'simulator: socket error'));
    socket.on('close', () => this.cleanup());
    this.write(authRequestFrame());
  }

  get isAuthed(): boolean {
    return this.authed;
  }

  private write(buf: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(buf);
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.pipeline.close();
    this.deps.onClose(this);
  }

  /** Drops the connection at once, no notice (fault injection, restart). */
  destroy(): void {
    this.cleanup();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let cmds: Command[];
    try {
      cmds = this.parser.push(chunk);
    } catch (err) {
      this.deps.log.warn({ err }, 'simulator: unreadable command');
      return;
    }
    this.queue.push(...cmds);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const cmd = this.queue.shift() as Command;
        try {
          await this.handle(cmd);
        } catch (err) {
          this.deps.log.error({ err, line: cmd.line }, 'simulator: command failed');
          this.reply('-ERR command failed');
        }
        this.release();
      }
    } finally {
      this.busy = false;
    }
  }

  // ---- events -------------------------------------------------------------------------------------

  /** Called for every event the switch fires. */
  deliver(ev: EventData): void {
    if (this.closed || !this.authed || !this.accepts(ev)) return;
    if (this.holding) this.held.push(ev);
    else this.pipeline.push(ev);
  }

  private accepts(ev: EventData): boolean {
    if (!this.listening) return false;
    let ok = false;
    if (this.all) ok = true;
    else if (this.events.has(ev.name)) {
      ok = ev.name !== 'CUSTOM' || ev.subclass === undefined || this.subclasses.has(ev.subclass);
    }
    if (!ok) return false;
    return this.filters.length === 0 || passesFilters(ev, this.filters);
  }

  private hold(): void {
    this.holding = true;
  }

  private release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const ev of held) this.pipeline.push(ev);
  }

  // ---- replies ------------------------------------------------------------------------------------

  private reply(text: string, extra: Array<[string, string]> = []): void {
    this.write(replyFrame(text, extra));
  }

  private bye(): void {
    this.write(disconnectNoticeFrame());
    this.closed = true;
    this.pipeline.close();
    this.socket.end();
    this.deps.onClose(this);
  }

  // ---- commands -----------------------------------------------------------------------------------

  private async handle(cmd: Command): Promise<void> {
    const line = cmd.line;
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toLowerCase();
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (!this.authed) {
      if (verb === 'auth') {
        if (rest.trim() === this.deps.password) {
          this.authed = true;
          this.reply('+OK accepted');
        } else {
          this.reply('-ERR invalid');
          this.bye();
        }
      } else if (verb === 'exit') {
        this.reply('+OK bye');
        this.bye();
      } else {
        this.reply('-ERR command not found');
      }
      return;
    }
    switch (verb) {
      case 'auth':
        this.reply('+OK accepted');
        return;
      case 'exit':
        this.reply('+OK bye');
        this.bye();
        return;
      case 'event':
        this.subscribe(rest);
        return;
      case 'nixevent':
        this.nix(rest);
        return;
      case 'noevents':
        if (!this.listening) {
          this.reply('-ERR not listening for events');
          return;
        }
        this.listening = false;
        this.all = false;
        this.events.clear();
        this.subclasses.clear();
        this.reply('+OK no longer listening for events');
        return;
      case 'filter':
        this.filter(rest);
        return;
      case 'myevents': {
        const uuid = rest.trim().split(' ').pop() ?? '';
        this.listening = true;
        this.all = true;
        this.filters.push(['Unique-ID', uuid]);
        this.reply('+OK Events Enabled');
        return;
      }
      case 'linger':
        this.reply('+OK will linger');
        return;
      case 'nolinger':
        this.reply('+OK will not linger');
        return;
      case 'log':
        this.reply(`+OK log level ${rest.trim() || 'debug'} [7]`);
        return;
      case 'nolog':
        this.reply('+OK no longer logging');
        return;
      case 'divert_events':
        this.reply(rest.trim() === 'on' ? '+OK events diverted' : '+OK events not diverted');
        return;
      case 'api':
        await this.api(rest);
        return;
      case 'bgapi':
        this.bgapi(rest, header(cmd, 'job-uuid'));
        return;
      case 'sendmsg':
        this.sendmsg(rest.trim(), cmd);
        return;
      case 'sendevent':
        this.sendevent(rest.trim(), cmd);
        return;
      default:
        this.reply('-ERR command not found');
    }
  }

  private subscribe(rest: string): void {
    const words = rest.split(' ').filter((w) => w !== '');
    let format: EventFormat = 'plain';
    if (words[0] === 'json' || words[0] === 'plain' || words[0] === 'xml')
      format = words.shift() as EventFormat;
    let custom = false;
    let keys = 0;
    for (const w of words) {
      if (custom) {
        this.subclasses.add(w);
        continue;
      }
      const name = w.toUpperCase();
      if (!EVENT_NAMES.has(name)) continue;
      keys++;
      if (name === 'ALL') this.all = true;
      else this.events.add(name);
      if (name === 'CUSTOM') custom = true;
    }
    if (keys === 0) {
      this.reply('-ERR no keywords supplied');
      return;
    }
    this.format = format;
    this.listening = true;
    this.reply(`+OK event listener enabled ${format}`);
  }

  private nix(rest: string): void {
    if (!this.listening) {
      this.reply('-ERR not listening for events');
      return;
    }
    let custom = false;
    for (const w of rest.split(' ').filter((x) => x !== '')) {
      if (custom) {
        this.subclasses.delete(w);
        continue;
      }
      const name = w.toUpperCase();
      if (name === 'ALL') {
        this.all = false;
        this.events.clear();
      } else this.events.delete(name);
      if (name === 'CUSTOM') custom = true;
    }
    this.reply('+OK events nixed');
  }

  private filter(rest: string): void {
    const words = rest.split(' ').filter((w) => w !== '');
    if (words[0] === 'delete') {
      const [, key, value] = words;
      const before = this.filters.length;
      for (let i = this.filters.length - 1; i >= 0; i--) {
        const f = this.filters[i];
        if (f !== undefined && (key === 'all' || (f[0] === key && (value === undefined || f[1] === value)))) {
          this.filters.splice(i, 1);
        }
      }
      this.reply(
        before === this.filters.length
          ? '-ERR Filter not found'
          : `+OK filter deleted. [${key}]=[${value ?? ''}]`,
      );
      return;
    }
    const [key, ...value] = words;
    if (key === undefined || value.length === 0) {
      this.reply('-ERR invalid syntax');
      return;
    }
    this.filters.push([key, value.join(' ')]);
    this.reply(`+OK filter added. [${key}]=[${value.join(' ')}]`);
  }

  private async api(rest: string): Promise<void> {
    this.hold();
    const { result } = executeApi(this.deps.core, rest);
    if (typeof result === 'string') {
      this.write(apiResponseFrame(result));
      return;
    }
    this.release();
    const body = await result;
    this.write(apiResponseFrame(body));
  }

  private bgapi(rest: string, jobHeader: string | undefined): void {
    const job = jobHeader ?? randomUUID();
    this.hold();
    this.reply(`+OK Job-UUID: ${job}`, [['Job-UUID', job]]);
    const core = this.deps.core;
    const { command, args, result } = executeApi(core, rest);
    void Promise.resolve(result).then((body) => {
      const ev = core.bus.create('BACKGROUND_JOB');
      ev.add('Job-UUID', job).add('Job-Command', command);
      if (args !== '') ev.add('Job-Command-Arg', args);
      ev.body = body;
      core.bus.fire(ev);
      core.notify();
    });
  }

  private sendmsg(uuidText: string, cmd: Command): void {
    const core = this.deps.core;
    const uuid = uuidText !== '' ? uuidText : (header(cmd, 'unique-id') ?? '');
    const ch = core.channel(uuid);
    if (ch === undefined || ch.hangingUp) {
      this.reply(`-ERR invalid session id [${uuid}]`);
      return;
    }
    const command = (header(cmd, 'call-command') ?? '').toLowerCase();
    if (command === 'hangup') {
      this.reply('+OK');
      const cause = header(cmd, 'hangup-cause') ?? 'NORMAL_CLEARING';
      core.after(STEP_MS, () => core.hangup(ch, cause.toUpperCase(), 'local'), ch);
      return;
    }
    if (command !== 'execute') {
      this.reply('+OK');
      return;
    }
    const app = header(cmd, 'execute-app-name') ?? '';
    const arg = cmd.body ?? header(cmd, 'execute-app-arg') ?? '';
    const appUuid = header(cmd, 'event-uuid');
    const loops = Math.max(1, Number.parseInt(header(cmd, 'loops') ?? '1', 10) || 1);
    const echo: Array<[string, string]> = [['Command', `sendmsg ${uuid}`], ...cmd.headers];
    this.reply('+OK');
    core.after(
      STEP_MS,
      () => {
        for (let i = 0; i < loops; i++) {
          const run = () => core.exec(ch, app, arg, { nested: true, appUuid, sendmsg: echo });
          const top = ch.top;
          const waits = top?.nested === true || ch.pending.length > 0 || i > 0;
          // FreeSWITCH runs a message that arrives while a sendmsg-started app runs inside that app (depth 2),
          // unless that app holds the channel's messages (event-lock): a hangup so sent cuts the app short.
          // Modelled for hangup, whose effect shows (1.10.12: playback, then hangup, ends the call at once).
          const nestedNow =
            app === 'hangup' &&
            top?.nested === true &&
            !holdsMessages(top.sendmsg) &&
            ch.pending.length === 0;
          if (waits && !nestedNow) ch.pending.push(run);
          else run();
        }
      },
      ch,
    );
  }

  private sendevent(rest: string, cmd: Command): void {
    const core = this.deps.core;
    const words = rest.split(' ').filter((w) => w !== '');
    const name = (header(cmd, 'Event-Name') ?? words[0] ?? 'CUSTOM').toUpperCase();
    const subclass = header(cmd, 'Event-Subclass');
    const ev = core.bus.create(name, { subclass });
    for (const [k, v] of cmd.headers) {
      if (k === 'Event-Name' || k === 'Event-Subclass' || k.toLowerCase() === 'content-length') continue;
      ev.add(k, v);
    }
    if (cmd.body !== undefined) ev.body = cmd.body;
    const id = randomUUID();
    this.reply(`+OK ${id}`);
    core.bus.fire(ev);
  }
}

/** The sendmsg that started an app asked for `event-lock: true`: later messages wait for the app's end. */
function holdsMessages(headers: ReadonlyArray<readonly [string, string]> | undefined): boolean {
  return (
    headers?.some(([name, value]) => name.toLowerCase() === 'event-lock' && value.toLowerCase() === 'true') ??
    false
  );
}
