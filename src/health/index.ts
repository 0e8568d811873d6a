// The probe the container runs against the controller's health endpoints (GET /healthz, GET /readyz of the
// operator API in src/http).
export {
  HEALTH_PATHS,
  type ProbeIo,
  type ProbeOptions,
  parseProbeArgs,
  probeUrl,
  runHealthProbe,
} from './probe.js';
