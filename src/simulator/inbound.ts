// A call arriving from a SIP phone (the scripting API's placeCall): CHANNEL_CREATE, then the dialplan.
import type { Channel } from './model/channel.js';
import type { Core } from './model/core.js';
import { phonePort } from './originate.js';
import type { PlaceCallOptions } from './types.js';

let callIdSeq = 1;

export function placeInboundCall(core: Core, opts: PlaceCallOptions): Channel {
  const { from, to } = opts;
  if (!/^[^\s@/]+$/.test(from))
    throw new RangeError(`placeCall: "from" must be a user or number, got "${from}"`);
  if (!/^[^\s@/]+$/.test(to)) throw new RangeError(`placeCall: "to" must be digits, got "${to}"`);
  if (opts.domain !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(opts.domain))
    throw new RangeError(`placeCall: "domain" must be a domain name, got "${opts.domain}"`);
  const domain = opts.domain ?? core.config.domain;
  const context = opts.domain ?? core.config.dialplan.context;
  const contact = opts.contact ?? `${domain}:${phonePort(from)}`;
  if (!/^[\w.-]+:\d+$/.test(contact))
    throw new RangeError(`placeCall: "contact" must be host:port, got "${contact}"`);
  const [contactHost = domain, portText = '5060'] = contact.split(':');
  const port = Number(portText);
  const name = `sofia/internal/${from}@${contact}`;
  const cidName = opts.callerName ?? from;
  const ch = core.newChannel({
    name,
    direction: 'inbound',
    endpoint: 'sofia',
    presenceId: `${from}@${domain}`,
    profile: {
      username: from,
      dialplan: 'XML',
      callerIdName: cidName,
      callerIdNumber: from,
      origCallerIdName: cidName,
      origCallerIdNumber: from,
      networkAddr: contactHost,
      ani: from,
      destinationNumber: to,
      source: 'mod_sofia',
      context,
    },
    vars: [
      ['sip_from_user', from],
      ['sip_from_port', String(port)],
      ['sip_from_uri', `${from}@${contact}`],
      ['sip_from_host', contactHost],
      ['sip_call_id', `${callIdSeq++}-sim@${contactHost}`],
      ['sip_network_ip', contactHost],
      ['sip_network_port', String(port)],
      ['sip_req_user', to],
      ['sip_req_uri', `${to}@${domain}`],
      ['sip_to_user', to],
      ['sip_to_uri', `${to}@${domain}`],
      ['sofia_profile_name', 'internal'],
      ['sip_from_display', cidName],
      ['presence_id', `${from}@${domain}`],
      ...(opts.domain === undefined ? [] : ([['domain_name', opts.domain]] as Array<[string, string]>)),
      ...Object.entries(opts.variables ?? {}),
    ],
  });
  ch.state = 'CS_INIT';
  core.channelEvent('CHANNEL_CREATE', ch);
  core.after(
    1,
    () => {
      ch.state = 'CS_ROUTING';
      ch.callState = 'RINGING';
      core.startExtension(ch, to, 'XML', context);
    },
    ch,
  );
  core.notify();
  return ch;
}
