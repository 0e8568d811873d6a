// mod_conference as the traces show it: rooms created on the first member and destroyed ~20 ms after the
// last leaves, member ids from one switch-wide counter (kept by a channel across rooms), floor, caller
// controls of profile `default` (0 mute, * deaf-mute, # leave) and the conference::maintenance events.
import { randomUUID } from 'node:crypto';
import type { EventData } from '../events/event.js';
import type { Channel } from '../model/channel.js';
import type { Core } from '../model/core.js';
import { STEP_MS } from '../model/timing.js';
import type { MemberInfo, RoomInfo } from '../types.js';
import { type CJson, cjsonPrint } from './cjson.js';

export interface Member {
  id: number;
  ch: Channel;
  moderator: boolean;
  canSpeak: boolean;
  canHear: boolean;
  talking: boolean;
  joinedAt: number;
  /** The member left on its own (kick, `#`): its conference application completes. */
  onLeft: () => void;
}

export interface Room {
  name: string;
  profile: string;
  uuid: string;
  members: Member[];
  locked: boolean;
  createdAt: number;
  floor?: Member;
}

/** Profiles whose caller controls are FreeSWITCH's `default` group; others have none (`dynconf`). */
const PROFILES_WITH_CONTROLS = new Set(['default']);

const ENTER_TONE = 'tone_stream://%(200,0,500,600,700)';
const EXIT_TONE = 'tone_stream://%(500,0,300,200,100,50,25)';

export interface RoomSpec {
  name: string;
  profile: string;
  flags: Set<string>;
}

/** `room-a@dynconf+flags{moderator|mute}` */
export function parseRoomSpec(data: string): RoomSpec {
  let text = data.trim();
  const flags = new Set<string>();
  const fm = /\+flags\{([^}]*)\}/.exec(text);
  if (fm !== null) {
    for (const f of (fm[1] ?? '').split('|')) if (f.trim() !== '') flags.add(f.trim());
    text = text.replace(fm[0], '');
  }
  text = text.split('+')[0] ?? text;
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const profile = at < 0 ? 'default' : text.slice(at + 1) || 'default';
  return { name, profile, flags };
}

export class Conferences {
  readonly rooms = new Map<string, Room>();

  constructor(private readonly core: Core) {}

  wipe(): void {
    this.rooms.clear();
  }

  private get sounds(): string {
    return this.core.config.soundsDir;
  }

  // ---- events -------------------------------------------------------------------------------------

  private confHeaders(ev: EventData, room: Room): void {
    ev.add('Conference-Name', room.name)
      .add('Conference-Domain', this.core.config.domain)
      .add('Conference-Size', String(room.members.length))
      .add('Conference-Ghosts', '0')
      .add('Conference-Profile-Name', room.profile)
      .add('Conference-Unique-ID', room.uuid);
  }

  private memberHeaders(ev: EventData, m: Member): void {
    m.ch.appendTo(ev, false);
    ev.add('Video', 'false')
      .add('Hear', String(m.canHear))
      .add('See', 'true')
      .add('Speak', String(m.canSpeak))
      .add('Talking', String(m.talking))
      .add('Mute-Detect', 'false')
      .add('Hold', 'false')
      .add('Member-ID', String(m.id))
      .add('Member-Type', m.moderator ? 'moderator' : 'member')
      .add('Member-Ghost', 'false')
      .add('Energy-Level', '100')
      .add('Current-Energy', '0');
  }

  private roomEvent(room: Room, action: string, extra: Array<[string, string]> = []): void {
    const ev = this.core.bus.create('CUSTOM', { subclass: 'conference::maintenance' });
    this.confHeaders(ev, room);
    ev.add('Action', action);
    for (const [k, v] of extra) ev.add(k, v);
    this.core.bus.fire(ev);
  }

  private memberEvent(room: Room, m: Member, action: string, extra: Array<[string, string]> = []): void {
    const ev = this.core.bus.create('CUSTOM', { subclass: 'conference::maintenance' });
    this.confHeaders(ev, room);
    ev.add('Floor', String(room.floor === m));
    this.memberHeaders(ev, m);
    ev.add('Action', action);
    for (const [k, v] of extra) ev.add(k, v);
    this.core.bus.fire(ev);
  }

