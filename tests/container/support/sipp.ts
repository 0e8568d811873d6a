// A real SIP phone for the end-to-end suite: SIPp (Debian package sip-tester) placing one call to a
// FreeSWITCH SIP profile and pressing keys as RFC 2833 telephone events, when the test says so.
//
// How the test drives the phone: SIPp runs in 3PCC "controller A" mode (-3pcc) against a TCP socket this
// module listens on. Its scenario (generated below) calls, reports "answered" over that socket, then waits
// in a <recvCmd> for a command; a command carries the keys, SIPp plays them (play_dtmf), waits until they
// are sent, reports "pressed" and waits again. So keys leave only when the test sends them (after it has
// seen FreeSWITCH collect digits), and the next command is sent only once SIPp is back in its <recvCmd>:
// nothing depends on how fast either side runs. A BYE from FreeSWITCH is answered with 200 and reported
// (while keys are being sent, once FreeSWITCH repeats it); then SIPp exits (-m 1).
//
// Keys are sent with SIPp's play_dtmf, not the dtmf_2833_*.pcap files of sip-tester: every pcap carries
// fixed RTP sequence numbers (e.g. 7984-7991 for "1"), and FreeSWITCH drops a telephone event whose
// sequence number is not above the previous one but at most 100 below it (switch_rtp.c), so a repeated
// key ("4711") or "2" then "1" is lost. play_dtmf numbers its packets on from the call's last one. SIPp 3.6 sends them with payload type
// 96 (not configurable), so the SDP offers telephone-event/8000 as 96. Sending media needs a raw socket:
// SIPp must run as root.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FreeSwitchDriver, FsEvent } from './freeswitch-driver.js';

const SIPP = 'sipp';
/** SIPp 3.6's play_dtmf sends telephone events with this payload type. */
const TELEPHONE_EVENT_PT = 96;
/**
 * How long play_dtmf takes (SIPp 3.6, measured on the wire): 400 ms of no-op packets and a 400 ms gap
 * before the first key, then 200 ms of tone and 200 ms of silence per key. SIPp reports "pressed" only
 * after this (plus slack), so a next command never cuts a playing key short.
 */
