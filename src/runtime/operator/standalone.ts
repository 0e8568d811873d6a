// An operator desk of its own over one event-socket connection, for an operator side started without this
// node's runtime (an API-only process, tests of the HTTP side): the same invitations, controls and channel
// table, fed from the connection's events, with no keypad session to share the caps with. Where the
// runtime runs, its own desk (Runtime.operator) is the one to use.
import { type Clock, realClock } from '../../clock.js';
import type { Config } from '../../config/index.js';
import type { EslCommandPort } from '../../esl/command-port.js';
import type { ConnectionState, StateChange } from '../../esl/connection.js';
import type { DynconfEvent } from '../../esl/events.js';
import type { Logger } from '../../log.js';
import { ChannelTable } from '../channels.js';
import { Commander } from '../commander.js';
import { createCounters } from '../counters.js';
import { OutboundCalls } from '../outbound-calls.js';
import { Desk, type DeskParts, type OperatorDesk } from './desk.js';
import { OperatorInvitations } from './invitations.js';
import { refusal } from './results.js';

/** What the desk uses of the connection. */
export interface DeskConnection {
  readonly state: ConnectionState;
  onEvent(listener: (event: DynconfEvent) => void): () => void;
  onStateChange(listener: (change: StateChange) => void): () => void;
}

export interface StandaloneDeskOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Where commands go (the connection, possibly timed for metrics). */
  readonly port: EslCommandPort;
  readonly connection: DeskConnection;
  readonly clock?: Clock;
}

export interface StandaloneDesk extends OperatorDesk {
  /** Hangs up the calls still ringing and lets go of the connection. */
  close(): Promise<void>;
}

export function createOperatorDesk(options: StandaloneDeskOptions): StandaloneDesk {
  const { config, logger, connection } = options;
  const commander = new Commander(options.port, config.eventSocket.commandTimeoutMs);
  const channels = new ChannelTable();
  const calls: OperatorInvitations = new OperatorInvitations({
    config,
    commander,
    // No administrators here: the operator's own calls are all there is to count.
    outbound: new OutboundCalls({ counters: createCounters(), legsUp: (): number => calls.legsUp }),
    clock: options.clock ?? realClock,
    logger,
  });
  const offEvent = connection.onEvent((event) => {
    channels.observe(event);
    calls.observe(event);
  });
  const offState = connection.onStateChange((change) => {
    // Hang-ups may have been missed while the socket was down, and nothing reads FreeSWITCH's channels here.
    if (change.state === 'connected' && change.previous === 'reconnecting') {
      channels.clear();
      calls.retain(() => false);
    }
  });
  const administrators = {
    returnAdministrator: (uuid: string) =>
      refusal('not-found', `no administrator on ${uuid}: this process runs no sessions`),
  };
  return new OwnDesk({ calls, channels, commander, logger, administrators }, async () => {
    await calls.close();
    offEvent();
    offState();
  });
}

class OwnDesk extends Desk implements StandaloneDesk {
  readonly #close: () => Promise<void>;

  constructor(parts: DeskParts, close: () => Promise<void>) {
    super(parts);
    this.#close = close;
  }

  close(): Promise<void> {
    return this.#close();
  }
}
