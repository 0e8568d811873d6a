// The dialplan the simulator emulates (the same as the project's freeswitch-config/): the access number,
// extension-to-extension and trunk calls, voicemail numbers; plus FreeSWITCH's `inline` dialplan.
import type { DialplanOptions } from './types.js';

/** FreeSWITCH's `${originate_disposition}`: expanded when the hangup app runs, not here. */
const ORIGINATE_DISPOSITION = ['$', '{originate_disposition}'].join('');

export interface AppCall {
  app: string;
  data: string;
}

export interface ResolvedDialplan {
  accessNumber: string;
  parkTimeoutSec: number;
  serviceUnavailablePrompt: string;
  extensionPattern: RegExp;
  trunkRoutes: Array<{ pattern: RegExp; gateway: string }>;
  voicemailNumbers: Record<string, string>;
  extensions: Record<string, AppCall[]>;
  context: string;
  domain: string;
}

export function resolveDialplan(options: DialplanOptions = {}): ResolvedDialplan {
  const accessNumber = options.accessNumber ?? '900';
  if (!/^[0-9*#+]+$/.test(accessNumber))
    throw new RangeError(`dialplan.accessNumber must be digits, got "${accessNumber}"`);
  const parkTimeoutSec = options.parkTimeoutSec ?? 10;
  if (!(parkTimeoutSec >= 0))
    throw new RangeError(`dialplan.parkTimeoutSec must be >= 0, got ${parkTimeoutSec}`);
  return {
    accessNumber,
    parkTimeoutSec,
    serviceUnavailablePrompt:
      options.serviceUnavailablePrompt ??
      'tone_stream://%(274,0,913.8);%(274,0,1370.6);%(380,0,1776.7);loops=2',
    extensionPattern: options.extensionPattern ?? /^(8[01]\d|10[01]\d)$/,
    trunkRoutes: options.trunkRoutes ?? [],
    voicemailNumbers: options.voicemailNumbers ?? {},
    extensions: options.extensions ?? {},
    context: options.context ?? 'default',
    domain: options.domain ?? '127.0.0.1',
  };
}

/** FreeSWITCH's inline dialplan: `app:arg,app:arg` (`park`, `conference:room@profile+flags{moderator}`). */
export function routeInline(data: string): AppCall[] {
  return data
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const colon = part.indexOf(':');
      return colon < 0
        ? { app: part.trim(), data: '' }
        : { app: part.slice(0, colon).trim(), data: part.slice(colon + 1) };
    });
}

/** The XML dialplan of freeswitch-config/ (dialplan/default/00_dynconf.xml, dialplan/dynconf.xml). */
export function routeXml(dp: ResolvedDialplan, dest: string, context: string): AppCall[] | undefined {
  const custom = dp.extensions[dest];
  if (custom !== undefined) return custom.map((a) => ({ ...a }));
  if (context === 'dynconf') {
    // reached by the access number's scheduled transfer when no controller took the call
    if (dest !== 'dynconf_unavailable') return undefined;
    return [
      { app: 'set', data: 'dynconf_role=unavailable' },
      { app: 'playback', data: dp.serviceUnavailablePrompt },
      { app: 'hangup', data: 'SERVICE_UNAVAILABLE' },
    ];
  }
  if (dest === dp.accessNumber) {
    return [
      { app: 'set', data: 'dynconf_role=admin' },
      { app: 'answer', data: '' },
      // the controller takes the call with `sched_del <uuid>`; otherwise "service unavailable"
      ...(dp.parkTimeoutSec > 0
        ? [{ app: 'sched_transfer', data: `+${dp.parkTimeoutSec} dynconf_unavailable XML dynconf` }]
        : []),
      { app: 'park', data: '' },
    ];
  }
  const box = dp.voicemailNumbers[dest];
  if (box !== undefined) {
    return [
      { app: 'answer', data: '' },
      { app: 'voicemail', data: `default ${dp.domain} ${box}` },
    ];
  }
  if (dp.extensionPattern.test(dest)) {
    return [
      { app: 'export', data: 'dynconf_star0=enabled' },
      { app: 'set', data: 'call_timeout=30' },
      { app: 'set', data: 'hangup_after_bridge=true' },
      { app: 'bridge', data: `user/${dest}@\${domain_name}` },
      { app: 'hangup', data: ORIGINATE_DISPOSITION },
    ];
  }
  for (const route of dp.trunkRoutes) {
    if (route.pattern.test(dest)) {
      return [
        { app: 'export', data: 'dynconf_star0=enabled' },
        { app: 'set', data: 'call_timeout=30' },
        { app: 'set', data: 'hangup_after_bridge=true' },
        { app: 'bridge', data: `sofia/gateway/${route.gateway}/${dest}` },
        { app: 'hangup', data: ORIGINATE_DISPOSITION },
      ];
    }
  }
  return undefined;
}

export function routeDestination(
  dp: ResolvedDialplan,
  dest: string,
  dialplan: string,
  context: string,
): AppCall[] | undefined {
  if (dialplan === 'inline') return routeInline(dest);
  return routeXml(dp, dest, context);
}
