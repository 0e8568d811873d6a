// Flow 2: the other party of the two-party call. Taken out of the call with the presser, held (music)
// while the presser enters the password, then bridged back, moved into the room, or hung up.
import type { RoomParams } from '../../../machines/index.js';
import { breakMedia, bridge } from '../../esl/commands.js';
import { HANGUP_AFTER_BRIDGE, PARK_AFTER_BRIDGE } from '../channel-vars.js';
import { type OtherPartyWork, reportFailure, type SessionWork } from './host.js';

/** Clock ms the other party may take to park after the presser was taken out of the call. */
const HOLD_PARK_WAIT_MS = 5_000;

/**
 * Before the password prompt: both legs park instead of hanging up when the bridge ends, then the
 * presser is taken out of the call; the other party is parked by park_after_bridge (trace 08).
 */
export function prepareEscalation(host: SessionWork & OtherPartyWork): void {
  const { admin, other, actions } = host;
  let release: () => void = () => {};
  const prepared = new Promise<void>((resolve) => {
    release = resolve;
  });
  host.legs.enqueue(admin, 'prepare', async () => {
    try {
      await actions.setVariables(admin, PARK_AFTER_BRIDGE);
      if (other) await actions.setVariables(other, PARK_AFTER_BRIDGE);
      await actions.park(admin);
    } finally {
      release();
    }
  });
  if (other) host.legs.enqueue(other, 'prepare', () => prepared);
}

export function holdOtherParty(host: SessionWork & OtherPartyWork): void {
  const leg = host.other;
  if (leg === undefined) return;
  host.legs.enqueue(leg, 'holdOtherParty', async () => {
    // park_after_bridge parks the other party once the presser is taken out of the call (trace 08).
    await leg.waitParked(HOLD_PARK_WAIT_MS);
    if (!host.hold.wanted || leg.gone || !leg.parked) return;
    await host.actions.keepPlayingOnKeys(leg);
    await host.actions.playLooping(leg, host.settings.prompts['hold-music'], false);
  });
}

/** After a restart: the other party hears hold music again (whatever played before is stopped). */
export function holdOtherPartyAgain(host: SessionWork & OtherPartyWork): void {
  const leg = host.other;
  if (leg === undefined || leg.gone || leg.inRoom || leg.bridgedTo !== undefined) return;
  host.legs.enqueue(leg, 'rehold', async () => {
    await host.actions.api(breakMedia(leg.uuid, true));
    leg.parked = true;
  });
  holdOtherParty(host);
}

export function hangupOtherParty(host: SessionWork & OtherPartyWork): void {
  const leg = host.other;
  if (leg === undefined) return;
  host.hold.wanted = false;
  host.legs.queue(leg).dropPending();
  host.legs.enqueue(leg, 'hangupOtherParty', async () => {
    await host.actions.hangUp(leg);
  });
}

export function rebridgeParties(host: SessionWork & OtherPartyWork): void {
  const { admin, actions } = host;
  const leg = host.other;
  host.hold.wanted = false;
  if (leg !== undefined) host.legs.queue(leg).dropPending();
  host.legs.enqueue(admin, 'rebridgeParties', async () => {
    if (leg === undefined || leg.gone)
      return reportFailure(host, 'rebridgeParties', 'the other party is gone');
    const sent = await actions.api(bridge(admin.uuid, leg.uuid));
    if (!sent.ok) return reportFailure(host, 'rebridgeParties', sent.error);
    admin.parked = false;
    leg.parked = false;
    host.logger.info('two-party call restored');
    host.send({ type: 'parties.rebridged', at: host.now() });
    await actions.setVariables(admin, HANGUP_AFTER_BRIDGE);
    await actions.setVariables(leg, HANGUP_AFTER_BRIDGE);
  });
}

export function moveOtherPartyIntoRoom(host: SessionWork & OtherPartyWork, { room }: RoomParams): void {
  const leg = host.other;
  host.hold.wanted = false;
  if (leg === undefined) return;
  host.legs.enqueue(leg, 'moveOtherPartyIntoRoom', async () => {
    const sent = await host.actions.transferToRoom(leg, room, false);
    if (!sent.ok && !leg.gone) reportFailure(host, 'moveOtherPartyIntoRoom', sent.error);
  });
}
