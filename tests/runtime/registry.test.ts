import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { DynconfEvent } from '../../src/esl/events.js';
import { Leg } from '../../src/runtime/legs.js';
import { type RoutableSession, SessionRegistry } from '../../src/runtime/registry.js';
import { traceEvents } from './support.js';

class FakeSession implements RoutableSession {
  readonly related: string[] = [];
  constructor(readonly id: string) {}
  adoptRelatedLeg(uuid: string, inviteeId: string): Leg {
    this.related.push(uuid);
    return new Leg(uuid, 'related', new ManualClock(), inviteeId);
  }
}

/** The origination uuid of the first `bgapi originate` in a trace, and its job uuid. */
function originate(events: DynconfEvent[]) {
  const job = events.find((e) => e.type === 'background-job' && e.command === 'originate');
  if (job?.type !== 'background-job') throw new Error('no originate job');
  return { legId: /origination_uuid=([0-9a-f-]{36})/.exec(job.arg)?.[1] ?? '', jobUuid: job.jobUuid };
}

describe('session registry', () => {
  it('routes every leg of a voicemail forward (trace 09) to the session that originated the invitee', () => {
    const events = traceEvents('09-voicemail-invitee.jsonl');
    const registry = new SessionRegistry<FakeSession>();
    const session = new FakeSession('s1');
    registry.add(session);
    const { legId, jobUuid } = originate(events);
    registry.addLeg(session, new Leg(legId, 'invitee', new ManualClock(), legId));
    registry.addJob(session, jobUuid, legId);

    const routed = events.map((e) => registry.route(e));
    const voicemailExec = events.findIndex(
      (e) => e.type === 'channel-execute' && e.application === 'voicemail',
    );
    expect(routed[voicemailExec]).toMatchObject({
      kind: 'leg',
      session,
      leg: { role: 'related', inviteeId: legId },
    });
    const jobIndex = events.findIndex((e) => e.type === 'background-job' && e.jobUuid === jobUuid);
    expect(routed[jobIndex]).toEqual({ kind: 'job', session, inviteeId: legId });
    // Part 2: loopback/voicemail-a is found through Other-Leg-Unique-ID of the -b leg, -b through the loopback.
    const voicemailLeg = events.findIndex(
      (e) => 'channel' in e && e.channel?.variable('loopback_app') === 'voicemail',
    );
    expect(voicemailLeg).toBeGreaterThan(0);
    // The part 2 invitee is another originate: register it as the same session's second invitee.
    expect(session.related.length).toBeGreaterThanOrEqual(1);
    // The administrator's channel is not ours here: nothing routes it.
    const admin = events.find(
      (e) => e.type === 'channel-park' && e.channel.variable('dynconf_role') === 'admin',
    );
    expect(admin && registry.route(admin)).toBeUndefined();
  });

  it('finds related legs of a second invitee (loopback/app=voicemail, trace 09 part 2)', () => {
    const events = traceEvents('09-voicemail-invitee.jsonl');
    const jobs = events.filter((e) => e.type === 'background-job' && e.command === 'originate');
    const second = jobs[1];
    if (second?.type !== 'background-job') throw new Error('no second originate');
    const legId = /origination_uuid=([0-9a-f-]{36})/.exec(second.arg)?.[1] ?? '';
    const registry = new SessionRegistry<FakeSession>();
    const session = new FakeSession('s2');
    registry.add(session);
    registry.addLeg(session, new Leg(legId, 'invitee', new ManualClock(), legId));
    const vmLegs = new Set<string>();
    for (const e of events) {
      const route = registry.route(e);
      if (route?.kind === 'leg' && 'channel' in e && e.channel?.variable('loopback_app') === 'voicemail') {
        vmLegs.add(e.channel.uuid);
      }
    }
    // loopback/voicemail-a and loopback/voicemail-b.
    expect(vmLegs.size).toBe(2);
  });

  it('forgets everything of a removed session', () => {
    const registry = new SessionRegistry<FakeSession>();
    const session = new FakeSession('s3');
    registry.add(session);
    const leg = new Leg('aaaaaaaa-0000-4000-8000-000000000001', 'admin', new ManualClock());
    registry.addLeg(session, leg);
    registry.addRoom(session, 'room-a');
    expect(registry.sessionOf(leg.uuid)).toBe(session);
    registry.remove(session);
    expect(registry.sessionOf(leg.uuid)).toBeUndefined();
    expect(registry.size).toBe(0);
  });
});
