// The runtime's public interface for the operator side: what src/http/ (and anything else that serves an
// operator) may use. Nothing here exposes a FreeSWITCH command.
export type { ConnectionState, LinkStatus, StateChange } from '../../esl/connection.js';
export type { LegInfo } from '../channels.js';
export type { OperatorDesk } from './desk.js';
export type {
  InvitationEnding,
  InvitationPlaced,
  InvitationReport,
  InvitationSnapshot,
} from './invitations.js';
export type { OperatorResult, Refusal, RefusalKind } from './results.js';
export type { ControlResult, MemberAction, RoomAction } from './room-controls.js';
export {
  createOperatorDesk,
  type DeskConnection,
  type StandaloneDesk,
  type StandaloneDeskOptions,
} from './standalone.js';
