// THE table of every way the simulator knowingly differs from the recorded FreeSWITCH 1.10.12 traffic.
// The conformance test drops what a row matches (from both runs, unless `side` says otherwise) before
// comparing; anything else that differs fails the test.
import type { Ev } from './conformance/events.js';

export interface Deviation {
  id: string;
  /** Trace file prefixes ('01', '08', ...) or '*' for all. */
  files: string[] | '*';
  /** Events left out of the comparison. */
  event?: (ev: Ev) => boolean;
  /** Which run the event filter applies to. Default both. */
  side?: 'trace' | 'sim' | 'both';
  /** Replies (by the trace's command line) left out of the comparison. */
  reply?: RegExp;
  reason: string;
}

const named =
  (...names: string[]) =>
  (ev: Ev) =>
    names.includes(ev.name);

export const DEVIATIONS: Deviation[] = [
  {
    id: 'state-noise',
    files: '*',
    event: named('CHANNEL_STATE', 'CHANNEL_CALLSTATE', 'PRESENCE_IN', 'CODEC', 'CALL_UPDATE'),
    reason:
      'Not emitted: state-machine bookkeeping events the trace README lists as omissible; dynconf reads state from the channel events that carry the full channel data.',
  },
  {
    id: 'api-events',
    files: '*',
    event: named('API'),
    reason:
      'The simulator fires one API event per api/bgapi command, but FreeSWITCH also fires them for internal API calls (sofia_contact, strftime); their count and position differ. dynconf does not subscribe to API.',
  },
  {
    id: 'timers',
    files: '*',
    event: named('HEARTBEAT', 'RE_SCHEDULE'),
    reason:
      'Time-driven housekeeping events: the simulator fires HEARTBEAT every 20 s of its clock, never RE_SCHEDULE.',
  },
  {
    id: 'rig-dialplan-noise',
    files: '*',
    event: (ev) =>
      (ev.name === 'CHANNEL_EXECUTE' || ev.name === 'CHANNEL_EXECUTE_COMPLETE') &&
      (ev.h.Application === 'hash' ||
        (ev.h.Application === 'export' && (ev.h['Application-Data'] ?? '').startsWith('RFC2822_DATE='))),
    side: 'trace',
    reason:
      'The vanilla `default` context runs hash ×3 and export RFC2822_DATE before every extension (trace README "The rig"); the project dialplan does not.',
  },
  {
    id: 'media-progress',
    files: '*',
    event: (ev) =>
      ev.name === 'PLAYBACK_START' ||
      ev.name === 'PLAYBACK_STOP' ||
      ev.name === 'RECORD_START' ||
      ev.name === 'RECORD_STOP' ||
      (ev.name === 'CUSTOM' && (ev.h['Event-Subclass'] ?? '').startsWith('filestring::')) ||
      (ev.name === 'CUSTOM' && (ev.h.Action === 'play-file' || ev.h.Action === 'play-file-done')),
    reason:
      'Prompt/recording progress is modelled (PLAYBACK_*, RECORD_*, play-file, play-file-done are emitted) but with simulated durations, so their position between other events differs; dynconf does not act on them.',
  },
];

/**
 * Differences the comparison does not look at (headers dynconf does not read, behaviour the recordings
 * do not show). Listed so that nothing the simulator does differently goes unsaid.
 */
export const UNCOMPARED: Array<{ id: string; reason: string }> = [
  {
    id: 'variables-subset',
    reason:
      'Channels carry a realistic subset of variable_* (sip_*, app and dynconf variables, hangup/billing ones), not every rtp_*/codec variable FreeSWITCH sets.',
  },
  {
    id: 'state-number',
    reason:
      "Channel-State-Number is the number of Channel-State (10/11/12 while hanging up), not FreeSWITCH's running-state number.",
  },
  {
    id: 'play-file-error',
    reason:
      'conference play-file events have no `Error: File could not be played`: the rig had placeholder sound files; a real install plays them.',
  },
  {
    id: 'floor',
    reason:
      'The floor moves only when members join or leave (nobody talks in a simulation unless told): Old-ID is always none.',
  },
  {
    id: 'show-lag',
    reason: 'show channels/calls reflect changes at once; FreeSWITCH lags 0.1–0.25 s (trace README).',
  },
  {
    id: 'park-timeout',
    reason:
      "Not recorded: park_timeout=N[:CAUSE] is read and cleared when park starts and hangs the channel up on expiry (as switch_ivr_park does); sched_transfer/sched_del/show tasks follow FreeSWITCH's scheduler without its ADD/DEL/EXE_SCHEDULE events.",
  },
  {
    id: 'duplicate-origination-uuid',
    reason:
      'Not recorded: originate with an origination_uuid already in use fails with -ERR DESTINATION_OUT_OF_ORDER, no channel.',
  },
  {
    id: 'first-destination',
    reason: 'Dial strings with several destinations (`,` or `|`) dial only the first one.',
  },
  {
    id: 'local-time',
    reason: 'Event-Date-Local is written in UTC (the recorded rig ran in UTC).',
  },
];

export function deviationsFor(file: string): Deviation[] {
  const prefix = file.slice(0, 2);
  return DEVIATIONS.filter((d) => d.files === '*' || d.files.includes(prefix));
}