const DTMF_LEAD_MS = 800;
const DTMF_PER_KEY_MS = 400;
const DTMF_SLACK_MS = 400;
const KEYS = /^[0-9*#A-D]+$/;
/** What may go into the scenario's From/To (no XML or SIP syntax). */
const SIP_USER = /^[0-9A-Za-z+*._-]{1,32}$/;

export interface SipCallOptions {
  /** The number dialed (Request-URI and To user), e.g. `900`. */
  readonly to: string;
  /** The caller ID (From user; display name `e2e-<from>`). */
  readonly from: string;
  /** FreeSWITCH's SIP profile. Default 127.0.0.1. */
  readonly host?: string;
  /** Default 5060 (profile `internal` of freeswitch-config/minimal). */
  readonly port?: number;
  /** How long the call may take to be answered. Default 15 s. */
  readonly answerTimeoutMs?: number;
  /** SIPp quits by itself after this long, should nobody stop it (a killed test run). Default 10 min. */
  readonly maxLifetimeMs?: number;
  /** Where the phone's own directory (scenario, SIPp's logs) is made. Default the system's temp dir. */
  readonly logDir?: string;
}

/** What SIPp reports over the 3PCC socket, in the order it happens. */
type PhoneEvent = 'answered' | 'pressed' | 'far-end-hung-up' | 'phone-hung-up';

interface Waiter {
  check(): void;
}

const live = new Set<SipPhone>();
let exitHookInstalled = false;

/** A test run that ends abruptly must not leave SIPp processes behind (SIPp's -timeout is the last net). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const phone of live) phone.kill();
  });
}

function scenarioXml(to: string, from: string): string {
  const display = `e2e-${from}`;
  const sdp = (version: number) => `
      v=0
      o=- 1 ${version} IN IP[local_ip_type] [media_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 ${TELEPHONE_EVENT_PT}
      a=rtpmap:0 PCMU/8000
      a=rtpmap:${TELEPHONE_EVENT_PT} telephone-event/8000
      a=fmtp:${TELEPHONE_EVENT_PT} 0-15
      a=ptime:20
      a=sendrecv`;
  const fromHeader = `From: "${display}" <sip:${from}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]`;
  const contact = `Contact: <sip:${from}@[local_ip]:[local_port];transport=[transport]>`;
  // next= on the sendCmd itself: the scenario must already wait in "idle" when the command is out, or a
  // reply that comes at once finds it one step short of its <recvCmd> (SIPp rejects the call then).
  const event = (name: PhoneEvent, extra = '', next?: string) => `
  <sendCmd${next === undefined ? '' : ` next="${next}"`}>
    <![CDATA[
      Call-ID: [call_id]
      Event: ${name}${extra}

    ]]>
  </sendCmd>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!-- Generated by tests/container/support/sipp.ts: one call from ${from} to ${to}, keys on command. -->
<scenario name="dynconf e2e SIP phone ${from}">
  <send retrans="500">
    <![CDATA[
      INVITE sip:${to}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${fromHeader}
      To: <sip:${to}@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      ${contact}
      Max-Forwards: 70
      User-Agent: dynconf-e2e SIPp
      Content-Type: application/sdp
      Content-Length: [len]
${sdp(1)}
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true">
    <action>
      <!-- FreeSWITCH's To (with its tag) for our own BYE: a later request from it changes [last_To:]. -->
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="remote_to"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${fromHeader}
      To:[$remote_to]
      Call-ID: [call_id]
      CSeq: 1 ACK
      [routes]
      ${contact}
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
${event('answered')}

  <label id="idle"/>
  <recv request="BYE" optional="true" next="far_end_bye"/>
  <recv request="INVITE" optional="true" next="reinvite"/>
  <recvCmd>
    <action>
      <ereg regexp="Keys: ([0-9A-D*#]+)" search_in="msg" assign_to="keys_line,keys"/>
      <ereg regexp="Hold: ([0-9]+)" search_in="msg" assign_to="hold_line,hold_text"/>
      <ereg regexp="Action: hangup" search_in="msg" assign_to="hangup"/>
      <todouble assign_to="hold" variable="hold_text"/>
    </action>
  </recvCmd>
  <nop next="phone_bye" test="hangup"/>
  <nop>
    <action>
      <exec play_dtmf="[$keys]"/>
    </action>
  </nop>
  <!--
    Wait until the keys are out. SIPp runs with -pause_msg_ign: a BYE meanwhile is dropped, and answered
    when FreeSWITCH sends it again (after 0.5 s, 1 s, 2 s, ...), once the scenario is back in "idle".
  -->
  <pause variable="hold"/>
${event('pressed', ' [$keys]', 'idle')}

  <!-- A re-INVITE (hold, media change): accept it and wait for commands again. -->
  <label id="reinvite"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      ${contact}
      Content-Type: application/sdp
      Content-Length: [len]
${sdp(2)}
    ]]>
  </send>
  <recv request="ACK" next="idle"/>

  <!-- The phone hangs up. -->
  <label id="phone_bye"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${fromHeader}
      To:[$remote_to]
      Call-ID: [call_id]
      CSeq: 2 BYE
      [routes]
      ${contact}
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
${event('phone-hung-up')}
  <nop next="end"/>

  <!-- FreeSWITCH hangs up. -->
  <label id="far_end_bye"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      ${contact}
      Content-Length: 0

    ]]>
  </send>
${event('far-end-hung-up')}
  <label id="end"/>

  <Reference variables="keys_line,hold_line"/>
</scenario>
`;
}

/** A UDP port nobody holds on `host` right now (and `port + 2` too when `pair`: SIPp's media takes both). */
async function freeUdpPort(host: string, pair = false): Promise<number> {
  const bind = (port: number) =>
    new Promise<UdpSocket | undefined>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => {
        socket.close();
        resolve(undefined);
      });
      socket.bind(port, host, () => resolve(socket));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bind(0);
    if (first === undefined) break;
    const port = first.address().port;
    const second = pair ? await bind(port + 2) : undefined;
    first.close();
    second?.close();
    if (!pair || second !== undefined) return port;
  }
  throw new Error(`no free UDP port${pair ? ' pair' : ''} on ${host}`);
}

