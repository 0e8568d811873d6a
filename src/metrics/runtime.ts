// How the controller plugs metrics into the runtime: commands timed on their way to FreeSWITCH, and every
// machine event shown to the invitation-outcome counter. Without metrics, the runtime gets its port as is.
import type { SessionEvent } from '../../machines/index.js';
import type { Logger } from '../log.js';
import { type CommandPort, instrumentCommands } from './feeds.js';
import { InvitationOutcomes } from './invitations.js';
import type { DynconfMetrics } from './metrics.js';

export interface RuntimeMetricsHooks<P extends CommandPort> {
  /** The port to give the runtime. */
  readonly port: P | CommandPort;
  /** RuntimeOptions.observe (never throws). */
  readonly observe?: (sessionId: string, event: SessionEvent) => void;
  /** Call when a session has finished. */
  readonly sessionEnded: (sessionId: string) => void;
}

export function runtimeMetricsHooks<P extends CommandPort>(
  metrics: DynconfMetrics | undefined,
  port: P,
  logger: Logger,
): RuntimeMetricsHooks<P> {
  if (metrics === undefined) return { port, sessionEnded: () => {} };
  const outcomes = new InvitationOutcomes(metrics);
  return {
    port: instrumentCommands(port, metrics),
    observe: (sessionId, event) => {
      try {
        outcomes.observe(sessionId, event);
      } catch (err) {
        logger.warn({ err }, 'invitation metrics failed');
      }
    },
    sessionEnded: (sessionId) => outcomes.sessionEnded(sessionId),
  };
}
