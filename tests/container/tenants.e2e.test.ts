// Two tenants on one real FreeSWITCH: a second dialplan context (as FusionPBX makes one per domain) with its
// own access number extension, and dynconf with `tenants` for it. A PIN opens a room only in its own
// context. The context is written into the switch's configuration directory for this file's scenarios and
// removed afterwards (the suite runs against a test FreeSWITCH only: README, "External mode").
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FreeSwitchDriver } from './support/freeswitch-driver.js';
import { roomOf, waitInRoom, waitUntilCollecting } from './support/observe.js';
import { dial, hangUp, press } from './support/phones.js';
import { planFromEnv } from './support/plan.js';
import { useEnvironment } from './support/use-environment.js';

const plan = await planFromEnv();
const SCENARIO_TIMEOUT_MS = 60_000;
const TENANT = 'tenant-b.example.com';
const TENANT_PIN = '5555';

/** The access number of the tenant's context, as freeswitch-config's (role, answer, fallback, park). */
const TENANT_DIALPLAN = `<include>
  <context name="${TENANT}">
    <extension name="dynconf_access">
      <condition field="destination_number" expression="^900$">
        <action application="set" data="domain_name=${TENANT}"/>
        <action application="set" data="dynconf_role=admin"/>
        <action application="answer"/>
        <action application="sched_transfer" data="+10 dynconf_unavailable XML dynconf"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
`;

describe.skipIf(plan.kind === 'skip')('two tenants on a real FreeSWITCH', () => {
  let file: string | undefined;
  const environment = useEnvironment(plan, {
    config: { tenants: { [TENANT]: { adminPins: [TENANT_PIN] } } },
    setUp: async (env) => {
      const confDir = (await env.fs.api('global_getvar conf_dir')).trim();
      file = join(confDir, 'dialplan', 'zz-dynconf-e2e-tenant.xml');
      writeFileSync(file, TENANT_DIALPLAN);
      expect(await env.fs.api('reloadxml')).toContain('+OK');
    },
    tearDown: async (env) => {
      if (file === undefined) return;
      rmSync(file, { force: true });
      await env.fs.api('reloadxml');
    },
  });

  function the(): { fs: FreeSwitchDriver; pin: string } {
    const env = environment();
    return { fs: env.fs, pin: env.pin };
  }

  /** Dials 900 in `context` and keys `pin`; returns the caller and whether a room came before the next prompt. */
  async function tryPin(context: string, from: string, pin: string) {
    const { fs } = the();
    let mark = fs.cursor();
    const caller = await dial(fs, { from, to: '900', context });
    await waitUntilCollecting(fs, caller.leg, mark);
    mark = fs.cursor();
    await press(fs, caller, `${pin}#`);
    return { caller, mark };
  }

  it(
    "each tenant's PIN opens a room in its own context",
    async () => {
      const { fs, pin } = the();
      const b = await tryPin(TENANT, '1701', TENANT_PIN);
      await waitInRoom(fs, b.caller.leg, { moderator: true, members: 1 });
      const top = await tryPin('default', '1702', pin);
      await waitInRoom(fs, top.caller.leg, { moderator: true, members: 1 });
      await hangUp(fs, b.caller);
      await hangUp(fs, top.caller);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a PIN is a wrong PIN in another tenant's context: asked again, no room",
    async () => {
      const { fs, pin } = the();
      for (const [context, from, key] of [
        [TENANT, '1703', pin],
        ['default', '1704', TENANT_PIN],
      ] as const) {
        const { caller, mark } = await tryPin(context, from, key);
        // Asked again (the next prompt), and in no room.
        await waitUntilCollecting(fs, caller.leg, mark);
        expect(await roomOf(fs, caller.leg)).toBeUndefined();
        await hangUp(fs, caller);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
