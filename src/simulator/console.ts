// A line-oriented console for a standalone simulator: place calls and press keys by hand while a
// controller (or fs_cli) is connected. `help` lists the commands.
import type { Simulator } from './types.js';

const HELP = [
  'call <from> <to>            an inbound call (e.g. call 1001 900)',
  'twoparty <from> <to>        an ordinary bridged call (e.g. twoparty 1003 801)',
  'press <uuid|from> <keys>    keys from the phone (RFC 2833)',
  'hangup <uuid|from>          the phone hangs up',
  'answer <uuid>               answer a ringing outbound leg',
  'channels                    list channels',
  'rooms                       list conference rooms',
  'help                        this text',
].join('\n');

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
