// The HTTP side's view of one FreeSWITCH node: its rooms (room view kept in sync over the node's event
// socket), and the runtime's operator desk of that node (the legs dynconf knows there, the invitations the
// operator placed there, the controls that act on its rooms). With several nodes (config eventSockets)
// there is one of these per node.
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import {
  type CommandPort,
  type DynconfMetrics,
  instrumentCommands,
  outcomeLabel,
  watchConnection,
} from '../metrics/index.js';
import { RoomSync, RoomView } from '../room-view/index.js';
import {
  createOperatorDesk,
  type DeskConnection,
  type LinkStatus,
  type OperatorDesk,
  type StandaloneDesk,
} from '../runtime/operator/index.js';
import {
  type InvitationEnded,
  invitationEnded,
  OperatorRequests,
  type RoomStatus,
} from './operator-requests.js';
import { activityOf, type SessionSnapshot } from './views.js';

/** The event-socket connection as the HTTP side uses it (EslConnection, or the controller's). */
export interface OperatorConnection extends DeskConnection, CommandPort {
  readonly reconnects?: number;
  /** Connected or not, since when, why not (EslConnection; optional for stand-ins). */
  status?(): LinkStatus;
  /** Changes of status() that are not state changes too (a refused password while connecting). */
  onStatusChange?(listener: (status: LinkStatus) => void): () => void;
}

/** One FreeSWITCH node as the operator API sees it. */
export interface OperatorNode {
  /** `host:port` of its event socket. */
  readonly id: string;
  readonly connection: OperatorConnection;
  /** The administrator sessions of this node's runtime. */
  readonly sessions?: () => readonly SessionSnapshot[];
  /**
   * This node's runtime's operator desk (Runtime.operator): the operator's calls then share the caps,
   * counters and recovery of the keypad's. Without it, the HTTP side makes a desk of its own over
   * `connection` (no keypad session shares its caps).
   */
  readonly operator?: OperatorDesk;
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
  readonly desk: OperatorDesk;
  /** The operator's requests on this node, answered as HTTP answers. */
  readonly requests: OperatorRequests;
  /** A desk the HTTP side made itself (no runtime given): closed with it. */
  readonly #ownDesk: StandaloneDesk | undefined;
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
      onEvent: connection.onEvent.bind(connection),
      onStateChange: connection.onStateChange.bind(connection),
    };
    this.view = new RoomView({ logger });
    this.sync = new RoomSync({ source: link, view: this.view, logger, timeoutMs });
    if (node.operator === undefined) {
      this.#ownDesk = createOperatorDesk({ config, logger, port: timed, connection: link });
      this.desk = this.#ownDesk;
    } else {
      this.#ownDesk = undefined;
      this.desk = node.operator;
    }
    this.requests = new OperatorRequests({
      desk: this.desk,
      connection: () => connection.state,
      roomStatus: (room) => this.roomStatus(room),
      room: (name) => this.view.room(name),
    });
    this.#unsubscribe.push(
      connection.onEvent(() => changed()),
      connection.onStateChange(() => changed()),
      this.view.onChange((change) => {
        if (change.kind === 'destroyed' && this.roomStatus(change.room) === 'unknown') {
          this.desk.roomGone(change.room);
        }
        changed();
      }),
      this.sync.onSyncChange(() => changed()),
      this.desk.onChange(() => changed()),
      this.desk.onInvitation((report) => {
        if (report.kind === 'placed' || report.kind === 'left') return;
        // Counted like the keypad's (src/metrics/invitations.ts), labelled as the operator's.
        metrics.invitation(outcomeLabel(report.ending), 'api');
        const ended = invitationEnded(report);
        if (ended !== undefined) options.invitationEnded({ ...ended, node: node.id });
      }),
      watchConnection(connection, metrics, node.id),
      connection.onStatusChange?.(() => changed()) ?? (() => {}),
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

  /**
   * Lets go of the connection's events; a desk of its own hangs up its calls still ringing first (the
   * runtime's desk is the runtime's to drain).
   */
  async close(): Promise<void> {
    await this.#ownDesk?.close();
    for (const off of this.#unsubscribe.splice(0)) off();
    this.sync.stop();
  }
}
