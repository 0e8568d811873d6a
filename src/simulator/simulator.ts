// Assembles the simulator: switch core + event-socket server + scripting API + fault injection.
import { realClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { resolveDialplan } from './dialplan.js';
import { EventBus } from './events/bus.js';
import type { EventData } from './events/event.js';
import { createFaults } from './faults.js';
import { placeInboundCall } from './inbound.js';
import { Core } from './model/core.js';
import { channelInfo, SimCallHandle, waitUntil } from './scripting.js';
import { EslServer } from './server/server.js';
import { SoundFiles, STANDARD_PROMPTS } from './sounds.js';
import type {
  ChannelInfo,
  Faults,
  GatewayOptions,
  HeardItem,
  PhoneBehaviour,
  PlaceCallOptions,
  RoomInfo,
  SimCall,
  SimEvent,
  Simulator,
  SimulatorOptions,
  TwoPartyCall,
  WaitOptions,
} from './types.js';

const SOUNDS = '/usr/local/freeswitch/share/freeswitch/sounds/en/us/callie';

class SimulatorImpl implements Simulator {
  readonly directory: Map<string, PhoneBehaviour>;
  readonly gateways: Map<string, GatewayOptions>;
  readonly sipEndpoints: Map<string, PhoneBehaviour>;
  readonly faults: Faults;
  private closed = false;

  constructor(
    readonly core: Core,
    private readonly server: EslServer,
    readonly host: string,
    readonly password: string,
    startTimers: () => void,
  ) {
    // the very maps the core reads: changing them changes how phones behave from then on
    this.directory = core.config.directory;
    this.gateways = core.config.gateways;
    this.sipEndpoints = core.config.sipEndpoints;
    this.faults = createFaults(core, server, startTimers);
  }

  get port(): number {
    return this.server.port;
  }

  /** The switch's sound files: install or remove prompts to test what happens without them. */
  get sounds(): SoundFiles {
    return this.core.config.sounds;
  }

  get clock() {
    return this.core.clock;
  }

  async placeCall(options: PlaceCallOptions): Promise<SimCall> {
    const ch = placeInboundCall(this.core, options);
    return new SimCallHandle(this.core, ch.uuid);
  }

  async placeTwoPartyCall(options: PlaceCallOptions & { timeoutMs?: number }): Promise<TwoPartyCall> {
    const a = await this.placeCall(options);
    const peer = await waitUntil(
      this.core,
      () => {
        const ch = this.core.channels.get(a.uuid);
        if (ch === undefined || ch.hangingUp) {
          const cause = this.core.ended.get(a.uuid)?.hangupCause ?? 'unknown';
          throw new Error(`simulator: two-party call ${options.from} → ${options.to} failed (${cause})`);
        }
        return ch.bridge?.peer;
      },
      { timeoutMs: options.timeoutMs ?? 10_000, what: `${options.from} → ${options.to} to be bridged` },
    );
    return { a, b: new SimCallHandle(this.core, peer.uuid) };
  }

  call(uuid: string): SimCall {
    if (!this.core.channels.has(uuid) && !this.core.ended.has(uuid)) {
      throw new Error(`simulator: no call ${uuid}`);
    }
    return new SimCallHandle(this.core, uuid);
  }

  channels(): ChannelInfo[] {
    return [...this.core.channels.values()].filter((c) => !c.hangingUp).map(channelInfo);
  }

  channel(uuid: string): ChannelInfo | undefined {
    const ch = this.core.channels.get(uuid);
    return ch === undefined || ch.hangingUp ? undefined : channelInfo(ch);
  }

  rooms(): RoomInfo[] {
    return [...this.core.conferences.rooms.values()].map((r) => this.core.conferences.info(r));
  }

  room(name: string): RoomInfo | undefined {
    const r = this.core.conferences.rooms.get(name);
    return r === undefined ? undefined : this.core.conferences.info(r);
  }

  heard(uuid: string): HeardItem[] {
    const ch = this.core.channels.get(uuid) ?? this.core.ended.get(uuid);
    return [...(ch?.heard ?? [])];
  }

  onEvent(listener: (event: SimEvent) => void): () => void {
    return this.core.bus.subscribe((ev: EventData) => listener(ev));
  }

  waitFor<T>(check: () => T | undefined | null | false, options?: WaitOptions): Promise<T> {
    return waitUntil(this.core, check, options);
  }

  waitForEvent(match: (event: SimEvent) => boolean, options: WaitOptions = {}): Promise<SimEvent> {
    let found: SimEvent | undefined;
    const off = this.onEvent((ev) => {
      if (found === undefined && match(ev)) found = ev;
    });
    return waitUntil(this.core, () => found, { what: 'an event', ...options }).finally(off);
  }

  connectionCount(): number {
    return this.server.connections.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.core.close();
    await this.server.stop();
  }
}

/** How long `show channels|calls|bridged_calls` trail the events (FreeSWITCH 1.10.12: 0.1–0.3 s). */
export const DEFAULT_CORE_DB_LAG_MS = 200;

export async function createSimulator(options: SimulatorOptions): Promise<Simulator> {
  const clock = options.clock ?? realClock;
  const log = options.logger ?? silentLogger();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`simulator: bad port ${port}`);
  const password = options.password ?? 'ClueCon';
  const dialplan = resolveDialplan(options.dialplan);
  const bus = new EventBus(
    clock,
    { hostname: options.hostname ?? 'fs-sim', ipv4: '127.0.0.1', ipv6: '::1' },
    options.firstEventSequence ?? 1,
  );
  const directory = new Map<string, PhoneBehaviour>();
  const gateways = new Map<string, GatewayOptions>();
  const sipEndpoints = new Map<string, PhoneBehaviour>();
  const sounds = new SoundFiles(SOUNDS);
  if ((options.sounds ?? 'standard') === 'standard') sounds.installPackage(STANDARD_PROMPTS);
  const core = new Core(clock, bus, log, {
    dialplan,
    directory,
    gateways,
    sipEndpoints,
    domain: dialplan.domain,
    soundsDir: SOUNDS,
    sounds,
    fileDurationMs: options.fileDurationMs ?? 2000,
    coreDbLagMs: options.coreDbLagMs ?? DEFAULT_CORE_DB_LAG_MS,
  });
  const server = new EslServer(core, { host, port, password }, log);
  await server.listen();
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const startTimers = () => {
    if (heartbeatMs <= 0) return;
    const beat = () => {
      const ev = bus.create('HEARTBEAT');
      ev.add('Event-Info', 'System Ready')
        .add('FreeSWITCH-Version', '1.10.12-release~64bit')
        .add('Uptime-msec', String(Math.round(clock.now() - core.startedAt)))
        .add('Session-Count', String(core.channels.size))
        .add('Max-Sessions', '1000')
        .add('Session-Since-Startup', String(core.sessionsSinceStart));
      bus.fire(ev);
      core.after(heartbeatMs, beat);
    };
    core.after(heartbeatMs, beat);
  };
  startTimers();
  const sim = new SimulatorImpl(core, server, host, password, startTimers);
  log.info({ host, port: server.port }, 'FreeSWITCH simulator listening');
  return sim;
}
