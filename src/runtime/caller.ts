// Who is calling, as a session needs it: the caller ID (routing templates) and the brute-force guard's key.
import type { ChannelInfo } from '../esl/events.js';
import type { SessionInit } from './session.js';

export function callerOf(channel: ChannelInfo): SessionInit['caller'] {
  return {
    ...(channel.callerNumber === undefined ? {} : { number: channel.callerNumber }),
    ...(channel.callerName === undefined ? {} : { name: channel.callerName }),
  };
}

/** The brute-force guard's key: the caller ID, else the network address it came from. */
export function lockoutKeyOf(channel: ChannelInfo): string {
  const number = channel.callerNumber?.trim();
  if (number) return `cid:${number}`;
  const address = channel.header('Caller-Network-Addr');
  return address ? `addr:${address}` : 'unknown';
}
