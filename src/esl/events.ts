// The typed events dynconf reacts to. Produced only by decode.ts; consumed by the runtime.
// Names follow FreeSWITCH's event names (CHANNEL_PARK -> 'channel-park'); every field is taken from
// the event's own headers, as seen in the FreeSWITCH 1.10.12 recordings.

/** `Call-Direction` of a channel: `inbound` for a caller, `outbound` for a leg FreeSWITCH originated. */
export type CallDirection = 'inbound' | 'outbound';

/**
 * The channel an event is about (the `Unique-ID`, `Channel-*`, `Caller-*` and `variable_*` headers).
 * Every channel event carries the channel's full state, so this is a snapshot as of that event.
 * Fields are read lazily from the event's headers: reading one costs a lookup, not a copy.
 */
export interface ChannelInfo {
  /** `Unique-ID`: the channel's uuid (for an originated leg: our `origination_uuid`). */
  readonly uuid: string;
  /** `Call-Direction`. */
  readonly direction: CallDirection | undefined;
  /** `Channel-Name`, e.g. `sofia/internal/1001@127.0.0.1:5070` or `loopback/7002-a`. */
  readonly name: string | undefined;
  /** `Caller-Caller-ID-Number`. */
  readonly callerNumber: string | undefined;
  /** `Caller-Caller-ID-Name`. */
  readonly callerName: string | undefined;
  /** `Caller-Destination-Number`, e.g. `900`. */
  readonly destinationNumber: string | undefined;
  /** `Answer-State`: `ringing` | `early` | `answered` | `hangup` (FreeSWITCH's own words). */
  readonly answerState: string | undefined;
  /** `Channel-State`, e.g. `CS_EXECUTE`, `CS_PARK`, `CS_SOFT_EXECUTE`, `CS_EXCHANGE_MEDIA`. */
  readonly channelState: string | undefined;
  /** `Channel-Call-State`, e.g. `RINGING`, `EARLY`, `ACTIVE`, `HANGUP`. */
  readonly callState: string | undefined;
  /** `Other-Leg-Unique-ID`: the peer leg when FreeSWITCH knows one (bridge, originate). */
  readonly otherLegUuid: string | undefined;
  /**
   * A channel variable: the `variable_<name>` header. Multi-valued variables (JSON arrays such as
   * `variable_DP_MATCH`) give their first value. `undefined` when the variable is not set.
   */
  variable(name: string): string | undefined;
  /** Any other header of the event, by its exact FreeSWITCH name (first value if it is an array). */
  header(name: string): string | undefined;
}

/** Channel lifecycle events that carry nothing beyond the channel. */
export type PlainChannelEventType =
  /** CHANNEL_CREATE: a new channel (inbound caller, or an originated leg). */
  | 'channel-create'
  /** CHANNEL_OUTGOING: an originated leg starts (comes first for outbound legs, `CS_NONE`). */
  | 'channel-outgoing'
  /** CHANNEL_ANSWER: the channel is answered (`Answer-State: answered`). */
  | 'channel-answer'
  /** CHANNEL_PARK: parked, by the `park` app, `uuid_transfer … park inline` or `park_after_bridge`. */
  | 'channel-park'
  /** CHANNEL_UNPARK: leaves park (transfer, bridge, hangup). */
  | 'channel-unpark'
  /** CHANNEL_DESTROY: the channel is gone for good (after CHANNEL_HANGUP_COMPLETE). */
  | 'channel-destroy';

/** Conference actions (`Action` of `conference::maintenance`) dynconf knows by name; others pass through. */
export type ConferenceAction =
  | 'conference-create'
  | 'conference-destroy'
  | 'add-member'
  | 'del-member'
  | 'start-talking'
  | 'stop-talking'
  | 'mute-member'
  | 'unmute-member'
  | 'deaf-member'
  | 'undeaf-member'
  | 'floor-change'
  | 'kick-member'
  | 'hup-member'
  | 'lock'
  | 'unlock'
  | 'play-file'
  | 'play-file-done'
  | 'dtmf'
  // Any other action FreeSWITCH sends, unchanged (keeps the union open without losing completion).
  | (string & {});

/** A conference member as described by a member event's `Member-*` and flag headers. */
export interface ConferenceMember {
  /** `Member-ID`: a FreeSWITCH-wide counter, not per room. */
  readonly id: number;
  /** `Unique-ID` of the member's channel. */
  readonly uuid: string | undefined;
  /** `Member-Type`. */
  readonly type: 'moderator' | 'member';
  /** `Hear` flag (false when deaf). */
  readonly hear: boolean | undefined;
  /** `Speak` flag (false when muted). */
  readonly speak: boolean | undefined;
  /** `Talking` flag. */
  readonly talking: boolean | undefined;
  /** `Floor` flag. */
  readonly floor: boolean | undefined;
}

/** Fields of channel-execute / channel-execute-complete. */
export interface ExecuteFields {
  readonly channel: ChannelInfo;
  /** `Application`, e.g. `play_and_get_digits`. */
  readonly application: string;
  /** `Application-Data` (`''` when absent). */
  readonly applicationData: string;
  /** `Application-Response` (completion only; `_none_` for most apps, sticky across apps). */
  readonly applicationResponse: string | undefined;
  /** `Application-UUID`. */
  readonly applicationUuid: string | undefined;
}

/** One union member per `type` in K, each with the same fields (so `Extract` and `switch` narrow). */
type Each<K extends string, Fields> = { [P in K]: { readonly type: P } & Fields }[K];

