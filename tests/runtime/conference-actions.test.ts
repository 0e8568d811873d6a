import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../src/esl/events.js';
import { handleConferenceEvent } from '../../src/runtime/conference-actions.js';
import { event } from './support.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const G = 'cccccccc-0000-4000-8000-000000000003';
const scope = { room: 'room-a', adminUuid: A, at: 42 };
const member = (action: string, uuid: string, room = 'room-a') =>
  event({
    'Event-Name': 'CUSTOM',
    'Event-Subclass': 'conference::maintenance',
    Action: action,
    'Conference-Name': room,
    'Unique-ID': uuid,
    'Member-ID': '7',
    'Member-Type': 'moderator',
  }) as EventOf<'conference'>;

describe('conference action table', () => {
  it("the administrator's add-member / del-member in its own room confirm joining and leaving", () => {
    expect(handleConferenceEvent(member('add-member', A), scope)?.event).toEqual({
      type: 'room.joined',
      at: 42,
    });
    expect(handleConferenceEvent(member('del-member', A), scope)?.event).toEqual({
      type: 'room.left',
      at: 42,
    });
  });

  it('other members, other rooms and other actions mean nothing to the machine', () => {
    expect(handleConferenceEvent(member('add-member', G), scope)?.event).toBeUndefined();
    expect(handleConferenceEvent(member('add-member', A, 'room-b'), scope)).toBeUndefined();
    expect(handleConferenceEvent(member('floor-change', A), scope)).toBeUndefined();
  });
});
