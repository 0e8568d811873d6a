// URL-encoding of event-plain values, as FreeSWITCH's switch_url_encode does it: only the "unsafe" set,
// control characters and non-ASCII bytes are escaped (so `,`, `/`, `(` stay as they are).
const UNSAFE = new Set('\r\n "#%&+:;<=>?@[\\]^`{|}'.split(''));

export function urlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x20 || byte > 0x7e || UNSAFE.has(ch)) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

export function urlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%2B'));
  } catch {
    return value;
  }
}
