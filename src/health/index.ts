// Health endpoints of the controller (GET /healthz, GET /readyz) and the probe the container runs.
export { type ProbeIo, type ProbeOptions, parseProbeArgs, probeUrl, runHealthProbe } from './probe.js';
export {
  HEALTH_PATHS,
  type HealthServer,
  type HealthServerOptions,
  type Readiness,
  startHealthServer,
} from './server.js';
