// How every session starts. FreeSWITCH asks for the password (`auth/request`); we answer with `auth`
// and pipeline the subscriptions right behind it, on every (re)connection: FreeSWITCH forgets them with
// the socket. They reach FreeSWITCH before any command that waited for the session, so events about
// what those commands do are never missed.
import { authFrame, encodeFrame, subscribeCustomFrame, subscribeFrame } from './commands.js';
import type { ReplyQueue } from './reply-queue.js';
import type { Reply } from './transport.js';

/** Events dynconf subscribes to (one `event json <NAME>` each, sent again in every session). */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_OUTGOING',
  'CHANNEL_ANSWER',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DESTROY',
  'CHANNEL_UUID',
  'DTMF',
  'BACKGROUND_JOB',
] as const;

/** CUSTOM subclasses always subscribed to (`event json CUSTOM <subclass> `). */
export const DEFAULT_CUSTOM_SUBCLASSES = ['conference::maintenance'] as const;

export class SessionStart {
  readonly #auth: Buffer;
  /** Encoded once: the same bytes open every session. */
  readonly #subscriptions: readonly Buffer[];

  /** Throws a RangeError naming a custom subclass that cannot be subscribed to. */
  constructor(password: string, customSubclasses: readonly string[]) {
    this.#auth = encodeFrame(authFrame(password));
    // The plain `CUSTOM` as well (the subclass lines enable CUSTOM anyway): what dynconf has always sent.
    const frames = ['CUSTOM', ...SUBSCRIBED_EVENTS].map(subscribeFrame);
    for (const subclass of new Set([...DEFAULT_CUSTOM_SUBCLASSES, ...customSubclasses])) {
      const frame = subscribeCustomFrame(subclass);
      if (!frame.ok) throw new RangeError(`customSubclasses: "${subclass}" ${frame.error.reason}`);
      frames.push(frame);
    }
    this.#subscriptions = frames.map((frame) => {
      if (!frame.ok) throw new RangeError(`subscription: ${frame.error.reason}`);
      return encodeFrame(frame.command);
    });
  }

  /** Writes `auth` and the subscriptions; `authReplied` gets FreeSWITCH's answer to the password. */
  begin(queue: ReplyQueue, authReplied: (accepted: boolean, replyText: string) => void): void {
    queue.sendSessionCommand(this.#auth, (reply: Reply) => {
      const text = reply.type === 'command/reply' ? (reply.text ?? '') : '';
      authReplied(text.startsWith('+OK'), text);
    });
    for (const subscription of this.#subscriptions) queue.sendSessionCommand(subscription);
  }
}
