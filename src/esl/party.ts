// Who is on a channel, as an operator would name them: an inbound call by its caller ID, a call FreeSWITCH
// placed by the number that was dialed. The room view and the runtime's channel table both ask.
import type { ChannelInfo } from './events.js';

/** A dialed number or extension, not a transfer target such as `conference:room@profile`. */
const DIALED = /^\+?[0-9A-Za-z*#._-]{1,64}$/;

export interface Party {
  readonly number?: string;
  readonly name?: string;
}

export function partyOf(channel: ChannelInfo | undefined): Party {
  if (channel === undefined) return {};
  if (channel.direction === 'outbound') {
    // FreeSWITCH keeps the dialed number in Caller-Destination-Number of an originated leg (trace 07);
    // should a transfer have replaced it, the SIP request's user part still has it.
    const number = [
      channel.destinationNumber,
      channel.variable('sip_to_user'),
      channel.variable('dialed_user'),
    ].find((candidate) => candidate !== undefined && DIALED.test(candidate));
    return number === undefined ? {} : { number };
  }
  return {
    ...(channel.callerNumber === undefined ? {} : { number: channel.callerNumber }),
    ...(channel.callerName === undefined ? {} : { name: channel.callerName }),
  };
}
