// The phones of the end-to-end rigs: callers on the simulator who dial the access number, enter the PIN,
// press 0 and dial, plus the checks every rig makes of the controller's sessions and the legs it created.
import type { SessionView } from '../../src/runtime/session.js';
import type { ChannelInfo, SimCall, SimEvent, Simulator } from '../../src/simulator/index.js';

/** Resolves with `check()`'s first truthy value, or rejects naming `what` after `timeoutMs` (wall clock). */
export type Wait = <T>(
  check: () => T | undefined | null | false,
  what: string | (() => string),
  timeoutMs: number,
) => Promise<T>;

export interface PhonesOptions {
  readonly sim: Simulator;
  /** The controller's sessions now (a getter: a rig may restart its controller). */
  readonly sessions: () => readonly SessionView[];
  readonly accessNumber: string;
  /** The PIN `enterPin` types when given none. */
  readonly pin: string;
  readonly wait: Wait;
}

export interface Phones {
  /** The next play_and_get_digits started on the leg (ask before the action that leads to it). */
  nextCollect(call: SimCall, timeoutMs?: number): Promise<SimEvent>;
  /** An inbound call to the access number, waiting until the PIN prompt runs. */
  callAccessNumber(from?: string, callerName?: string): Promise<SimCall>;
  /** Enters a PIN (with `#`) into the running prompt. */
  enterPin(call: SimCall, pin?: string): Promise<void>;
  /** Call the access number, right PIN, in the room as moderator. */
  adminInRoom(from?: string): Promise<{ admin: SimCall; room: string }>;
  /** `0`, dial tone, the number and `#` (whatever happens next). */
  enterNumber(admin: SimCall, number: string): Promise<void>;
  /** `0`, dial tone, the number and `#`; resolves with the invitee leg once it exists. */
  dial(admin: SimCall, number: string): Promise<SimCall>;
  /** The session of an administrator leg (undefined when there is none). */
  session(adminUuid: string): SessionView | undefined;
  /** Waits until the administrator's session is in `state` (e.g. `invitation.talking`). */
  sessionState(adminUuid: string, state: string, timeoutMs?: number): Promise<SessionView>;
  /** True once the leg has been played `sound` (a prompt or tone as the simulator records it). */
  heard(uuid: string, sound: string): boolean;
  /** Legs dynconf originated (dynconf_role=invitee) that are up now. */
  inviteeLegs(): ChannelInfo[];
  /**
   * After a test has hung up its own phones: waits until no session is left and no leg dynconf created
   * is up outside a room; then hangs up what remains (room members) and waits for zero channels.
   */
  expectClean(timeoutMs?: number): Promise<void>;
}

const DEFAULT_WAIT_MS = 5000;

export function phonesFor(options: PhonesOptions): Phones {
  const { sim, sessions, accessNumber, wait } = options;
  const phones: Phones = {
    nextCollect: (call, timeoutMs = DEFAULT_WAIT_MS) =>
      sim.waitForEvent(
        (e) =>
          e.name === 'CHANNEL_EXECUTE' &&
          e.uuid === call.uuid &&
          e.get('Application') === 'play_and_get_digits',
        { timeoutMs, what: `play_and_get_digits on ${call.uuid}` },
      ),
    async callAccessNumber(from = '1001', callerName) {
      const call = await sim.placeCall({
        from,
        to: accessNumber,
        ...(callerName === undefined ? {} : { callerName }),
      });
      await call.waitUntil('collecting', { timeoutMs: DEFAULT_WAIT_MS });
      return call;
    },
    async enterPin(call, pin = options.pin) {
      await call.press(`${pin}#`);
    },
    async adminInRoom(from = '1001') {
      const admin = await phones.callAccessNumber(from);
      await phones.enterPin(admin);
      const where = await admin.waitUntil('in-conference', { timeoutMs: DEFAULT_WAIT_MS });
      await phones.sessionState(admin.uuid, 'inRoom');
      return { admin, room: where.room ?? '' };
    },
    async enterNumber(admin, number) {
      const collect = phones.nextCollect(admin);
      await admin.press('0');
      await collect;
      await admin.press(`${number}#`);
    },
    async dial(admin, number) {
      const before = new Set(phones.inviteeLegs().map((c) => c.uuid));
      await phones.enterNumber(admin, number);
      const leg = await wait(
        () =>
          phones.inviteeLegs().find((c) => !before.has(c.uuid) && c.variables.dynconf_admin === admin.uuid),
        `an invitee leg for ${number}`,
        DEFAULT_WAIT_MS,
      );
      return sim.call(leg.uuid);
    },
    session: (adminUuid) => sessions().find((s) => s.adminUuid === adminUuid),
    sessionState: (adminUuid, state, timeoutMs = DEFAULT_WAIT_MS) =>
      wait(
        () => {
          const session = phones.session(adminUuid);
          return session?.state === state ? session : undefined;
        },
        () => `session of ${adminUuid} in ${state} (now ${phones.session(adminUuid)?.state ?? 'none'})`,
        timeoutMs,
      ),
    heard: (uuid, sound) => sim.heard(uuid).some((item) => item.what === sound),
    inviteeLegs: () => sim.channels().filter((c) => c.variables.dynconf_role === 'invitee'),
    async expectClean(timeoutMs = DEFAULT_WAIT_MS) {
      await wait(() => sessions().length === 0, 'no session left', timeoutMs);
      await wait(
        () => phones.inviteeLegs().every((c) => c.where.state === 'in-conference'),
        () => `no dynconf leg up outside a room (${describeLegs(phones.inviteeLegs())})`,
        timeoutMs,
      );
      for (const channel of sim.channels()) await sim.call(channel.uuid).hangup();
      await wait(() => sim.channels().length === 0, 'no channel left', timeoutMs);
      await wait(() => sessions().length === 0, 'no session left after the last hang-up', timeoutMs);
    },
  };
  return phones;
}

function describeLegs(channels: ChannelInfo[]): string {
  return channels.map((c) => `${c.name}: ${c.where.state}`).join(', ') || 'none';
}
