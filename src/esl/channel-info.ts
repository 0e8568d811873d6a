// ChannelInfo over an event's header object: each field is read when asked for, so decoding an event
// costs no copying of its ~200 headers.
import type { CallDirection, ChannelInfo } from './events.js';

/** A header object: `text/event-json` parsed, or plain headers after URL-decoding. */
export type EventHeaders = Readonly<Record<string, unknown>>;

/**
 * A header's value as a string. FreeSWITCH sends multi-valued headers as JSON arrays (e.g.
 * `variable_DP_MATCH`): the first value is returned. Anything else (number, object) is undefined.
 */
export function headerValue(headers: EventHeaders, name: string): string | undefined {
  const value = headers[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

class HeaderChannelInfo implements ChannelInfo {
  readonly uuid: string;
  readonly #headers: EventHeaders;

  constructor(uuid: string, headers: EventHeaders) {
    this.uuid = uuid;
    this.#headers = headers;
  }

  get direction(): CallDirection | undefined {
    const d = headerValue(this.#headers, 'Call-Direction');
    return d === 'inbound' || d === 'outbound' ? d : undefined;
  }
  get name(): string | undefined {
    return headerValue(this.#headers, 'Channel-Name');
  }
  get callerNumber(): string | undefined {
    return headerValue(this.#headers, 'Caller-Caller-ID-Number');
  }
  get callerName(): string | undefined {
    return headerValue(this.#headers, 'Caller-Caller-ID-Name');
  }
  get destinationNumber(): string | undefined {
    return headerValue(this.#headers, 'Caller-Destination-Number');
  }
  get answerState(): string | undefined {
    return headerValue(this.#headers, 'Answer-State');
  }
  get channelState(): string | undefined {
    return headerValue(this.#headers, 'Channel-State');
  }
  get callState(): string | undefined {
    return headerValue(this.#headers, 'Channel-Call-State');
  }
  get otherLegUuid(): string | undefined {
    return headerValue(this.#headers, 'Other-Leg-Unique-ID');
  }
  variable(name: string): string | undefined {
    return headerValue(this.#headers, `variable_${name}`);
  }
  header(name: string): string | undefined {
    return headerValue(this.#headers, name);
  }
  /** Logs and JSON show the identifying fields only, never every variable. */
  toJSON(): Record<string, string | undefined> {
    return { uuid: this.uuid, name: this.name, direction: this.direction, answerState: this.answerState };
  }
}

/** The channel of an event with this `Unique-ID`. */
export function channelInfo(uuid: string, headers: EventHeaders): ChannelInfo {
  return new HeaderChannelInfo(uuid, headers);
}
