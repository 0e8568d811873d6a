// Keeps a RoomView in step with FreeSWITCH: applies every conference event, and rebuilds the whole view
// from `conference json_list` (plus `show channels as json` for who the members are) each time the event
// socket (re)connects, because events sent while it was down are lost for good.
import { type Clock, realClock, type TimerHandle } from '../clock.js';
import type { ApiCommand } from '../esl/commands.js';
import { conferenceJsonList, showChannelsJson } from '../esl/commands.js';
import type { ApiResult, CommandOptions, ConnectionState, StateChange } from '../esl/connection.js';
import type { DynconfEvent } from '../esl/events.js';
import { parseConferenceJsonList, parseShowChannelsJson, withCallDirections } from '../esl/listings.js';
import { describeCommandError } from '../esl/result.js';
import type { Logger } from '../log.js';
import { type RoomView, STRUCTURAL_ACTIONS } from './room-view.js';

/** What the room view needs of the event-socket connection (EslConnection has it all). */
export interface EventSource {
  readonly state: ConnectionState;
  onEvent(listener: (event: DynconfEvent) => void): () => void;
  onStateChange(listener: (change: StateChange) => void): () => void;
  api(command: ApiCommand, options: CommandOptions): Promise<ApiResult>;
}

export interface RoomSyncOptions {
  readonly source: EventSource;
  readonly view: RoomView;
  readonly logger: Logger;
  /** Per query. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** For retry delays. Default: the wall clock. */
  readonly clock?: Clock;
}

/** A rebuild is repeated (up to this many times in a row) when rooms changed while it was being read. */
const MAX_PASSES = 3;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export class RoomSync {
  readonly #source: EventSource;
  readonly #view: RoomView;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #syncListeners = new Set<(synced: boolean) => void>();
  #synced = false;
  #rebuilding: Promise<void> | undefined;
  #again = false;
  /** A structural conference event arrived while a snapshot was being read. */
  #dirty = false;
  #retry: TimerHandle | undefined;
  #retryDelayMs = RETRY_MIN_MS;
  #stopped = false;

  constructor(options: RoomSyncOptions) {
    this.#source = options.source;
    this.#view = options.view;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#clock = options.clock ?? realClock;
  }

  /** Subscribes, and rebuilds at once if the socket is already connected. */
  start(): void {
    this.#unsubscribe.push(
      this.#source.onEvent((event) => {
        if (event.type !== 'conference') return;
        if (STRUCTURAL_ACTIONS.has(event.action)) this.#dirty = true;
        this.#view.apply(event);
      }),
      this.#source.onStateChange((change) => {
        if (change.state === 'connected') void this.rebuild();
        else this.#setSynced(false);
      }),
    );
    if (this.#source.state === 'connected') void this.rebuild();
  }

  stop(): void {
    this.#stopped = true;
    this.#retry?.cancel();
    for (const off of this.#unsubscribe.splice(0)) off();
  }

  /** True once the view was rebuilt on the current connection (false while disconnected). */
  get synced(): boolean {
    return this.#synced;
  }

  onSyncChange(listener: (synced: boolean) => void): () => void {
    this.#syncListeners.add(listener);
    return () => this.#syncListeners.delete(listener);
  }

  /** Reads the rooms from FreeSWITCH and replaces the view. Concurrent calls share one run plus one more. */
  rebuild(): Promise<void> {
    if (this.#rebuilding !== undefined) {
      this.#again = true;
      return this.#rebuilding;
    }
    this.#retry?.cancel();
    this.#rebuilding = this.#run().finally(() => {
      this.#rebuilding = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.rebuild();
      }
    });
    return this.#rebuilding;
  }

  async #run(): Promise<void> {
    for (let pass = 1; pass <= MAX_PASSES && !this.#stopped; pass++) {
      if (this.#source.state !== 'connected') return;
      this.#dirty = false;
      const outcome = await this.#readOnce();
      if (!outcome.ok) {
        this.#logger.warn(
          { reason: outcome.reason, retryInMs: this.#retryDelayMs },
          'could not read the rooms from FreeSWITCH',
        );
        this.#scheduleRetry();
        return;
      }
      if (!this.#dirty || pass === MAX_PASSES) {
        this.#retryDelayMs = RETRY_MIN_MS;
        this.#logger.info(
          { rooms: this.#view.size, members: this.#view.memberCount },
          'rooms read from FreeSWITCH',
        );
        this.#setSynced(true);
        return;
      }
      // Rooms changed while the snapshot travelled: read again rather than trust its order against events.
    }
  }

  async #readOnce(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const list = conferenceJsonList();
    if (!list.ok) return { ok: false, reason: list.error.reason };
    const reply = await this.#source.api(list.command, { timeoutMs: this.#timeoutMs });
    // `-ERR` here means no conference module answer at all; with no rooms FreeSWITCH answers `[]`/`+OK …`.
    if (!reply.ok) return { ok: false, reason: `conference json_list: ${describeCommandError(reply.error)}` };
    const parsed = parseConferenceJsonList(reply.body, Date.now());
    if (!parsed.ok) return { ok: false, reason: `conference json_list: ${parsed.reason}` };
    let rooms = parsed.value;
    if (rooms.some((room) => room.members.length > 0)) {
      const show = showChannelsJson();
      const channels = show.ok
        ? await this.#source.api(show.command, { timeoutMs: this.#timeoutMs })
        : undefined;
      const rows = channels?.ok ? parseShowChannelsJson(channels.body) : undefined;
      if (rows?.ok) rooms = withCallDirections(rooms, rows.value);
      else this.#logger.debug('show channels unavailable: members shown by caller ID only');
    }
    this.#view.replaceAll(rooms);
    return { ok: true };
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    const delay = this.#retryDelayMs;
    this.#retryDelayMs = Math.min(RETRY_MAX_MS, delay * 2);
    this.#retry = this.#clock.setTimer(delay, () => {
      this.#retry = undefined;
      void this.rebuild();
    });
  }

  #setSynced(synced: boolean): void {
    if (this.#synced === synced) return;
    this.#synced = synced;
    for (const listener of this.#syncListeners) {
      try {
        listener(synced);
      } catch (err) {
        this.#logger.error({ err }, 'room sync listener failed');
      }
    }
  }
}
