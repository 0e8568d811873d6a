// The runtime's own "no key" bound of a digit entry: FreeSWITCH's play_and_get_digits starts waiting for
// the first key only when its prompt has ended, so an entry whose prompt is meant to last the whole wait
// (the dial tone) is timed here, from the prompt's start (its CHANNEL_EXECUTE), until the first key.
import type { Clock, TimerHandle } from '../clock.js';
import type { Leg } from './legs.js';

/**
 * Calls `onNoKey` when no key came on the leg within `withinMs` of the entry `eventUuid` starting (keys
 * pressed before it started count too). Returns the function that stops watching. Synchronous on every
 * event: a key in the same read as the start is never missed.
 */
export function watchNoKey(
  leg: Leg,
  clock: Clock,
  eventUuid: string,
  withinMs: number,
  boundMs: number,
  onNoKey: () => void,
): () => void {
  let timer: TimerHandle | undefined;
  const watch = leg.waitFor((event) => {
    if (!('channel' in event) || event.channel?.uuid !== leg.uuid) return false;
    if (event.type === 'dtmf') return true;
    if (timer === undefined && event.type === 'channel-execute' && event.applicationUuid === eventUuid) {
      timer = clock.setTimer(withinMs, () => {
        watch.interrupt();
        onNoKey();
      });
    }
    return false;
  }, boundMs);
  void watch.done.then(() => timer?.cancel());
  return () => {
    timer?.cancel();
    watch.interrupt();
  };
}
