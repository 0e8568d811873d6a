// Commands and their replies. FreeSWITCH answers a connection's commands one after the other, in the
// order it read them, and a reply names no command: so commands are written at once (pipelined) and
// each reply goes to the oldest command still waiting for one. Every command has a timeout on the
// injected clock; a timed-out command keeps its place, because its reply may still come and must not
// be taken for the next command's.
//
// Sessions. Until FreeSWITCH has accepted our password, commands wait here. The session's own
// commands (auth, subscriptions) are written ahead of them. When a socket drops, the commands it did
// not answer go back to the front of the queue and are written again after the next authentication
// (whether their callers still wait or not: see "Replays" in connection.ts); the session's own are
// dropped, the next session writes its own.
import type { Clock, TimerHandle } from '../clock.js';
import type { Reply } from './transport.js';

export type SendOutcome =
  | { readonly ok: true; readonly reply: Reply }
  | { readonly ok: false; readonly reason: 'timeout' | 'closed' };

interface Entry {
  readonly bytes: Buffer;
  /** A caller's command: settled once (reply, timeout or close); undefined once settled. */
  settle: ((outcome: SendOutcome) => void) | undefined;
  timer: TimerHandle | undefined;
  /** A session command: its reply goes here, and it is never written again on another socket. */
  readonly onSessionReply: ((reply: Reply) => void) | undefined;
}

const CLOSED: SendOutcome = { ok: false, reason: 'closed' };
const TIMEOUT: SendOutcome = { ok: false, reason: 'timeout' };

export class ReplyQueue {
  /** Not written yet: the session is not authenticated (or there is no session). */
  #waiting: Entry[] = [];
  /** Written, reply not read yet: the oldest first. */
  #written: Entry[] = [];
  #open = false;
  #closed = false;
  readonly #write: (bytes: Buffer) => boolean;
  readonly #clock: Clock;

  /** `write` returns false when there is no socket (the entry then waits for the socket's close). */
  constructor(write: (bytes: Buffer) => boolean, clock: Clock) {
    this.#write = write;
    this.#clock = clock;
  }

  /** Commands written or waiting whose reply has not come yet (timed-out ones included). */
  get size(): number {
    return this.#waiting.length + this.#written.length;
  }

  /** Sends a command: written now while the session is open, else when it opens. */
  send(bytes: Buffer, timeoutMs: number): Promise<SendOutcome> {
    if (this.#closed) return Promise.resolve(CLOSED);
    return new Promise((resolve) => {
      const entry: Entry = { bytes, settle: resolve, timer: undefined, onSessionReply: undefined };
      entry.timer = this.#clock.setTimer(timeoutMs, () => settle(entry, TIMEOUT));
      if (this.#open) this.#writeEntry(entry);
      else this.#waiting.push(entry);
    });
  }

  /** A command of the session itself (auth, a subscription): written now, ahead of anything waiting. */
  sendSessionCommand(bytes: Buffer, onReply: (reply: Reply) => void = ignore): void {
    if (this.#closed) return;
    this.#writeEntry({ bytes, settle: undefined, timer: undefined, onSessionReply: onReply });
  }

  /** The session is authenticated: everything waiting is written, in order, and later commands at once. */
  open(): void {
    if (this.#closed) return;
    this.#open = true;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const entry of waiting) this.#writeEntry(entry);
  }

  /** A reply: it answers the oldest command written. False when no command was waiting for one. */
  reply(reply: Reply): boolean {
    const entry = this.#written.shift();
    if (entry === undefined) return false;
    if (entry.onSessionReply) entry.onSessionReply(reply);
    else settle(entry, { ok: true, reply });
    return true;
  }

  /** The socket is gone: its unanswered commands wait again, ahead of those that came meanwhile. */
  drop(): void {
    this.#open = false;
    if (this.#written.length === 0) return;
    const unanswered = this.#written.filter((entry) => entry.onSessionReply === undefined);
    this.#written = [];
    this.#waiting = unanswered.concat(this.#waiting);
  }

  /** Every command still pending ends with `closed`, and so does every later one. */
  close(): void {
    this.#closed = true;
    this.#open = false;
    const pending = this.#written.concat(this.#waiting);
    this.#written = [];
    this.#waiting = [];
    for (const entry of pending) settle(entry, CLOSED);
  }

  #writeEntry(entry: Entry): void {
    // Listed before the write: a reply can only come later, and a write without a socket leaves the
    // entry here for drop() to put back.
    this.#written.push(entry);
    this.#write(entry.bytes);
  }
}

function settle(entry: Entry, outcome: SendOutcome): void {
  const resolve = entry.settle;
  if (resolve === undefined) return;
  entry.settle = undefined;
  entry.timer?.cancel();
  entry.timer = undefined;
  resolve(outcome);
}

function ignore(): void {}
