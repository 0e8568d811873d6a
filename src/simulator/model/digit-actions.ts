// bind_digit_action as FreeSWITCH 1.10.12 does it (mod_dptools): each leg has a digit machine for the keys
// its own phone sends (target `self`) and one for the keys its bridge partner's phone sends (`peer`);
// `both` binds both. Keys that could still become a bound sequence are held (no DTMF event, nothing
// forwarded); a complete sequence runs the action on the leg of the phone that pressed it (event target
// `self`); a sequence that cannot match any more, or stays incomplete for bind_digit_digit_timeout
// (1500 ms), is let go as ordinary keys. Keys injected with uuid_recv_dtmf never reach the machines
// (measured), and the simulator applies them while the leg is bridged, where dynconf uses them.
import type { TimerHandle } from '../../clock.js';
import type { DtmfSource } from './frame.js';

export interface DigitBinding {
  readonly realm: string;
  readonly digits: string;
  /** `exec:APP`, `exec[i]:APP` or `api:CMD` (FreeSWITCH's `string`). */
  readonly action: string;
  /** The application's or API's argument. */
  readonly value: string;
  /** Where the action runs: the presser's leg (`self`), the other one (`peer`), or both. */
  readonly runOn: 'self' | 'peer' | 'both';
}

/** One digit machine: its bindings, the realm in force, and the keys held while a sequence may match. */
export class DigitMachine {
  readonly bindings: DigitBinding[] = [];
  realm: string | undefined;
  held: Array<{ digit: string; source: DtmfSource }> = [];
  timer: TimerHandle | undefined;

  bind(binding: DigitBinding): void {
    this.bindings.push(binding);
    this.realm ??= binding.realm;
  }

  /** Bindings of the realm in force. */
  active(): DigitBinding[] {
    return this.bindings.filter((b) => b.realm === this.realm);
  }

  /** What the held keys plus `digit` are now: a bound sequence, a start of one, or neither. */
  classify(digit: string): { kind: 'match'; binding: DigitBinding } | { kind: 'prefix' } | { kind: 'none' } {
    const sequence = this.held.map((h) => h.digit).join('') + digit;
    const bindings = this.active();
    const binding = bindings.find((b) => b.digits === sequence);
    if (binding !== undefined) return { kind: 'match', binding };
    if (bindings.some((b) => b.digits.startsWith(sequence))) return { kind: 'prefix' };
    return { kind: 'none' };
  }
}

/** The `event` app's argument list: `^^X` at the start makes X the separator instead of `,`. */
export function splitAppArgs(data: string): string[] {
  if (data.startsWith('^^') && data.length >= 3) return data.slice(3).split(data[2] as string);
  return data.split(',');
}
