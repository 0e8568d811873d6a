// ChannelInfo over an event's headers: each field is read when asked for, so decoding an event costs no
// copying of its ~200 headers.
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

/** Where an event's headers are read from: a header object, or the event's JSON text (json-headers.ts). */
export interface HeaderSource {
  /** The header's value as headerValue() gives it, undefined when absent. */
  get(name: string): string | undefined;
}

class ObjectHeaders implements HeaderSource {
  readonly #headers: EventHeaders;
  constructor(headers: EventHeaders) {
    this.#headers = headers;
  }
  get(name: string): string | undefined {
    return headerValue(this.#headers, name);
  }
}

/** A header object as a HeaderSource. */
export function objectHeaders(headers: EventHeaders): HeaderSource {
  return new ObjectHeaders(headers);
}

class HeaderChannelInfo implements ChannelInfo {
  readonly uuid: string;
  readonly #headers: HeaderSource;

  constructor(uuid: string, headers: HeaderSource) {
    this.uuid = uuid;
    this.#headers = headers;
  }

  get direction(): CallDirection | undefined {
    const d = this.#headers.get('Call-Direction');
    return d === 'inbound' || d === 'outbound' ? d : undefined;
  }
  get name(): string | undefined {
    return this.#headers.get('Channel-Name');
  }
  get callerNumber(): string | undefined {
    return this.#headers.get('Caller-Caller-ID-Number');
  }
  get callerName(): string | undefined {
    return this.#headers.get('Caller-Caller-ID-Name');
  }
  get destinationNumber(): string | undefined {
    return this.#headers.get('Caller-Destination-Number');
  }
  get answerState(): string | undefined {
    return this.#headers.get('Answer-State');
  }
  get channelState(): string | undefined {
    return this.#headers.get('Channel-State');
  }
  get callState(): string | undefined {
    return this.#headers.get('Channel-Call-State');
  }
  get otherLegUuid(): string | undefined {
    return this.#headers.get('Other-Leg-Unique-ID');
  }
  variable(name: string): string | undefined {
    return this.#headers.get(`variable_${name}`);
  }
  header(name: string): string | undefined {
    return this.#headers.get(name);
  }
  /** Logs and JSON show the identifying fields only, never every variable. */
  toJSON(): Record<string, string | undefined> {
    return { uuid: this.uuid, name: this.name, direction: this.direction, answerState: this.answerState };
  }
}

/** The channel of an event with this `Unique-ID`, over its header object. */
export function channelInfo(uuid: string, headers: EventHeaders): ChannelInfo {
  return new HeaderChannelInfo(uuid, new ObjectHeaders(headers));
}

/** The channel of an event with this `Unique-ID`, over any HeaderSource. */
export function channelInfoOf(uuid: string, headers: HeaderSource): ChannelInfo {
  return new HeaderChannelInfo(uuid, headers);
}
