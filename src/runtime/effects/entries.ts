// The administrator's digit entries: the PIN (checked here, against the brute-force guard too) and the
// number to call (its route decided by route.ts). Each is a play_and_get_digits on the administrator's
// leg; an entry a controller that is gone had started can be taken over (`adopted`).
import { setVariable, unsetVariable } from '../../esl/commands.js';
import {
  DIAL_VARIABLE,
  invalidDigitsVariable,
  PIN_VARIABLE,
  READ_RESULT,
  RESULT_READ,
} from '../channel-vars.js';
import { readDigits } from '../translate.js';
import {
  type AdoptedEntry,
  type InvitationWork,
  type PinCheck,
  reportFailure,
  type SessionWork,
} from './host.js';
import { routeFor } from './route.js';

/**
 * Clears an entry's result from the channel once read, and marks it read: a recovery takes over a result
 * only if it is unread (see recovery/plan.ts entryOf).
 */
async function forget(host: SessionWork, variable: string): Promise<void> {
  const { actions, admin } = host;
  await actions.api(unsetVariable(admin.uuid, variable));
  await actions.api(unsetVariable(admin.uuid, invalidDigitsVariable(variable)));
  await actions.api(setVariable(admin.uuid, READ_RESULT, RESULT_READ));
}

/** Asks for the PIN (or takes over the entry running), checks it, reports `pin.entered` / `caller.lockedOut`. */
export function collectPin(host: SessionWork & PinCheck, adopted?: AdoptedEntry): void {
  const { admin, settings, counters, logger: log } = host;
  host.legs.enqueue(admin, adopted ? 'collectPin (taken over)' : 'collectPin', async () => {
    const result = await host.actions.collect(
      admin,
      host.legs.queue(admin),
      settings.pinEntry,
      settings.session.pinEntryTimeoutMs,
      adopted,
    );
    if (result.kind === 'failed') return reportFailure(host, 'collectPin', result.error);
    if (result.kind !== 'done') return;
    const entry = readDigits(result.event, PIN_VARIABLE);
    // The PIN must not linger on the channel, where later events would carry it.
    await forget(host, PIN_VARIABLE);
    const locked = host.guard.check(host.lockoutKey, host.now());
    if (locked !== undefined) {
      counters.lockouts++;
      log.warn({ caller: host.lockoutKey, reason: locked }, 'caller is locked out; PIN refused');
      return host.send({ type: 'caller.lockedOut', at: host.now() });
    }
    if (entry.kind === 'none') {
      counters.pinNoInput++;
      log.info('no PIN entered');
      return host.send({ type: 'pin.entered', at: host.now(), result: 'no-input' });
    }
    const correct = await host.pins.verify(entry.digits);
    if (correct) {
      counters.pinCorrect++;
      log.info('PIN accepted');
      return host.send({ type: 'pin.entered', at: host.now(), result: 'correct' });
    }
    counters.pinWrong++;
    const lockout = host.guard.recordFailure(host.lockoutKey, host.now());
    if (lockout !== undefined) {
      counters.lockouts++;
      log.warn({ caller: host.lockoutKey, reason: lockout }, 'wrong PIN; caller locked out');
      return host.send({ type: 'caller.lockedOut', at: host.now() });
    }
    log.info('wrong PIN');
    host.send({ type: 'pin.entered', at: host.now(), result: 'wrong' });
  });
}

/** Dial tone and number entry (or takes over the entry running); reports `number.dialed` / `number.none`. */
export function collectNumber(host: SessionWork & InvitationWork, adopted?: AdoptedEntry): void {
  const { admin, settings } = host;
  const name = adopted ? 'leaveRoomAndCollectNumber (taken over)' : 'leaveRoomAndCollectNumber';
  host.legs.enqueue(admin, name, async () => {
    const result = await host.actions.collect(
      admin,
      host.legs.queue(admin),
      settings.numberEntry,
      settings.session.dialEntryTimeoutMs,
      adopted,
    );
    if (result.kind === 'failed') return reportFailure(host, 'leaveRoomAndCollectNumber', result.error);
    if (result.kind === 'no-key') {
      // The dial tone played its whole dialTimeoutMs: back to the room now, not after FreeSWITCH's own wait.
      host.logger.info('no number dialed');
      return host.send({ type: 'number.none', at: host.now() });
    }
    if (result.kind !== 'done') return;
    const entry = readDigits(result.event, DIAL_VARIABLE);
    await forget(host, DIAL_VARIABLE);
    if (entry.kind === 'none') {
      host.logger.info('no number dialed');
      return host.send({ type: 'number.none', at: host.now() });
    }
    host.send({
      type: 'number.dialed',
      at: host.now(),
      digits: entry.digits,
      route: routeFor(host, entry.digits),
    });
  });
}