  private floorChange(room: Room, to: Member | undefined): void {
    // the floor only moves on joins and leaves here, and FreeSWITCH then reports no previous holder
    room.floor = to;
    const ev = this.core.bus.create('CUSTOM', { subclass: 'conference::maintenance' });
    this.confHeaders(ev, room);
    ev.add('Action', 'floor-change').add('Old-ID', 'none');
    if (to === undefined) {
      ev.add('New-ID', 'none');
    } else {
      this.confHeaders(ev, room); // FreeSWITCH repeats the Conference-* block here (trace README, bodyRaw)
      ev.add('Floor', 'true');
      this.memberHeaders(ev, to);
      ev.add('New-ID', String(to.id));
    }
    this.core.bus.fire(ev);
  }

  private playFile(room: Room, file: string, async: boolean): void {
    this.roomEvent(room, 'play-file', [
      ['File', file],
      ['Async', String(async)],
    ]);
    for (const m of room.members)
      this.core.hear(m.ch, file.startsWith('tone_stream') ? 'tone' : 'file', file);
  }

  private playFileDone(room: Room, file: string, ms: number): void {
    this.core.after(ms, () => {
      if (this.rooms.get(room.name) !== room) return;
      const ev = this.core.bus.create('CUSTOM', { subclass: 'conference::maintenance' });
      this.confHeaders(ev, room);
      ev.add('seconds', String(Math.floor(ms / 1000)))
        .add('milliseconds', String(ms))
        .add('samples', String(ms * 8))
        .add('Action', 'play-file-done')
        .add('File', file);
      this.core.bus.fire(ev);
    });
    for (const m of room.members) this.core.hear(m.ch, 'tone', file);
  }

  // ---- members ------------------------------------------------------------------------------------

  /** The conference application: joins (creating the room); undefined when refused (locked room). */
  join(ch: Channel, data: string, onLeft: () => void): Member | undefined {
    const spec = parseRoomSpec(data);
    const core = this.core;
    let room = this.rooms.get(spec.name);
    if (room === undefined) {
      room = {
        name: spec.name,
        profile: spec.profile,
        uuid: randomUUID(),
        members: [],
        locked: false,
        createdAt: core.clock.now(),
      };
      this.rooms.set(room.name, room);
      this.roomEvent(room, 'conference-create');
    } else if (room.locked && !spec.flags.has('moderator')) {
      core.hear(ch, 'file', `${this.sounds}/conference/conf-locked.wav`);
      return undefined;
    }
    ch.memberId ??= core.nextMemberId();
    const member: Member = {
      id: ch.memberId,
      ch,
      moderator: spec.flags.has('moderator'),
      canSpeak: !spec.flags.has('mute'),
      canHear: !spec.flags.has('deaf'),
      talking: false,
      joinedAt: core.clock.now(),
      onLeft,
    };
    room.members.push(member);
    core.hear(ch, 'conference', room.name);
    ch.room = room.name;
    ch.readCodec = 'L16';
    ch.setVar('conference_name', room.name);
    ch.setVar('conference_member_id', String(member.id));
    ch.setVar('conference_moderator', String(member.moderator));
    const alone = room.members.length === 1;
    if (alone) this.playFile(room, `${this.sounds}/conference/conf-alone.wav`, false);
    this.memberEvent(room, member, 'add-member');
    const joined = room;
    if (joined.floor === undefined) {
      core.after(STEP_MS, () => {
        if (
          this.rooms.get(joined.name) !== joined ||
          !joined.members.includes(member) ||
          joined.floor !== undefined
        )
          return;
        this.floorChange(joined, member);
        if (joined.members.length === 1) this.playFile(joined, 'local_stream://moh', true);
      });
    }
    if (!alone) this.playFileDone(room, ENTER_TONE, 600);
    return member;
  }

  roomOf(m: Member): Room | undefined {
    const name = m.ch.room;
    const room = name === undefined ? undefined : this.rooms.get(name);
    return room?.members.includes(m) ? room : undefined;
  }

