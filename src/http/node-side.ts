// The HTTP side's view of one FreeSWITCH node: its rooms (room view kept in sync over the node's event
// socket), the legs dynconf knows there, the invitations the operator placed there and the controls that
// act on its rooms. With several nodes (config eventSockets) there is one of these per node.
import type { Config } from '../config/index.js';
import type { StateChange } from '../esl/connection.js';
import type { DynconfEvent } from '../esl/events.js';
import type { Logger } from '../log.js';
import {
  type CommandPort,
  type DynconfMetrics,
  instrumentCommands,
  watchConnection,
} from '../metrics/index.js';
import { RoomSync, RoomView } from '../room-view/index.js';
import { type InvitationEnded, Invitations, type RoomStatus } from './invitations.js';
import { LegDirectory } from './legs.js';
import type { CommandLink } from './outcome.js';
import { RoomControl } from './room-control.js';
import { activityOf, type SessionSnapshot } from './views.js';

/** The event-socket connection as the HTTP side uses it (EslConnection, or the controller's). */
export interface OperatorConnection extends CommandLink, CommandPort {
  readonly reconnects?: number;
  onEvent(listener: (event: DynconfEvent) => void): () => void;
  onStateChange(listener: (change: StateChange) => void): () => void;
}

/** One FreeSWITCH node as the operator API sees it. */
export interface OperatorNode {
  /** `host:port` of its event socket. */
  readonly id: string;
  readonly connection: OperatorConnection;
  /** The administrator sessions of this node's runtime. */
  readonly sessions?: () => readonly SessionSnapshot[];
}

export interface NodeSideOptions {
  readonly node: OperatorNode;
  readonly config: Config;
  readonly metrics: DynconfMetrics;
  readonly logger: Logger;
  /** Something on the node changed that the live view shows. */
  readonly changed: () => void;
  readonly invitationEnded: (ended: InvitationEnded & { readonly node: string }) => void;
}

export class NodeSide {
  readonly id: string;
  readonly connection: OperatorConnection;
  readonly view: RoomView;
  readonly sync: RoomSync;
  readonly legs = new LegDirectory();
  readonly invitations: Invitations;
  readonly control: RoomControl;
  readonly #sessions: () => readonly SessionSnapshot[];
  readonly #unsubscribe: (() => void)[] = [];

  constructor(options: NodeSideOptions) {
    const { node, config, metrics, changed } = options;
    const logger = options.logger.child({ node: node.id });
    const connection = node.connection;
    this.id = node.id;
    this.connection = connection;
    this.#sessions = node.sessions ?? (() => []);
    const timeoutMs = config.eventSocket.commandTimeoutMs;
    // Commands of the API (and the room view's queries) are timed like the runtime's.
    const timed = instrumentCommands(connection, metrics);
    const link = {
      get state() {
        return connection.state;
      },
      api: timed.api,
      bgapi: timed.bgapi,
      onEvent: (listener: (event: DynconfEvent) => void) => connection.onEvent(listener),
      onStateChange: (listener: (change: StateChange) => void) => connection.onStateChange(listener),
    };
    this.view = new RoomView({ logger });
    this.sync = new RoomSync({ source: link, view: this.view, logger, timeoutMs });
    this.invitations = new Invitations({
      config,
      link,
      metrics,
      logger,
      roomStatus: (room) => this.roomStatus(room),
    });
    this.control = new RoomControl({ link, room: (name) => this.view.room(name), timeoutMs });
    this.#unsubscribe.push(
      connection.onEvent((event) => {
        this.legs.observe(event);
        changed();
      }),
      connection.onStateChange((change) => {
        // Hang-ups may have been missed while the socket was down.
        if (change.state === 'connected' && change.previous === 'reconnecting') this.legs.clear();
        changed();
      }),
      this.view.onChange((change) => {
        if (change.kind === 'destroyed' && this.roomStatus(change.room) === 'unknown') {
          this.invitations.roomGone(change.room);
        }
        changed();
      }),
      this.sync.onSyncChange(() => changed()),
      this.invitations.onChange(() => changed()),
      this.invitations.onEnded((ended) => options.invitationEnded({ ...ended, node: node.id })),
      watchConnection(connection, metrics, node.id),
    );
  }

  start(): void {
    this.sync.start();
  }

  sessions(): readonly SessionSnapshot[] {
    return this.#sessions();
  }

  /** Sessions not on their way out. */
  activeSessions(): SessionSnapshot[] {
    return this.#sessions().filter((s) => activityOf(s.state) !== 'ending');
  }

  /** Whether the node has the room now (and if it is locked), or only one of its sessions refers to it. */
  roomStatus(room: string): RoomStatus {
    const state = this.view.room(room);
    if (state !== undefined) return state.locked ? 'locked' : 'live';
    const referred = this.activeSessions().some(
      (s) => s.room === room && activityOf(s.state) !== 'entering-pin',
    );
    return referred ? 'session' : 'unknown';
  }

  /** Hangs up invitations still ringing and lets go of the connection's events. */
  async close(): Promise<void> {
    await this.invitations.close();
    for (const off of this.#unsubscribe.splice(0)) off();
    this.sync.stop();
  }
}
