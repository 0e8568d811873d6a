// Frames the server writes, byte for byte as FreeSWITCH 1.10.12 writes them (header order included).
import type { EventData } from '../events/event.js';

export type EventFormat = 'plain' | 'json' | 'xml';

export const DISCONNECT_TEXT = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

export function authRequestFrame(): Buffer {
  return Buffer.from('Content-Type: auth/request\n\n');
}

export function replyFrame(text: string, extra: Array<[string, string]> = []): Buffer {
  const lines = [
    `Content-Type: command/reply`,
    `Reply-Text: ${text}`,
    ...extra.map(([k, v]) => `${k}: ${v}`),
  ];
  return Buffer.from(`${lines.join('\n')}\n\n`);
}

export function apiResponseFrame(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([
    Buffer.from(`Content-Type: api/response\nContent-Length: ${bytes.length}\n\n`),
    bytes,
  ]);
}

export function disconnectNoticeFrame(): Buffer {
  const bytes = Buffer.from(DISCONNECT_TEXT, 'utf8');
  return Buffer.concat([
    Buffer.from(`Content-Type: text/disconnect-notice\nContent-Length: ${bytes.length}\n\n`),
    bytes,
  ]);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function toXml(event: EventData): string {
  const headers = event.headers
    .map(([k, v]) => `    <${k}>${xmlEscape(typeof v === 'string' ? v : v.join('|'))}</${k}>`)
    .join('\n');
  const body = event.body === undefined ? '' : `\n  <body>${xmlEscape(event.body)}</body>`;
  return `<event>\n  <headers>\n${headers}\n  </headers>${body}\n</event>`;
}

export function eventFrame(event: EventData, format: EventFormat): Buffer {
  const text = format === 'json' ? event.toJson() : format === 'xml' ? toXml(event) : event.toPlain();
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([
    Buffer.from(`Content-Length: ${bytes.length}\nContent-Type: text/event-${format}\n\n`),
    bytes,
  ]);
}
