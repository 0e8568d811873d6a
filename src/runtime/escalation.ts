// Recognises `*0` in ordinary two-party calls (flow 2). With `star0.detection: dtmf-events` the keys arrive as
// DTMF events of the leg that pressed them, on channels the dialplan marked `dynconf_star0=enabled`, while
// that leg is bridged. With `digit-binding` the dialplan's bind_digit_action keeps the keys and fires `CUSTOM
// dynconf::star0` on the presser's leg (freeswitch-config/README.md); DTMF events then start nothing. The
// other party is the bridge peer (CHANNEL_BRIDGE), else the event's Other-Leg-Unique-ID.
import { IDLE_KEYS, type KeyState, readKey } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { getVariable } from '../esl/commands.js';
import type { ChannelInfo, EventOf } from '../esl/events.js';
import type { Logger } from '../log.js';
import { STAR0_ENABLED, STAR0_VARIABLE } from './channel-vars.js';
import type { ChannelTable } from './channels.js';
import type { Commander } from './commander.js';

export const STAR0_SUBCLASS = 'dynconf::star0';

export interface Escalation {
  readonly presser: ChannelInfo;
  readonly otherUuid: string;
}

export interface EscalationDeps {
  readonly channels: ChannelTable;
  readonly commander: Commander;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly keySequenceTimeoutMs: number;
  /** `dtmf-events` (default) or `digit-binding` (config star0.detection). */
  readonly detection?: 'dtmf-events' | 'digit-binding';
  /** True when the channel already belongs to a session (its keys are that session's). */
  readonly inSession: (uuid: string) => boolean;
  /** Starts flow 2; called at most once per `*0`. */
  readonly start: (escalation: Escalation) => void;
}

export class EscalationWatcher {
  readonly #d: EscalationDeps;
  readonly #keys = new Map<string, KeyState>();

  constructor(deps: EscalationDeps) {
    this.#d = deps;
  }

  onDtmf(event: EventOf<'dtmf'>): void {
    if (this.#d.detection === 'digit-binding') return;
    const uuid = event.channel.uuid;
    const step = readKey(
      this.#keys.get(uuid) ?? IDLE_KEYS,
      { type: 'digit', digit: event.digit, at: this.#d.clock.now() },
      this.#d.keySequenceTimeoutMs,
    );
    if (step.state.starAt === null) this.#keys.delete(uuid);
    else this.#keys.set(uuid, step.state);
    if (step.command === 'escalate') void this.#escalate(event.channel);
  }

  /** `CUSTOM dynconf::star0` fired on the presser's leg by a dialplan key binding. */
  onStar0Event(event: EventOf<'custom'>): void {
    // The binding itself is the dialplan's consent: no dynconf_star0 mark needed.
    if (event.channel !== undefined) void this.#escalate(event.channel, true);
  }

  forget(uuid: string): void {
    this.#keys.delete(uuid);
  }

  async #escalate(presser: ChannelInfo, bound = false): Promise<void> {
    const { channels, logger } = this.#d;
    const uuid = presser.uuid;
    const otherUuid = channels.peer(uuid) ?? presser.otherLegUuid;
    if (otherUuid === undefined || otherUuid === uuid) {
      logger.debug({ uuid }, '*0 outside a bridge: ignored');
      return;
    }
    if (this.#d.inSession(uuid) || this.#d.inSession(otherUuid)) return;
    const marked = bound || (channels.star0(uuid) ?? (await this.#askStar0(uuid)));
    if (!marked) {
      logger.debug({ uuid }, '*0 on a call not marked dynconf_star0=enabled: ignored');
      return;
    }
    if (this.#d.inSession(uuid) || this.#d.inSession(otherUuid)) return;
    this.#d.start({ presser, otherUuid });
  }

  /** The mark was never seen (e.g. the controller started mid-call): ask FreeSWITCH. */
  async #askStar0(uuid: string): Promise<boolean> {
    const reply = await this.#d.commander.api(getVariable(uuid, STAR0_VARIABLE), this.#d.logger);
    return reply.ok && reply.body.trim() === STAR0_ENABLED;
  }
}
