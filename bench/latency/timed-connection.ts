// The controller's event-socket connection with a timeline recorder in front (bench only): every DTMF,
// CHANNEL_PARK and BACKGROUND_JOB is stamped when it has been decoded, before the runtime sees it, and every
// command when it is handed to the connection (which writes it at once: commands are pipelined).
import type { ControllerConnection } from '../../src/controller/controller.js';
import type { EslConnection } from '../../src/esl/connection.js';
import type { TimelineEntry } from './reactions.js';

export function timedConnection(inner: EslConnection, timeline: TimelineEntry[]): ControllerConnection {
  // Registered before the controller's own listener: listeners run in the order they were added.
  inner.onEvent((event) => {
    const t = performance.now();
    if (event.type === 'dtmf')
      timeline.push({ kind: 'key', t, uuid: event.channel.uuid.toLowerCase(), digit: event.digit });
    else if (event.type === 'channel-park')
      timeline.push({ kind: 'park', t, uuid: event.channel.uuid.toLowerCase() });
    else if (event.type === 'background-job')
      timeline.push({
        kind: 'job',
        t,
        arg: Buffer.from(event.arg, 'latin1').toString('latin1'),
        ok: event.ok,
      });
  });
  const command = (name: string, text: string) =>
    timeline.push({ kind: 'command', t: performance.now(), name, text: digest(name, text) });
  return {
    get state() {
      return inner.state;
    },
    onEvent: (listener) => inner.onEvent(listener),
    onStateChange: (listener) => inner.onStateChange(listener),
    start: () => inner.start(),
    close: () => inner.close(),
    api(built, options) {
      command(built.name, built.text);
      return inner.api(built, options);
    },
    bgapi(built, options) {
      command(built.name, built.text);
      return inner.bgapi(built, options);
    },
    execute(uuid, app, options) {
      command(`sendmsg ${app.app}`, uuid);
      return inner.execute(uuid, app, options);
    },
  };
}

/**
 * What the analysis reads of a command (its first uuids; all of an originate), copied out of it: keeping
 * the whole text would keep every machine snapshot written to the channel alive, and the bench's own
 * garbage would show as the controller's GC pauses.
 */
function digest(name: string, text: string): string {
  const kept = name === 'originate' || text.length <= 120 ? text : text.slice(0, 120);
  return Buffer.from(kept, 'latin1').toString('latin1');
}
