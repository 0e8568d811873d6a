// What one key or answer made dynconf send, read from a timeline recorded in the controller's process: the
// time from the event being decoded to the first command about the same call, and to the last of the
// commands the reaction is made of (`**`: both moves into the room; `*#`: the invitee's hang-up and the
// administrator's move; an answer: the private bridge). dynconf takes an invitee as answered when its
// originate's `&park()` runs or the originate's job reports success, whichever it hears first
// (translate.ts): the answer's reaction is timed from that event. Pure, so the bench's own test can check it.

export type TimelineEntry =
  /** A DTMF event, when it was decoded. */
  | { readonly kind: 'key'; readonly t: number; readonly uuid: string; readonly digit: string }
  /** CHANNEL_PARK, when it was decoded. */
  | { readonly kind: 'park'; readonly t: number; readonly uuid: string }
  /** BACKGROUND_JOB, when it was decoded: its command's arguments and whether it succeeded. */
  | { readonly kind: 'job'; readonly t: number; readonly arg: string; readonly ok: boolean }
  /** A command, when it was handed to the connection (written at once: pipelined). */
  | {
      readonly kind: 'command';
      readonly t: number;
      /** `uuid_transfer`, `uuid_kill`, `uuid_bridge`, `originate`, `sendmsg playback`, … */
      readonly name: string;
      /** The command's whole text (api and bgapi), or the channel (sendmsg). */
      readonly text: string;
    };

export type ReactionKind = '**' | '*#' | 'answer';

export interface Reaction {
  readonly kind: ReactionKind;
  /** Event decoded → first command naming the administrator or the invitee, ms. */
  readonly firstMs: number;
  /** Event decoded → the last command the reaction needs, ms. */
  readonly lastMs: number;
}

export interface ReactionReport {
  readonly reactions: readonly Reaction[];
  /** Reactions whose commands did not all come before the next one started (a bench failure). */
  readonly incomplete: number;
}

interface Open {
  readonly kind: ReactionKind;
  readonly t0: number;
  readonly admin: string;
  readonly invitee: string;
  /** Commands still awaited (see needed()). */
  readonly waiting: Set<string>;
  first?: number;
  last?: number;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const uuidsOf = (text: string) => [...text.matchAll(UUID)].map((m) => m[0].toLowerCase());

/** The leg an originate's arguments create (its `origination_uuid`). */
function originated(text: string): string | undefined {
  return /origination_uuid=([0-9a-f-]{36})/i.exec(text)?.[1]?.toLowerCase();
}

/** The commands a reaction is made of, as `name uuid…` keys matched by commandKey(). */
function needed(kind: ReactionKind, admin: string, invitee: string): string[] {
  switch (kind) {
    case '**':
      return [`uuid_transfer ${invitee}`, `uuid_transfer ${admin}`];
    case '*#':
      return [`uuid_kill ${invitee}`, `uuid_transfer ${admin}`];
    case 'answer':
      return [`uuid_bridge ${admin} ${invitee}`];
  }
}

function commandKey(entry: Extract<TimelineEntry, { kind: 'command' }>): string {
  const uuids = uuidsOf(entry.text);
  return entry.name === 'uuid_bridge' ? `uuid_bridge ${uuids[0]} ${uuids[1]}` : `${entry.name} ${uuids[0]}`;
}

/**
 * Reads the reactions out of a timeline in the order it was recorded. An administrator's invitee is the leg
 * its last originate named (`origination_uuid`, marked `dynconf_admin`).
 */
export function readReactions(timeline: readonly TimelineEntry[]): ReactionReport {
  const inviteeOf = new Map<string, string>();
  const adminOf = new Map<string, string>();
  const lastKey = new Map<string, string>();
  const open = new Map<string, Open>();
  const reactions: Reaction[] = [];
  let incomplete = 0;

  const start = (kind: ReactionKind, t0: number, admin: string, invitee: string) => {
    if (open.has(admin)) incomplete++;
    open.set(admin, { kind, t0, admin, invitee, waiting: new Set(needed(kind, admin, invitee)) });
  };

  for (const entry of timeline) {
    switch (entry.kind) {
      case 'key': {
        const before = lastKey.get(entry.uuid);
        lastKey.set(entry.uuid, before === '*' && entry.digit !== '*' ? '' : entry.digit);
        const invitee = inviteeOf.get(entry.uuid);
        if (before !== '*' || invitee === undefined) break;
        if (entry.digit === '*') {
          start('**', entry.t, entry.uuid, invitee);
          lastKey.set(entry.uuid, '');
        } else if (entry.digit === '#') start('*#', entry.t, entry.uuid, invitee);
        break;
      }
      case 'park':
      case 'job': {
        // The first sign of an invitee's answer; later ones (its job after its park, a private talk that
        // ended and parked it) are not answers.
        const leg = entry.kind === 'park' ? entry.uuid : entry.ok ? originated(entry.arg) : undefined;
        const admin = leg === undefined ? undefined : adminOf.get(leg);
        if (leg === undefined || admin === undefined) break;
        adminOf.delete(leg);
        start('answer', entry.t, admin, leg);
        break;
      }
      case 'command': {
        if (entry.name === 'originate') {
          const leg = originated(entry.text);
          const admin = /dynconf_admin=([0-9a-f-]{36})/i.exec(entry.text)?.[1]?.toLowerCase();
          if (leg !== undefined && admin !== undefined) {
            inviteeOf.set(admin, leg);
            adminOf.set(leg, admin);
          }
        }
        const named = new Set(uuidsOf(entry.text));
        for (const reaction of open.values()) {
          if (!named.has(reaction.admin) && !named.has(reaction.invitee)) continue;
          reaction.first ??= entry.t;
          if (reaction.waiting.delete(commandKey(entry))) reaction.last = entry.t;
          if (reaction.waiting.size > 0) continue;
          open.delete(reaction.admin);
          reactions.push({
            kind: reaction.kind,
            firstMs: reaction.first - reaction.t0,
            lastMs: (reaction.last ?? entry.t) - reaction.t0,
          });
        }
        break;
      }
    }
  }
  return { reactions, incomplete: incomplete + open.size };
}
