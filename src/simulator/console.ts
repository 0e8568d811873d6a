// A line-oriented console for a standalone simulator: place calls and press keys by hand while a
// controller (or fs_cli) is connected, and read, in plain text, what each phone hears and where each call
// is. `help` lists the commands.
import type { SimEvent, Simulator } from './types.js';

const HELP = [
  'Commands (a phone is its uuid, a uuid prefix, or its number):',
  'call <from> <to>            an inbound call (e.g. call 1001 900)',
  'twoparty <from> <to>        an ordinary bridged call (e.g. twoparty 1003 801)',
  'press <uuid|from> <keys>    keys from the phone (RFC 2833)',
  'hangup <uuid|from>          the phone hangs up',
  'answer <uuid>               answer a ringing outbound leg',
  'channels                    list channels',
  'rooms                       list conference rooms',
  'help                        this text',
  'What the phones hear and where the calls go is printed as it happens.',
].join('\n');

/** The phone a leg stands for: the caller's number on an inbound leg, the number called on an outbound one. */
function phoneOf(event: SimEvent): string {
  const outbound = event.get('Call-Direction') === 'outbound';
  const number = outbound ? event.get('Caller-Destination-Number') : event.get('Caller-Caller-ID-Number');
  return number ?? event.uuid?.slice(0, 8) ?? '?';
}

/** The line a phone's user would care about for this event, if any. */
export function describeCallEvent(event: SimEvent): string | undefined {
  const who = phoneOf(event);
  switch (event.name) {
    case 'CHANNEL_CREATE':
      return event.get('Call-Direction') === 'outbound'
        ? `${who} is called`
        : `${who} calls ${event.get('Caller-Destination-Number') ?? '?'}`;
    case 'CHANNEL_ANSWER':
      return `${who} answered`;
    case 'PLAYBACK_START':
      return `${who} hears: ${event.get('Playback-File-Path') ?? '?'}`;
    case 'CHANNEL_EXECUTE':
      return event.get('Application') === 'play_and_get_digits' ? `${who} may key digits now` : undefined;
    case 'CHANNEL_BRIDGE':
      return `${who} talks with ${event.get('Other-Leg-Caller-ID-Number') ?? event.get('Other-Leg-Unique-ID') ?? '?'}`;
    case 'CHANNEL_UNBRIDGE':
      return `${who} no longer talks with ${event.get('Other-Leg-Caller-ID-Number') ?? '?'}`;
    case 'CHANNEL_PARK':
      return `${who} waits (parked)`;
    case 'CHANNEL_HANGUP':
      return `${who} hung up (${event.get('Hangup-Cause') ?? '?'})`;
    case 'CUSTOM': {
      if (event.subclass !== 'conference::maintenance') return undefined;
      const action = event.get('Action');
      const room = event.get('Conference-Name') ?? '?';
      const moderator = event.get('Member-Type') === 'moderator' ? ' as moderator' : '';
      if (action === 'add-member') return `${who} is in room ${room}${moderator}`;
      if (action === 'del-member') return `${who} left room ${room}`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Prints, as it happens, what each phone hears and where each call is; returns the function that stops it. */
export function watchCalls(sim: Simulator, write: (line: string) => void): () => void {
  return sim.onEvent((event) => {
    const line = describeCallEvent(event);
    if (line !== undefined) write(line);
  });
}

function findUuid(sim: Simulator, who: string): string | undefined {
  const chans = sim.channels();
  return (
    chans.find((c) => c.uuid === who || c.uuid.startsWith(who))?.uuid ??
    chans.find((c) => c.callerIdNumber === who && c.direction === 'inbound')?.uuid ??
    chans.find((c) => c.destination === who)?.uuid
  );
}

/** Runs one console line; returns the text to show. Never throws. */
export async function runConsoleLine(sim: Simulator, line: string): Promise<string> {
  const [cmd, ...args] = line.trim().split(/\s+/);
  try {
    switch (cmd) {
      case undefined:
      case '':
        return '';
      case 'help':
        return HELP;
      case 'call': {
        const [from, to] = args;
        if (from === undefined || to === undefined) return 'usage: call <from> <to>';
        const c = await sim.placeCall({ from, to });
        return `call ${c.uuid} ${from} -> ${to}`;
      }
      case 'twoparty': {
        const [from, to] = args;
        if (from === undefined || to === undefined) return 'usage: twoparty <from> <to>';
        const { a, b } = await sim.placeTwoPartyCall({ from, to });
        return `bridged ${a.uuid} <-> ${b.uuid}`;
      }
      case 'press':
      case 'hangup':
      case 'answer': {
        const [who, keys] = args;
        const uuid = who === undefined ? undefined : findUuid(sim, who);
        if (uuid === undefined) return `no channel "${who ?? ''}"`;
        const call = sim.call(uuid);
        if (cmd === 'press') {
          if (keys === undefined) return 'usage: press <uuid|from> <keys>';
          await call.press(keys);
        } else if (cmd === 'hangup') await call.hangup();
        else await call.answer();
        return `ok ${uuid}`;
      }
      case 'channels':
        return (
          sim
            .channels()
            .map(
              (c) =>
                `${c.uuid} ${c.name} ${c.where.state}${c.room ? ` ${c.room}` : ''}${c.bridgedTo ? ` <-> ${c.bridgedTo}` : ''}`,
            )
            .join('\n') || '(no channels)'
        );
      case 'rooms':
        return (
          sim
            .rooms()
            .map(
              (r) =>
                `${r.name}@${r.profile}: ${r.members.map((m) => `${m.id}${m.moderator ? '*' : ''}`).join(' ')}`,
            )
            .join('\n') || '(no rooms)'
        );
      default:
        return `unknown command "${cmd}" (try help)`;
    }
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
}