/** The local address this machine sends from to reach `host` (what SIPp puts in Via, Contact and SDP). */
function localAddressTowards(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(new Error(`no route to ${host}:${port}: ${err.message}`));
    });
    socket.connect(port, host, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}

function parseCommand(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** The first line of the last SIP message SIPp received (in its messages.log), e.g. `SIP/2.0 404 Not Found`. */
function lastReceived(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const blocks = readFileSync(file, 'latin1').split(/^-{10,}.*$/m);
  for (const block of blocks.reverse()) {
    if (!/UDP message received/.test(block)) continue;
    return block.split(/\r?\n/).find((line) => /^(SIP\/2\.0 \d{3}|[A-Z]+ sip:)/.test(line));
  }
  return undefined;
}

/** SIPp's own last words: its stderr names fatal errors (a port in use, no raw socket, a bad scenario). */
function lastWords(file: string): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'latin1').trim().split('\n');
  return lines
    .slice(-3)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n');
}

/** Why SIP phone scenarios cannot run on this machine, or undefined when they can. */
export function sipPhoneProblem(): string | undefined {
  const version = spawnSync(SIPP, ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (version.error !== undefined) {
    return `SIPp is not available (${SIPP}: ${version.error.message}; Debian package sip-tester)`;
  }
  const found = /SIPp v(\d+)\.(\d+)/.exec(`${version.stdout}${version.stderr}`);
  if (found === null) return `"${SIPP} -v" does not say which SIPp it is`;
  const [major, minor] = [Number(found[1]), Number(found[2])];
  if (major < 3 || (major === 3 && minor < 6))
    return `SIPp ${major}.${minor} has no play_dtmf (3.6 or later)`;
  if (!/PCAP/.test(version.stdout)) return 'this SIPp is built without PCAP play (needed for play_dtmf)';
  if (process.getuid?.() !== 0) return 'SIPp sends key presses through a raw socket, which needs root';
  return undefined;
}

/** Resolves with the CHANNEL_CREATE of the call `phone` placed (the inbound leg in FreeSWITCH). */
export function waitSipLeg(
  fs: FreeSwitchDriver,
  phone: SipPhone,
  after: number,
  timeoutMs = 15_000,
): Promise<FsEvent> {
  return fs.waitForEvent(
    `the SIP call from ${phone.callerId} to ${phone.dialed} (Call-ID ${phone.callId}) to arrive`,
    (e) =>
      e.name === 'CHANNEL_CREATE' &&
      e.header('Call-Direction') === 'inbound' &&
      e.header('variable_sip_call_id') === phone.callId,
    { after, timeoutMs },
  );
}

/** One SIPp process placing one call. Create with SipPhone.call(); always stop() it. */
export class SipPhone {
  readonly callerId: string;
  readonly dialed: string;
  /** The SIP Call-ID of the call (FreeSWITCH's variable sip_call_id). */
  readonly callId: string;
  /** Where the scenario, SIPp's stderr and its message, error and screen logs are. */
  readonly dir: string;
  readonly #server: Server;
  readonly #events: PhoneEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  #process: ChildProcess | undefined;
  #twin: Socket | undefined;
  #buffer = '';
  #exit: string | undefined;
  #exited: Promise<void>;
  #markExited: () => void = () => {};
  #pressing = false;

  private constructor(options: SipCallOptions, dir: string, server: Server) {
    this.callerId = options.from;
    this.dialed = options.to;
    this.callId = `dynconf-e2e-${randomBytes(8).toString('hex')}-1`;
    this.dir = dir;
    this.#server = server;
    this.#exited = new Promise((resolve) => {
      this.#markExited = resolve;
    });
  }

  /** Places the call; resolves once it is answered (SIPp sent the ACK). */
  static async call(options: SipCallOptions): Promise<SipPhone> {
    for (const [name, value] of [
      ['to', options.to],
      ['from', options.from],
    ] as const) {
      if (!SIP_USER.test(value))
        throw new Error(`SipPhone.call: ${name} ${JSON.stringify(value)} is no SIP user`);
    }
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 5060;
    const dir = mkdtempSync(join(options.logDir ?? tmpdir(), `sipp-${options.from}-`));
    const server = createServer();
    const phone = new SipPhone(options, dir, server);
    live.add(phone);
    installExitHook();
    try {
      await phone.#start(host, port, options.maxLifetimeMs ?? 600_000);
      await phone.#waitEvent(
        `the call from ${options.from} to ${options.to} at ${host}:${port} to be answered`,
        'answered',
        0,
        options.answerTimeoutMs ?? 15_000,
      );
      return phone;
    } catch (err) {
      await phone.stop();
      throw err;
    }
  }

  async #start(host: string, port: number, maxLifetimeMs: number): Promise<void> {
    const localIp = await localAddressTowards(host, port);
    this.#server.on('connection', (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the 3PCC socket has no port');
    const scenario = join(this.dir, 'phone.xml');
    writeFileSync(scenario, scenarioXml(this.dialed, this.callerId));
    const args = [
      `${host}:${port}`,
      // One call, placed at once (a rate of 1 per 10 ms; the default 10 per second waits 100 ms first).
      ...['-sf', scenario, '-m', '1', '-l', '1', '-r', '1', '-rp', '10'],
      ...['-3pcc', `127.0.0.1:${address.port}`],
      ...['-i', localIp, '-bind_local', '-p', String(await freeUdpPort(localIp))],
      ...['-mi', localIp, '-mp', String(await freeUdpPort(localIp, true))],
      ...['-cp', String(await freeUdpPort('0.0.0.0'))],
      ...['-cid_str', this.callId.replace(/-1$/, '-%u')],
      // Answer INFO, NOTIFY, OPTIONS and UPDATE with 200 wherever the scenario is.
      '-aa',
      '-pause_msg_ign',
      '-nostdin',
      ...['-timeout', `${Math.ceil(maxLifetimeMs / 1000)}s`],
      // A busy machine must not make SIPp's watchdog end the test.
      ...['-watchdog_minor_maxtriggers', '1000000', '-watchdog_major_maxtriggers', '1000000'],
      ...['-trace_msg', '-message_file', join(this.dir, 'messages.log')],
      ...['-trace_err', '-error_file', join(this.dir, 'errors.log')],
      ...['-trace_screen', '-screen_file', join(this.dir, 'screen.log')],
    ];
    writeFileSync(join(this.dir, 'command.txt'), `${SIPP} ${args.join(' ')}\n`);
    // stop() while the ports were looked for: start nothing that nobody would stop.
    if (this.#exit !== undefined) throw this.#failure('stopped before SIPp was started');
    const stderr = openSync(join(this.dir, 'stderr.log'), 'w');
    try {
      const child = spawn(SIPP, args, { cwd: this.dir, stdio: ['ignore', 'ignore', stderr] });
      this.#process = child;
      child.once('error', (err) => this.#ended(`could not start: ${err.message}`));
      child.once('exit', (code, signal) =>
        this.#ended(signal === null ? `exited with code ${code}` : `was killed (${signal})`),
      );
    } finally {
      closeSync(stderr);
    }
  }

  #accept(socket: Socket): void {
    if (this.#twin !== undefined) {
      socket.destroy();
      return;
    }
    this.#twin = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      // SIPp ends every 3PCC message with ESC.
      for (let end = this.#buffer.indexOf('\x1b'); end >= 0; end = this.#buffer.indexOf('\x1b')) {
        const message = parseCommand(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 1);
        const event = message.get('event')?.split(' ')[0];
        if (
          event === 'answered' ||
          event === 'pressed' ||
          event === 'far-end-hung-up' ||
          event === 'phone-hung-up'
        ) {
          this.#events.push(event);
          this.#wake();
        }
      }
    });
    socket.on('error', () => {});
  }

  #ended(how: string): void {
    if (this.#exit !== undefined) return;
    this.#exit = how;
    live.delete(this);
    this.#twin?.destroy();
    this.#server.close();
    this.#markExited();
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  /** What went wrong, with where to look. */
  #failure(what: string): Error {
    const seen = this.#events.length === 0 ? 'nothing' : this.#events.join(', ');
    const received = lastReceived(join(this.dir, 'messages.log'));
    const stderr = lastWords(join(this.dir, 'stderr.log'));
    return new Error(
      `SIP phone ${this.callerId} → ${this.dialed}: ${what} (SIPp ${this.#exit ?? 'still running'}; ` +
        `it reported ${seen}; last SIP message received: ${received ?? 'none'}; ` +
        `scenario, command, messages.log, errors.log, stderr.log in ${this.dir})` +
        (stderr === '' ? '' : `\nSIPp's stderr ends:\n${stderr}`),
    );
  }

  /** Resolves when SIPp has reported `event` at position `from` or later of its reports. */
  #waitEvent(what: string, event: PhoneEvent | readonly PhoneEvent[], from: number, timeoutMs: number) {
    const wanted: readonly PhoneEvent[] = typeof event === 'string' ? [event] : event;
    return new Promise<PhoneEvent>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const found = this.#events.slice(from).find((e) => wanted.includes(e));
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (this.#exit !== undefined) {
            done();
            reject(this.#failure(`ended while waiting for ${what}`));
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(this.#failure(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  #send(lines: string[]): void {
    const twin = this.#twin;
    if (twin === undefined || this.#exit !== undefined) throw this.#failure('cannot send a command');
    twin.write(`Call-ID: ${this.callId}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n\x1b`);
  }

  /** Whether SIPp still runs (the call may still be up). */
  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Whether FreeSWITCH ended the call (SIPp answered its BYE). */
  get hungUpByFarEnd(): boolean {
    return this.#events.includes('far-end-hung-up');
  }

  /** Presses `keys` (0-9 * # A-D) as RFC 2833 events; resolves once SIPp has sent them all. */
  async press(keys: string, timeoutMs = 15_000): Promise<void> {
    if (!KEYS.test(keys))
      throw new Error(`SipPhone.press: ${JSON.stringify(keys)} are no keys (0-9 * # A-D)`);
    if (this.#pressing) throw new Error(`SipPhone.press(${keys}): the previous keys are still being sent`);
    this.#pressing = true;
    try {
      const from = this.#events.length;
      const holdMs = DTMF_LEAD_MS + keys.length * DTMF_PER_KEY_MS + DTMF_SLACK_MS;
      this.#send(['Action: press', `Keys: ${keys}`, `Hold: ${holdMs}`]);
      const outcome = await this.#waitEvent(
        `the keys ${keys} to be sent`,
        ['pressed', 'far-end-hung-up'],
        from,
        holdMs + timeoutMs,
      );
      if (outcome !== 'pressed') throw this.#failure(`FreeSWITCH hung up while the keys ${keys} were sent`);
    } finally {
      this.#pressing = false;
    }
  }

  /** The phone hangs up (BYE); resolves once FreeSWITCH answered it and SIPp has exited. */
  async hangUp(timeoutMs = 15_000): Promise<void> {
    if (this.#pressing) throw new Error('SipPhone.hangUp: keys are still being sent');
    const from = this.#events.length;
    this.#send(['Action: hangup']);
    await this.#waitEvent('FreeSWITCH to answer the BYE', 'phone-hung-up', from, timeoutMs);
    await this.#waitExit(timeoutMs);
  }

  /** Resolves once FreeSWITCH has hung up (SIPp answered its BYE) and SIPp has exited. */
  async waitHungUp(timeoutMs = 15_000): Promise<void> {
    await this.#waitEvent('FreeSWITCH to hang up (a BYE)', 'far-end-hung-up', 0, timeoutMs);
    await this.#waitExit(timeoutMs);
  }

  async #waitExit(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const outcome = await Promise.race([this.#exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') throw this.#failure(`SIPp did not exit within ${timeoutMs} ms after the call`);
  }

  /** Kills SIPp at once (no BYE). Safe to call at any time, also from a process 'exit' handler. */
  kill(): void {
    const child = this.#process;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  /** Ends SIPp if it still runs and resolves once it is gone. Idempotent. */
  async stop(): Promise<void> {
    if (this.#process === undefined) this.#ended('was stopped before it started');
    this.kill();
    await this.#exited;
  }

  /** Stops every phone still running (cleanup after a failed scenario). */
  static async stopAll(): Promise<void> {
    await Promise.all([...live].map((phone) => phone.stop()));
  }
}
