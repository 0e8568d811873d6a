// Configuration: one YAML file plus DYNCONF_ environment variables, validated once at start.
export { CONFIG_PATH_ENV, ENV_PREFIX, envNameForPath, pathForEnvName } from './env.js';
export {
  type ConfigIssue,
  type ConfigResult,
  type ConfigSources,
  configWarnings,
  formatConfigIssues,
  type HttpSettingsResult,
  type LoadConfigOptions,
  loadConfig,
  loadHttpSettings,
  parseConfig,
} from './load.js';
export { type EventSocketNode, eventSocketNodes } from './nodes.js';
export { DEFAULT_SCRYPT_PARAMS, hashPin, isHashedPin, PinVerifier, type ScryptParams } from './pin.js';
export { REDACTED, redactConfig } from './redact.js';
export {
  type Config,
  type ConfigInput,
  configSchema,
  FREESWITCH_DEFAULT_PASSWORD,
  isLoopbackHost,
  type RouteRule,
} from './schema.js';
export { accessNumbers, type TenantSettings, tenantSettings } from './tenants.js';
