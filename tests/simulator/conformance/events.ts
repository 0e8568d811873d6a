// Events reduced to what a comparison needs: name + headers as strings, and a signature built from the
// headers dynconf reads (Application, Hangup-Cause, DTMF-Digit, Action, Member-Type, ...).
export interface Ev {
  name: string;
  h: Record<string, string>;
}

export function toEv(body: Record<string, unknown>): Ev {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) h[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { name: h['Event-Name'] ?? '', h };
}

/** `inbound:sofia`, `outbound:loopback`, ... — how channels of the two runs are paired up. */
export function kindOf(ev: Ev): string {
  const name = ev.h['Channel-Name'] ?? '';
  return `${ev.h['Call-Direction'] ?? '?'}:${name.split('/')[0]}`;
}

export interface SigContext {
  /** Maps a uuid of this run to the trace's uuid (identity for the trace itself). */
  uuid: (u: string) => string;
  /** Stable label of a conference member id within this run (first seen = M1, ...). */
  member: (id: string) => string;
  /** Strings the controller chose (event-uuid, job-uuid, origination_uuid): compared as they are. */
  chosen: Set<string>;
}

const DYNCONF_VARS = /^variable_(dynconf_[a-z_]+|read_result)$/;

export function signature(ev: Ev, ctx: SigContext): string {
  const h = ev.h;
  const mapText = (t: string) =>
    t.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => ctx.uuid(u));
  const parts: string[] = [ev.name];
  const other = h['Other-Leg-Unique-ID'];
  if (other !== undefined && ev.name.startsWith('CHANNEL_') && ev.name !== 'CHANNEL_UNBRIDGE')
    parts.push(`other=${ctx.uuid(other)}`);
  switch (ev.name) {
    case 'CHANNEL_CREATE':
    case 'CHANNEL_OUTGOING':
      parts.push(h['Call-Direction'] ?? '', `dest=${h['Caller-Destination-Number'] ?? ''}`);
      if (h.variable_dynconf_role !== undefined) parts.push(`role=${h.variable_dynconf_role}`);
      break;
    case 'CHANNEL_EXECUTE':
    case 'CHANNEL_EXECUTE_COMPLETE': {
      parts.push(h.Application ?? '', mapText(h['Application-Data'] ?? ''));
      if (ev.name === 'CHANNEL_EXECUTE_COMPLETE') parts.push(`-> ${h['Application-Response'] ?? ''}`);
      const au = h['Application-UUID'];
      if (au !== undefined && ctx.chosen.has(au)) parts.push(`uuid=${au}`);
      if (ev.name === 'CHANNEL_EXECUTE_COMPLETE' && h.Application === 'play_and_get_digits') {
        const vars = Object.keys(h)
          .filter((k) => DYNCONF_VARS.test(k))
          .sort()
          .map((k) => `${k.slice(9)}=${h[k]}`);
        parts.push(vars.join(','));
      }
      break;
    }
    case 'CHANNEL_HANGUP':
    case 'CHANNEL_HANGUP_COMPLETE':
      parts.push(h['Hangup-Cause'] ?? '');
      break;
    case 'DTMF':
      parts.push(h['DTMF-Digit'] ?? '', h['DTMF-Source'] ?? '');
      break;
    case 'CHANNEL_PARK':
      parts.push(h['Channel-State'] ?? '');
      break;
    case 'CHANNEL_BRIDGE':
    case 'CHANNEL_UNBRIDGE':
      parts.push(ctx.uuid(h['Bridge-A-Unique-ID'] ?? ''), ctx.uuid(h['Bridge-B-Unique-ID'] ?? ''));
      break;
    case 'CHANNEL_ANSWER':
    case 'CHANNEL_PROGRESS':
    case 'CHANNEL_PROGRESS_MEDIA':
      parts.push(h['Answer-State'] ?? '');
      break;
    case 'CUSTOM': {
      parts.push(h['Event-Subclass'] ?? '');
      if (h.Action !== undefined) parts.push(h.Action, h['Conference-Name'] ?? '');
      if (h['Member-ID'] !== undefined) parts.push(ctx.member(h['Member-ID']), h['Member-Type'] ?? '');
      if (h.Action === 'mute-member' || h.Action === 'unmute-member') parts.push(`speak=${h.Speak}`);
      if (h.Action === 'deaf-member' || h.Action === 'undeaf-member') parts.push(`hear=${h.Hear}`);
      if (h.Action === 'floor-change') {
        const id = (x: string | undefined) => (x === undefined || x === 'none' ? 'none' : ctx.member(x));
        parts.push(`${id(h['Old-ID'])}->${id(h['New-ID'])}`);
      }
      break;
    }
    default:
      break;
  }
  return parts.join(' ');
}
