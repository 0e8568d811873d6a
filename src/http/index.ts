// dynconf's HTTP side: health checks, operator API, metrics, OpenAPI document and the live dashboard.
export { type JsonSchema, ROUTES, type RouteSpec } from './api-spec.js';
export { openApiDocument } from './openapi.js';
export type { InvitationEnded, InvitationResult } from './operator-requests.js';
export {
  type OperatorApi,
  type OperatorApiOptions,
  type OperatorConnection,
  type OperatorNode,
  startOperatorApi,
} from './server.js';
export { dynconfVersion } from './version.js';
export {
  type AdministratorActivity,
  type ApiAdministrator,
  type ApiInvitation,
  type ApiMember,
  type ApiNode,
  type ApiRoom,
  activityOf,
  type RoomsPayload,
  type SessionSnapshot,
} from './views.js';
