// The dialplan the simulator emulates (the same as the project's freeswitch-config/): the access number,
// extension-to-extension and trunk calls, voicemail numbers; plus FreeSWITCH's `inline` dialplan.
import type { Channel } from './model/channel.js';
import type { DialplanOptions } from './types.js';

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
  if (!/^[0-9*#+]+$/.test(accessNumber)) throw new RangeError(`dialplan.accessNumber must be digits, got "${accessNumber}"`);
  const parkTimeoutSec = options.parkTimeoutSec ?? 20;
  if (!(parkTimeoutSec >= 0)) throw new RangeError(`dialplan.parkTimeoutSec must be >= 0, got ${parkTimeoutSec}`);
  return {
    accessNumber,
    parkTimeoutSec,
    serviceUnavailablePrompt: options.serviceUnavailablePrompt ?? 'ivr/ivr-service_unavailable.wav',
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
      return colon < 0 ? { app: part.trim(), data: '' } : { app: part.slice(0, colon).trim(), data: part.slice(colon + 1) };
    });
}

/** The XML dialplan of freeswitch-config/, as applications; undefined when nothing matches. */
export function routeXml(dp: ResolvedDialplan, dest: string, ch: Channel): AppCall[] | undefined {
  const custom = dp.extensions[dest];
  if (custom !== undefined) return custom.map((a) => ({ ...a }));
  if (dest === dp.accessNumber) {
    return [
      { app: 'set', data: 'dynconf_role=admin' },
      { app: 'answer', data: '' },
      { app: 'set', data: `park_timeout=${dp.parkTimeoutSec}` },
      { app: 'park', data: '' },
      // reached only when nobody took the call before park_timeout
      { app: 'playback', data: dp.serviceUnavailablePrompt },
      { app: 'hangup', data: 'NORMAL_CLEARING' },
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
      { app: 'bridge', data: `user/${dest}@${dp.domain}` },
    ];
  }
  for (const route of dp.trunkRoutes) {
    if (route.pattern.test(dest)) {
      return [
        { app: 'export', data: 'dynconf_star0=enabled' },
        { app: 'bridge', data: `sofia/gateway/${route.gateway}/${dest}` },
      ];
    }
  }
  void ch;
  return undefined;
}

export function routeDestination(
  dp: ResolvedDialplan,
  dest: string,
  dialplan: string,
  _context: string,
  ch: Channel,
): AppCall[] | undefined {
  if (dialplan === 'inline') return routeInline(dest);
  return routeXml(dp, dest, ch);
}