  /** The member leaves (transfer, hangup, kick, `#`): floor, del-member, destroy when empty. */
  leave(m: Member): void {
    const room = this.roomOf(m);
    if (room === undefined) return;
    const core = this.core;
    if (room.floor === m) this.floorChange(room, undefined);
    room.members = room.members.filter((x) => x !== m);
    if (room.members.length === 1) this.playFile(room, `${this.sounds}/conference/conf-alone.wav`, false);
    this.memberEvent(room, m, 'del-member');
    core.hear(m.ch, 'hold', `left ${room.name}`);
    m.ch.room = undefined;
    m.ch.readCodec = 'PCMU';
    if (room.members.length === 0) {
      this.rooms.delete(room.name);
      core.after(STEP_MS, () => this.roomEvent(room, 'conference-destroy'));
      return;
    }
    this.playFileDone(room, EXIT_TONE, 500);
    core.after(STEP_MS, () => {
      const first = room.members[0];
      if (this.rooms.get(room.name) === room && room.floor === undefined && first !== undefined) {
        this.floorChange(room, first);
      }
    });
  }

  private setMute(room: Room, m: Member, mute: boolean): void {
    if (m.canSpeak === !mute) return;
    m.canSpeak = !mute;
    if (mute && m.talking) m.talking = false;
    this.memberEvent(room, m, mute ? 'mute-member' : 'unmute-member');
  }

  private setDeaf(room: Room, m: Member, deaf: boolean): void {
    if (m.canHear === !deaf) return;
    m.canHear = !deaf;
    this.memberEvent(room, m, deaf ? 'deaf-member' : 'undeaf-member');
  }

  /** A key pressed by a member: caller controls of the room's profile. */
  dtmf(m: Member, digit: string): void {
    const room = this.roomOf(m);
    if (room === undefined || !PROFILES_WITH_CONTROLS.has(room.profile)) return;
    if (digit === '0') this.setMute(room, m, m.canSpeak);
    else if (digit === '*') {
      const on = m.canSpeak || m.canHear;
      this.setMute(room, m, on);
      this.setDeaf(room, m, on);
    } else if (digit === '#') {
      this.leave(m);
      m.onLeft();
    }
  }

  /** The member starts/stops talking (scripting API): start-talking / stop-talking. */
  talk(ch: Channel, talking: boolean): void {
    const m = this.memberOf(ch);
    if (m === undefined) return;
    const room = this.roomOf(m);
    if (room === undefined || (talking && !m.canSpeak) || m.talking === talking) return;
    m.talking = talking;
    this.memberEvent(room, m, talking ? 'start-talking' : 'stop-talking');
  }

  memberOf(ch: Channel): Member | undefined {
    const room = ch.room === undefined ? undefined : this.rooms.get(ch.room);
    return room?.members.find((m) => m.ch === ch);
  }

  // ---- inspection ---------------------------------------------------------------------------------

  info(room: Room): RoomInfo {
    return {
      name: room.name,
      profile: room.profile,
      uuid: room.uuid,
      locked: room.locked,
      members: room.members.map(
        (m): MemberInfo => ({
          id: m.id,
          uuid: m.ch.uuid,
          moderator: m.moderator,
          canSpeak: m.canSpeak,
          canHear: m.canHear,
          talking: m.talking,
        }),
      ),
    };
  }

  // ---- api: conference ... ------------------------------------------------------------------------

  private memberLine(room: Room, m: Member): string {
    const flags: string[] = [];
    if (m.canHear) flags.push('hear');
    if (m.canSpeak) flags.push('speak');
    if (m.talking) flags.push('talking');
    if (room.floor === m) flags.push('floor');
    if (m.moderator) flags.push('moderator');
    const p = m.ch.profile;
    return `${m.id};${m.ch.name};${m.ch.uuid};${p.callerIdName};${p.callerIdNumber};${flags.join('|')};0;0;100\n`;
  }