/** Every event dynconf understands. Discriminate on `type`. */
export type DynconfEvent =
  | Each<PlainChannelEventType, { readonly channel: ChannelInfo }>
  | {
      /** CHANNEL_PROGRESS (`media: false`, 180) or CHANNEL_PROGRESS_MEDIA (`media: true`, 183 + SDP). */
      readonly type: 'channel-progress';
      readonly channel: ChannelInfo;
      readonly media: boolean;
    }
  /**
   * CHANNEL_BRIDGE / CHANNEL_UNBRIDGE. Fired once per bridge, on the A leg (`Unique-ID` = a leg).
   * `aLegUuid`/`bLegUuid` are `Bridge-A-Unique-ID`/`Bridge-B-Unique-ID`.
   */
  | Each<
      'channel-bridge' | 'channel-unbridge',
      { readonly channel: ChannelInfo; readonly aLegUuid: string; readonly bLegUuid: string }
    >
  /** CHANNEL_HANGUP / CHANNEL_HANGUP_COMPLETE. `cause` is `Hangup-Cause`, e.g. `NORMAL_CLEARING`. */
  | Each<
      'channel-hangup' | 'channel-hangup-complete',
      { readonly channel: ChannelInfo; readonly cause: string }
    >
  /**
   * CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE of a dialplan application.
   * `applicationUuid` (`Application-UUID`) equals the `event-uuid` sent with `sendmsg`, which is how
   * a caller matches the completion of its own `play_and_get_digits`. Long-running apps
   * (`park`, `conference`, `bridge`) complete only when the channel leaves them; `uuid_bridge` never.
   */
  | Each<'channel-execute' | 'channel-execute-complete', ExecuteFields>
  | {
      /** CHANNEL_UUID: a channel's uuid changed (loopback originate): `Old-Unique-ID` -> `Unique-ID`. */
      readonly type: 'channel-uuid';
      readonly channel: ChannelInfo;
      readonly oldUuid: string;
    }
  | {
      /** DTMF: one key on the leg that received it (`Unique-ID`). */
      readonly type: 'dtmf';
      readonly channel: ChannelInfo;
      /** `DTMF-Digit`: `0`–`9`, `*`, `#`, `A`–`D`. */
      readonly digit: string;
      /** `DTMF-Source`: `APP` (injected), `RTP` (RFC 2833), `ENDPOINT` (SIP INFO), … */
      readonly source: string;
      /**
       * `DTMF-Duration` as FreeSWITCH gives it: 8 kHz timestamp units, not ms (`2000` = 250 ms, the
       * default for injected keys).
       */
      readonly durationSamples: number | undefined;
    }
  | {
      /** CUSTOM `conference::maintenance`. */
      readonly type: 'conference';
      /** `Action`. */
      readonly action: ConferenceAction;
      /** `Conference-Name`. */
      readonly room: string;
      /** `Conference-Profile-Name`, e.g. `dynconf`. */
      readonly profile: string | undefined;
      /** `Conference-Unique-ID`: changes when a room of the same name is created again. */
      readonly conferenceUuid: string | undefined;
      /** `Conference-Size`: members after this event. */
      readonly size: number | undefined;
      /** Present on member events (those with a `Member-ID`). */
      readonly member: ConferenceMember | undefined;
      /** The member's channel (events with a `Unique-ID`); absent for conference-create/destroy. */
      readonly channel: ChannelInfo | undefined;
    }
  | {
      /**
       * BACKGROUND_JOB: the result of a `bgapi`. Has no `Unique-ID`; match by `jobUuid`.
       * `body` is FreeSWITCH's `_body` unchanged (`+OK <uuid>\n`, `-ERR NO_ANSWER\n`, a JSON list, …).
       */
      readonly type: 'background-job';
      /** `Job-UUID`. */
      readonly jobUuid: string;
      /** `Job-Command`, e.g. `originate`. */
      readonly command: string;
      /** `Job-Command-Arg`. */
      readonly arg: string;
      /** False when the body starts with `-` (`-ERR …`, `-USAGE …`). */
      readonly ok: boolean;
      /** The whole `_body`. */
      readonly body: string;
      /** The body without its `+OK `/`-ERR ` prefix and trailing newline, e.g. the uuid or `NO_ANSWER`. */
      readonly reply: string;
    }
  | {
      /**
       * A CUSTOM event other than `conference::maintenance`, e.g. `dynconf::star0` fired by
       * `bind_meta_app … event::Event-Subclass=dynconf::star0` (`Unique-ID` = the presser's leg).
       */
      readonly type: 'custom';
      /** `Event-Subclass`. */
      readonly subclass: string;
      /** The channel, when the event has a `Unique-ID`. */
      readonly channel: ChannelInfo | undefined;
      /** Any header of the event, by its exact name. */
      header(name: string): string | undefined;
    };

/** The `type` of every DynconfEvent. */
export type DynconfEventType = DynconfEvent['type'];

/** Narrows DynconfEvent to one `type`: `EventOf<'dtmf'>`. */
export type EventOf<T extends DynconfEventType> = Extract<DynconfEvent, { type: T }>;

/** How many events decode.ts turned into DynconfEvents, and why it dropped the others. */
export interface DecodeCounters {
  /** Events returned as a DynconfEvent. */
  decoded: number;
  /** Events FreeSWITCH names that dynconf does not use (CHANNEL_STATE, API, PRESENCE_IN, HEARTBEAT, …). */
  ignored: number;
  /** Events with an `Event-Name` (or CUSTOM subclass) dynconf has never heard of. */
  unknown: number;
  /** Events missing a field dynconf needs (`Unique-ID`, `Job-UUID`, `DTMF-Digit`, …), or not an object. */
  malformed: number;
}
