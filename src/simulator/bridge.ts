// Bridges: uuid_bridge between two existing legs, and what happens to a leg when its peer leaves
// (CHANNEL_UNBRIDGE on the A leg, park_after_bridge, hangup) — trace 06, 07, 08 and 10.
import { randomUUID } from 'node:crypto';
import type { Channel } from './model/channel.js';
import type { Core } from './model/core.js';
import type { Frame } from './model/frame.js';
import { STEP_MS } from './model/timing.js';

function bridgeHeaders(a: Channel, b: Channel): Array<[string, string]> {
  return [
    ['Bridge-A-Unique-ID', a.uuid],
    ['Bridge-B-Unique-ID', b.uuid],
  ];
}

/** Links two answered (or early) legs: CHANNEL_BRIDGE on A. */
export function linkBridge(core: Core, a: Channel, b: Channel, kind: 'uuid_bridge' | 'bridge'): void {
  a.bridge = { peer: b, role: 'a', kind };
  b.bridge = { peer: a, role: 'b', kind };
  const now = core.nowMicros();
  a.times.bridged = now;
  b.times.bridged = now;
  a.other = { type: 'originatee', leg: b };
  b.other = { type: 'originator', leg: a };
  a.setVar('bridge_channel', b.name);
  a.setVar('bridge_uuid', b.uuid);
  a.setVar('signal_bond', b.uuid);
  b.setVar('bridge_channel', a.name);
  b.setVar('bridge_uuid', a.uuid);
  b.setVar('signal_bond', a.uuid);
  b.state = 'CS_EXCHANGE_MEDIA';
  core.channelEvent('CHANNEL_BRIDGE', a, { before: bridgeHeaders(a, b) });
  core.hear(a, 'party', b.uuid);
  core.hear(b, 'party', a.uuid);
  core.releaseQueuedDtmf(a);
  core.releaseQueuedDtmf(b);
}

/** What a leg does when its bridge ends without it being moved elsewhere. */
function afterBridge(core: Core, ch: Channel): void {
  if (ch.gone || ch.hangingUp) return;
  // Sent elsewhere already (uuid_transfer answered, carried out in a moment): no park, no hangup.
  if (ch.transfersPending > 0) return;
  const top = ch.top;
  if (top?.app === 'uuid_bridge' && !top.nested) {
    ch.stack.pop();
    top.finished = true;
  }
  if (ch.varTrue('park_after_bridge')) {
    core.parkAfterBridge(ch);
    return;
  }
  if (top?.app === 'bridge' && !top.nested) {
    // the bridge app completes; the dialplan goes on unless hangup_after_bridge
    if (ch.varTrue('hangup_after_bridge')) {
      finishBridgeFrame(core, ch, top, false);
      core.hangup(ch, 'NORMAL_CLEARING', 'local');
    } else {
      finishBridgeFrame(core, ch, top, true);
    }
    return;
  }
  // a leg bridged on early media is cancelled, an answered one gets a BYE
  core.hangup(ch, ch.answerState === 'answered' ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL', 'local');
}

function finishBridgeFrame(core: Core, ch: Channel, frame: Frame, continueDialplan: boolean): void {
  if (continueDialplan) {
    core.finishApp(ch, frame);
    return;
  }
  frame.finished = true;
  const at = ch.stack.indexOf(frame);
  if (at >= 0) ch.stack.splice(at, 1);
  core.channelEvent('CHANNEL_EXECUTE_COMPLETE', ch, {
    after: [
      ['Application', frame.app],
      ['Application-Data', frame.data],
      ['Application-Response', ch.appResponse ?? '_none_'],
      ['Application-UUID', frame.appUuid],
    ],
  });
}

/**
 * Leg `x` leaves its bridge (hangup, transfer). The A leg gets CHANNEL_UNBRIDGE; the peer is parked
 * (park_after_bridge), continues its dialplan, or is hung up. With `transfer-both` the peer moves too.
 */
export function leaveBridge(core: Core, x: Channel, reason: 'hangup' | 'transfer' | 'transfer-both'): void {
  const link = x.bridge;
  if (link === undefined) return;
  const peer = link.peer;
  x.bridge = undefined;
  if (peer.bridge?.peer === x) peer.bridge = undefined;
  const a = link.role === 'a' ? x : peer;
  const b = link.role === 'a' ? peer : x;
  const unbridge = () => core.channelEvent('CHANNEL_UNBRIDGE', a, { before: bridgeHeaders(a, b) });
  core.hear(x, 'hold', 'unbridged');
  if (x === a) {
    if (reason !== 'transfer-both') afterBridge(core, peer);
    unbridge();
  } else {
    unbridge();
    if (reason !== 'transfer-both') afterBridge(core, peer);
  }
}

/** `uuid_bridge A B`: both legs leave what they do and are bridged (EXECUTE uuid_bridge, never COMPLETE). */
export function uuidBridge(core: Core, a: Channel, b: Channel): void {
  core.after(STEP_MS, () => {
    if (a.gone || a.hangingUp || b.gone || b.hangingUp) {
      for (const ch of [a, b]) if (!ch.gone && !ch.hangingUp) afterBridge(core, ch);
      return;
    }
    const now = core.nowMicros();
    const source = (other: Channel) => `${Math.floor(now / 1e6)}:${randomUUID()}:uuid_br:${other.uuid}`;
    for (const [ch, other] of [
      [a, b],
      [b, a],
    ] as const) {
      ch.profile = {
        ...ch.profile,
        transferSource: source(other),
        profileIndex: ch.profile.profileIndex + 1,
      };
      ch.setVar('transfer_source', ch.profile.transferSource);
      ch.other = { type: ch === a ? 'originatee' : 'originator', leg: other };
    }
    a.setVar('uuid_bridge', b.uuid);
    // the legs already show each other (Other-Leg-*) when they leave park (trace 06)
    for (const ch of [a, b]) {
      if (ch.bridge?.peer === (ch === a ? b : a)) continue;
      core.leaveEverything(ch, 'transfer');
    }
    core.after(STEP_MS, () => {
      if (a.gone || a.hangingUp || b.gone || b.hangingUp) {
        for (const ch of [a, b]) if (!ch.gone && !ch.hangingUp) afterBridge(core, ch);
        return;
      }
      a.setVar('uuid_bridge', undefined);
      for (const [ch, other] of [
        [a, b],
        [b, a],
      ] as const) {
        ch.state = 'CS_SOFT_EXECUTE';
        ch.stateNumberOverride = undefined;
        const frame: Frame = {
          app: 'uuid_bridge',
          data: other.uuid,
          appUuid: randomUUID(),
          nested: false,
          silentComplete: true,
          finished: false,
          inst: {
            readsDtmf: () => true,
            onDtmf: (digit) => {
              const peer = ch.bridge?.peer;
              if (peer !== undefined) core.forwardDtmf(peer, digit);
            },
            stop: (reason) => {
              if (ch.bridge !== undefined) leaveBridge(core, ch, reason === 'hangup' ? 'hangup' : 'transfer');
            },
          },
        };
        ch.stack.push(frame);
        ch.setVar('current_application', 'uuid_bridge');
        ch.setVar('current_application_data', other.uuid);
        core.channelEvent('CHANNEL_EXECUTE', ch, {
          after: [
            ['Application', 'uuid_bridge'],
            ['Application-Data', other.uuid],
            ['Application-UUID', frame.appUuid],
          ],
        });
      }
      linkBridge(core, a, b, 'uuid_bridge');
    });
  });
}
