// Creates events with FreeSWITCH's core headers (Core-UUID, Event-Date-*, Event-Sequence) and hands them to
// every listener (the event-socket connections, the scripting API).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { EventData } from './event.js';

export interface EventOrigin {
  file: string;
  func: string;
  line: number;
}

/** Where FreeSWITCH raises each event (Event-Calling-* headers), for realism only. */
const ORIGINS: Record<string, EventOrigin> = {
  CHANNEL_CREATE: { file: 'switch_core_state_machine.c', func: 'switch_core_session_run', line: 626 },
  CHANNEL_ORIGINATE: { file: 'switch_core_state_machine.c', func: 'switch_core_session_run', line: 632 },
  CHANNEL_OUTGOING: {
    file: 'switch_core_session.c',
    func: 'switch_core_session_outgoing_channel',
    line: 768,
  },
  CHANNEL_EXECUTE: { file: 'switch_core_session.c', func: 'switch_core_session_exec', line: 2944 },
  CHANNEL_EXECUTE_COMPLETE: { file: 'switch_core_session.c', func: 'switch_core_session_exec', line: 2967 },
  CHANNEL_PARK: { file: 'switch_ivr.c', func: 'switch_ivr_park', line: 1002 },
  CHANNEL_UNPARK: { file: 'switch_ivr.c', func: 'switch_ivr_park', line: 1213 },
  CHANNEL_ANSWER: { file: 'switch_channel.c', func: 'switch_channel_perform_mark_answered', line: 3846 },
  CHANNEL_PROGRESS: {
    file: 'switch_channel.c',
    func: 'switch_channel_perform_mark_ring_ready_value',
    line: 3505,
  },
  CHANNEL_PROGRESS_MEDIA: {
    file: 'switch_channel.c',
    func: 'switch_channel_perform_mark_pre_answered',
    line: 3656,
  },
  CHANNEL_HANGUP: { file: 'switch_channel.c', func: 'switch_channel_perform_hangup', line: 3445 },
  CHANNEL_HANGUP_COMPLETE: {
    file: 'switch_core_state_machine.c',
    func: 'switch_core_session_reporting_state',
    line: 943,
  },
  CHANNEL_DESTROY: { file: 'switch_core_session.c', func: 'switch_core_session_perform_destroy', line: 1584 },
  CHANNEL_BRIDGE: { file: 'switch_ivr_bridge.c', func: 'switch_ivr_multi_threaded_bridge', line: 1689 },
  CHANNEL_UNBRIDGE: { file: 'switch_ivr_bridge.c', func: 'switch_ivr_multi_threaded_bridge', line: 1879 },
  CHANNEL_UUID: { file: 'switch_channel.c', func: 'switch_channel_set_uuid', line: 1219 },
  CHANNEL_DATA: { file: 'mod_commands.c', func: 'uuid_dump_function', line: 6468 },
  DTMF: { file: 'switch_channel.c', func: 'switch_channel_dequeue_dtmf', line: 677 },
  PLAYBACK_START: { file: 'switch_ivr_play_say.c', func: 'switch_ivr_play_file', line: 1646 },
  PLAYBACK_STOP: { file: 'switch_ivr_play_say.c', func: 'switch_ivr_play_file', line: 2020 },
  PRIVATE_COMMAND: { file: 'switch_ivr.c', func: 'switch_ivr_parse_event', line: 562 },
  BACKGROUND_JOB: { file: 'mod_event_socket.c', func: 'api_exec', line: 1572 },
  API: { file: 'switch_loadable_module.c', func: 'switch_api_execute', line: 2954 },
  HEARTBEAT: { file: 'switch_core.c', func: 'send_heartbeat', line: 80 },
  RECORD_START: { file: 'switch_ivr_async.c', func: 'record_callback', line: 1231 },
  RECORD_STOP: { file: 'switch_ivr_async.c', func: 'record_callback', line: 1324 },
};

const DEFAULT_ORIGIN: EventOrigin = {
  file: 'switch_event.c',
  func: 'switch_event_fire_detailed',
  line: 2000,
};

export interface BusIdentity {
  hostname: string;
  ipv4: string;
  ipv6: string;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2026-11-23 20:20:06` (the simulator keeps its "local" time in UTC, like the recorded rig). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

export type EventListener = (event: EventData) => void;

export class EventBus {
  coreUuid: string = randomUUID();
  private seq: number;
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly clock: Clock,
    readonly identity: BusIdentity,
    firstSequence = 1,
  ) {
    this.seq = firstSequence;
  }

  nowMicros(): number {
    return Math.round(this.clock.now() * 1000);
  }

  /** A new event with the core headers filled in; not yet fired. */
  create(
    name: string,
    options: { subclass?: string; origin?: EventOrigin; prefix?: Array<[string, string]> } = {},
  ): EventData {
    const ms = this.clock.now();
    const event = new EventData(name, this.seq++, options.subclass);
    const origin = options.origin ?? ORIGINS[name] ?? DEFAULT_ORIGIN;
    for (const [k, v] of options.prefix ?? []) event.add(k, v);
    if (options.subclass !== undefined) event.add('Event-Subclass', options.subclass);
    event
      .add('Event-Name', name)
      .add('Core-UUID', this.coreUuid)
      .add('FreeSWITCH-Hostname', this.identity.hostname)
      .add('FreeSWITCH-Switchname', this.identity.hostname)
      .add('FreeSWITCH-IPv4', this.identity.ipv4)
      .add('FreeSWITCH-IPv6', this.identity.ipv6)
      .add('Event-Date-Local', localDate(ms))
      .add('Event-Date-GMT', new Date(ms).toUTCString())
      .add('Event-Date-Timestamp', String(Math.round(ms * 1000)))
      .add('Event-Calling-File', origin.file)
      .add('Event-Calling-Function', origin.func)
      .add('Event-Calling-Line-Number', String(origin.line))
      .add('Event-Sequence', String(event.sequence));
    return event;
  }

  fire(event: EventData): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
