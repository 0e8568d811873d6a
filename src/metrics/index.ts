// Prometheus metrics: the facade the runtime and the operator API call, and what feeds it.
export {
  type CommandPort,
  followRuntimeTotals,
  instrumentCommands,
  type RuntimeTotals,
  type WatchedConnection,
  watchConnection,
} from './feeds.js';
export { InvitationOutcomes, OUTCOME_OF_FAILURE, outcomeLabel } from './invitations.js';
export {
  type CommandKind,
  type CommandResult,
  DynconfMetrics,
  INVITATION_OUTCOMES,
  type InvitationOutcome,
  type InvitationSource,
  type LockoutReason,
  type MetricsOptions,
  type MetricsSources,
  type NodeLinkSample,
  SESSION_STATES,
} from './metrics.js';
export { type RuntimeMetricsHooks, runtimeMetricsHooks } from './runtime.js';