  private roomJson(room: Room): CJson {
    const now = this.core.clock.now();
    return {
      conference_name: room.name,
      member_count: room.members.length,
      ghost_count: 0,
      rate: 8000,
      run_time: Math.floor((now - room.createdAt) / 1000),
      conference_uuid: room.uuid,
      canvas_count: 0,
      max_bw_in: 0,
      force_bw_in: 0,
      video_floor_packets: 0,
      locked: room.locked,
      destruct: false,
      wait_mod: false,
      audio_always: false,
      running: true,
      answered: true,
      enforce_min: true,
      bridge_to: false,
      dynamic: true,
      exit_sound: true,
      enter_sound: true,
      recording: false,
      video_bridge: false,
      video_floor_only: false,
      video_rfc4579: false,
      variables: {},
      members: [...room.members].reverse().map((m) => ({
        type: 'caller',
        id: m.id,
        flags: {
          can_hear: m.canHear,
          can_see: true,
          can_speak: m.canSpeak,
          hold: false,
          mute_detect: false,
          talking: m.talking,
          has_video: false,
          video_bridge: false,
          has_floor: room.floor === m,
          is_moderator: m.moderator,
          end_conference: false,
          mandatory_member_end_conference: false,
          pass_digits: false,
        },
        uuid: m.ch.uuid,
        caller_id_name: m.ch.profile.callerIdName,
        caller_id_number: m.ch.profile.callerIdNumber,
        join_time: Math.floor((now - m.joinedAt) / 1000),
        last_talking: 0,
        energy: 100,
        volume_in: 0,
        volume_out: 0,
        'output-volume': 0,
        'input-volume': 0,
      })),
    };
  }

  private listRoom(room: Room): string {
    return [...room.members]
      .reverse()
      .map((m) => this.memberLine(room, m))
      .join('');
  }

  private select(room: Room, who: string | undefined): Member[] | undefined {
    if (who === undefined) return undefined;
    if (who === 'all') return [...room.members];
    if (who === 'last') return room.members.slice(-1);
    if (who === 'non_moderator') return room.members.filter((m) => !m.moderator);
    const id = Number(who);
    const found = room.members.find((m) => m.id === id);
    return found === undefined ? undefined : [found];
  }

  /** `conference ...` api command; returns the reply body. */
  api(args: string[]): string {
    const [first, second, third] = args;
    if (first === undefined || first === 'list' || first === 'json_list') {
      const cmd = first ?? 'list';
      if (cmd === 'json_list') {
        return `${cjsonPrint([...this.rooms.values()].map((r) => this.roomJson(r)))}`;
      }
      if (this.rooms.size === 0) return '+OK No active conferences.\n';
      let out = '';
      for (const room of this.rooms.values()) {
        const n = room.members.length;
        out += `+OK Conference ${room.name} (${n} member${n === 1 ? '' : 's'} rate: 8000 flags: running|answered|enforce_min|dynamic|exit_sound|enter_sound|json_status${room.locked ? '|locked' : ''})\n`;
        out += this.listRoom(room);
      }
      return out;
    }
    const room = this.rooms.get(first);
    if (room === undefined) return `-ERR Conference ${first} not found\n`;
    switch (second) {
      case 'list':
        return this.listRoom(room);
      case 'json_list':
        return cjsonPrint([this.roomJson(room)]);
      case 'count':
        return `${room.members.length}\n`;
      case 'lock':
      case 'unlock':
        room.locked = second === 'lock';
        this.roomEvent(room, second);
        return `+OK ${room.name} ${second}ed\n`;
      case 'kick':
      case 'hup':
      case 'mute':
      case 'unmute':
      case 'deaf':
      case 'undeaf': {
        const targets = this.select(room, third);
        if (targets === undefined) return '-ERR Non-Existant ID\n';
        let out = '';
        for (const m of targets) {
          if (second === 'kick') {
            this.memberEvent(room, m, 'kick-member');
            this.leave(m);
            m.onLeft();
          } else if (second === 'hup') {
            this.core.hangup(m.ch, 'NORMAL_CLEARING', 'local');
          } else if (second === 'mute' || second === 'unmute') {
            this.setMute(room, m, second === 'mute');
          } else {
            this.setDeaf(room, m, second === 'deaf');
          }
          out += `+OK ${second} ${m.id}\n`;
        }
        return out === '' ? '-ERR Non-Existant ID\n' : out;
      }
      default:
        return `-ERR Unknown Command [${second ?? ''}]\n`;
    }
  }
}
