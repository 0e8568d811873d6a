// Who is calling, as a session needs it: the caller ID (routing templates) and the brute-force guard's key.
import type { ChannelInfo } from '../esl/events.js';
import type { SessionInit } from './session.js';

/** Who calls and from where: caller ID, the dialplan context (the tenant), the domain (for {domain}). */
export function callerOf(channel: ChannelInfo): SessionInit['caller'] {
  const context = channel.header('Caller-Context');
  const domain = channel.variable('domain_name');
  return {
    ...(channel.callerNumber === undefined ? {} : { number: channel.callerNumber }),
    ...(channel.callerName === undefined ? {} : { name: channel.callerName }),
    ...(context === undefined || context === '' ? {} : { context }),
    ...(domain === undefined || domain === '' ? {} : { domain }),
  };
}

/** The brute-force guard's key: the caller ID, else the network address it came from. */
export function lockoutKeyOf(channel: ChannelInfo): string {
  const number = channel.callerNumber?.trim();
  if (number) return `cid:${number}`;
  const address = channel.header('Caller-Network-Addr');
  return address ? `addr:${address}` : 'unknown';
}
