// The part of modesl 1.2 (CommonJS, no types of its own) the end-to-end suite uses as its independent
// event-socket client.
declare module 'modesl' {
  import type { Socket } from 'node:net';

  export class Event {
    headers: Array<{ name: string; value: unknown }>;
    getHeader(name: string): string | null;
    getBody(): string;
    getType(): string;
  }

  export class Connection {
    /** Inbound connection; `ready` runs once authenticated. */
    constructor(host: string, port: number, password: string, ready?: () => void);
    socket: Socket | null;
    api(command: string, callback: (response: Event) => void): void;
    bgapi(command: string, args: string, jobId: string, callback: (job: Event) => void): void;
    subscribe(events: string | string[], callback?: () => void): void;
    disconnect(): void;
    connected(): boolean;
    on(event: string, listener: (...args: never[]) => void): this;
    once(event: string, listener: (...args: never[]) => void): this;
    off(event: string, listener: (...args: never[]) => void): this;
    removeAllListeners(event?: string): this;
  }

  const esl: { Connection: typeof Connection; Event: typeof Event };
  export default esl;
}
