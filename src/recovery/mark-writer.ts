// Keeps a session's marks (marks.ts) up to date on its legs: who the legs are when the session starts, then
// the machine's snapshot after every transition that changed it (only then: a snapshot is a few hundred
// bytes, one uuid_setvar). Commands are sent at once, not through the legs' effect queues: a setvar goes
// out before the effects of the same transition, so FreeSWITCH never holds a state older than what the
// session has started doing.
import type { Flow } from '../../machines/index.js';
import { setPackedVariable, setVariable, unsetVariable } from '../esl/commands.js';
import type { Logger } from '../log.js';
import { ADMIN_MARKS, MARK, ROLE } from '../runtime/channel-vars.js';
import type { Commander } from '../runtime/commander.js';
import { packMachine } from './marks.js';

export interface MarkedSession {
  readonly id: string;
  readonly flow: Flow;
  readonly room: string;
  readonly adminUuid: string;
  readonly otherUuid: string | undefined;
}

export class MarkWriter {
  readonly #commander: Commander;
  readonly #logger: Logger;
  readonly #session: MarkedSession;
  #json = '';
  #state = '';
  #cleared = false;

  constructor(commander: Commander, logger: Logger, session: MarkedSession) {
    this.#commander = commander;
    this.#logger = logger;
    this.#session = session;
  }

  /** Marks the legs as this session's (before the session does anything to them). */
  start(): void {
    const { id, flow, room, adminUuid, otherUuid } = this.#session;
    this.#set(adminUuid, MARK.session, id);
    this.#set(adminUuid, MARK.flow, flow);
    this.#set(adminUuid, MARK.room, room);
    if (otherUuid !== undefined) {
      this.#set(adminUuid, MARK.other, otherUuid);
      this.#set(otherUuid, MARK.admin, adminUuid);
      this.#set(otherUuid, MARK.role, ROLE.other);
    }
  }

  /** The machine's snapshot after a transition: written when it differs from the last one written. */
  update(state: string, persisted: unknown): void {
    if (this.#cleared) return;
    const json = JSON.stringify(persisted);
    if (json === this.#json) return;
    this.#json = json;
    const { adminUuid } = this.#session;
    if (state !== this.#state) {
      this.#state = state;
      this.#set(adminUuid, MARK.state, state);
    }
    void this.#commander.api(setPackedVariable(adminUuid, MARK.machine, packMachine(json)), this.#logger);
  }

  /** The administrator's call is a plain call again (flow 2 restored): no mark may make it a session. */
  clear(): void {
    if (this.#cleared) return;
    this.#cleared = true;
    const { adminUuid, otherUuid } = this.#session;
    for (const name of ADMIN_MARKS) this.#unset(adminUuid, name);
    if (otherUuid !== undefined) {
      this.#unset(otherUuid, MARK.admin);
      this.#unset(otherUuid, MARK.role);
    }
  }

  #set(uuid: string, name: string, value: string): void {
    void this.#commander.api(setVariable(uuid, name, value), this.#logger);
  }

  #unset(uuid: string, name: string): void {
    void this.#commander.api(unsetVariable(uuid, name), this.#logger);
  }
}
