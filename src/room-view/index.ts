// The rooms FreeSWITCH has now and who is in them, for the operator API, the dashboard and metrics.
export {
  type ConferenceEvent,
  type MemberState,
  type RoomChange,
  type RoomSnapshot,
  type RoomState,
  RoomView,
  type RoomViewOptions,
  STRUCTURAL_ACTIONS,
} from './room-view.js';
export { type EventSource, RoomSync, type RoomSyncOptions } from './sync.js';
