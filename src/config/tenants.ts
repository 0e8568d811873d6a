// Which settings a call gets: its dialplan context's tenant (config `tenants`), else the top level.
import type { PromptOverrides, PromptSet } from '../prompts.js';
import type { Config, RouteRule } from './schema.js';

export interface TenantSettings {
  /** The tenant's context, or undefined for the top-level settings. */
  readonly tenant: string | undefined;
  readonly accessNumber: string;
  readonly adminPins: Config['adminPins'];
  readonly routes: readonly RouteRule[];
  readonly promptSet: PromptSet;
  readonly prompts: PromptOverrides;
}

/** The settings for a call in dialplan context `context` (its `Caller-Context`). */
export function tenantSettings(config: Config, context: string | undefined): TenantSettings {
  const tenant = context === undefined ? undefined : config.tenants[context];
  if (tenant === undefined || context === undefined) {
    return {
      tenant: undefined,
      accessNumber: config.accessNumber,
      adminPins: config.adminPins,
      routes: config.routes,
      promptSet: config.promptSet,
      prompts: config.prompts,
    };
  }
  return {
    tenant: context,
    accessNumber: tenant.accessNumber ?? config.accessNumber,
    // Its own PINs and routes only: nothing of another tenant or of the top level.
    adminPins: tenant.adminPins,
    routes: tenant.routes,
    promptSet: tenant.promptSet ?? config.promptSet,
    prompts: { ...config.prompts, ...tenant.prompts },
  };
}

/** Every access number in use (top level and tenants), e.g. to recognise calls to any of them. */
export function accessNumbers(config: Config): ReadonlySet<string> {
  const numbers = new Set([config.accessNumber]);
  for (const tenant of Object.values(config.tenants))
    if (tenant.accessNumber !== undefined) numbers.add(tenant.accessNumber);
  return numbers;
}
