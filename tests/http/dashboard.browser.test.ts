// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against the controller
// and the FreeSWITCH simulator: sign in, watch rooms fill up live, see who talks, mute, invite, lock, end.
// DYNCONF_SCREENSHOT=docs/dashboard.png also writes a screenshot of the dashboard with calls in it.
//
// Phone time runs on the rig's virtual clock: it passes only while the test waits on the switch or on
// dynconf (rig.until, the phones' waits), so a ringing phone stays ringing while the page is looked at.
// The browser and the HTTP side are real I/O on the wall clock: a click is followed by waiting for its HTTP
// answer before phone time may pass, and the page is polled (wall clock, generous margins) only for what
// the switch and dynconf already show.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HistoryRecorder, inThreadExecutor, openHistory } from '../../src/history/index.js';
import { createLogger } from '../../src/log.js';
import type { SimCall } from '../../src/simulator/index.js';
import { ADMIN_PIN, type Rig, startRig, TOKEN } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  process.stdout.write(
    `dashboard browser test skipped: ${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium)\n`,
  );
}

describe.skipIf(!available)('dashboard in a browser', () => {
  let rig: Rig;
  let browser: Browser;
  let page: Page;
  let admin: SimCall;
  let room = '';
  let history: HistoryRecorder | undefined;
  const historyDir = mkdtempSync(join(tmpdir(), 'dynconf-dashboard-history-'));

  /** Polls the page (wall clock) until the value matches: the page only has to catch up with the state. */
  const poll = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });

  /** Clicks a button that posts to the operator API, and waits until the API has answered the post. */
  const clickPosting = async (button: Locator, pathEnd: string): Promise<void> => {
    const answered = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith(pathEnd),
      { timeout: 10_000 },
    );
    await button.click();
    expect((await answered).status()).toBeLessThan(300);
  };

  /** The administrator's session in dynconf is in `state` (phone time passes until it is). */
  const sessionIn = (call: SimCall, state: string) =>
    rig.until(
      () => rig.controller?.sessions().find((s) => s.adminUuid === call.uuid && s.state === state),
      `the session of ${call.uuid} in ${state}`,
    );

  const prompt = (call: SimCall) =>
    rig.sim.waitForEvent(
      (e) =>
        e.name === 'CHANNEL_EXECUTE' &&
        e.uuid === call.uuid &&
        e.get('Application') === 'play_and_get_digits',
      { timeoutMs: 10_000, what: 'a digit prompt' },
    );

  /** An administrator (call to 900, PIN) in a room of their own; resolves with the room's name. */
  const administratorInRoom = async (from: string): Promise<{ call: SimCall; room: string }> => {
    const call = await rig.sim.placeCall({ from, to: '900' });
    await call.waitUntil('collecting', { timeoutMs: 10_000 });
    await call.press(`${ADMIN_PIN}#`);
    const where = await call.waitUntil('in-conference', { timeoutMs: 10_000 });
    await sessionIn(call, 'inRoom');
    return { call, room: where.room ?? '' };
  };

  const row = (memberUuid: string) => {
    const member = rig.sim.room(room)?.members.find((m) => m.uuid === memberUuid);
    if (member === undefined) throw new Error(`no member ${memberUuid} in ${room}`);
    return page.locator(`article[data-room="${room}"] tr[data-member-id="${member.id}"]`);
  };

  beforeAll(async () => {
    rig = await startRig({
      controller: true,
      logLevel: 'info',
      history: (clock) => {
        history = openHistory({
          settings: { enabled: true, path: join(historyDir, 'history.sqlite'), retentionDays: 90 },
          logger: createLogger({ level: 'silent' }),
          clock,
          writer: { executor: inThreadExecutor() },
        });
        return history;
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
    await history?.close();
    rmSync(historyDir, { recursive: true, force: true });
  });

  it('asks for the token, then shows the rooms live', async () => {
    await page.goto(rig.url);
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    await page.fill('#token', 'not-the-token');
    await page.click('#sign-in-form button[type=submit]');
    await poll(() => page.textContent('#sign-in-error')).toBe('wrong token');
    await page.fill('#token', TOKEN);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#empty').waitFor({ state: 'visible' });
    await poll(() => page.textContent('#link')).toBe('live');

    ({ call: admin, room } = await administratorInRoom('1001'));
    const card = page.locator(`article[data-room="${room}"]`);
    await card.waitFor();
    await poll(() => row(admin.uuid).textContent()).toContain('administrator');
    // Each person once: the administrator in the room is a member row, not also a line above it.
    expect(await card.locator('.admins li').count()).toBe(0);
    await poll(() => row(admin.uuid).locator('.joined').textContent()).toMatch(
      /^joined \d{1,2}:\d{2}.* · \d+ s$/,
    );
    // Whose room and since when; the raw name on hover.
    await poll(() => card.locator('h2').textContent()).toMatch(/^1001's room, since \d{1,2}:\d{2}/);
    expect(await card.locator('h2').getAttribute('title')).toBe(room);
  });

  it('invites people from the form, shows who talks, and mutes from the button', async () => {
    const card = page.locator(`article[data-room="${room}"]`);
    for (const number of ['801', '805']) {
      await card.locator('input[name=number]').fill(number);
      await clickPosting(card.locator('form.invite button'), '/invite');
      await rig.until(
        () => rig.sim.room(room)?.members.some((m) => rig.sim.channel(m.uuid)?.destination === number),
        `${number} in the room`,
        10_000,
      );
    }
    await poll(() => card.locator('tr[data-member-id]').count()).toBe(3);
    const guest = rig.sim.room(room)?.members.find((m) => rig.sim.channel(m.uuid)?.destination === '801');
    const other = rig.sim.room(room)?.members.find((m) => rig.sim.channel(m.uuid)?.destination === '805');
    if (guest === undefined || other === undefined) throw new Error('guests missing');
    await poll(() => row(guest.uuid).textContent()).toContain('801');

    rig.sim.call(guest.uuid).talk(true);
    await rig.until(
      () => rig.api.rooms.room(room)?.members.find((m) => m.uuid === guest.uuid)?.talking,
      'dynconf sees the guest talking',
    );
    await poll(() => row(guest.uuid).getAttribute('data-talking')).toBe('true');
    await poll(() => row(guest.uuid).locator('.talk').getAttribute('class')).toBe('talk on');

    await clickPosting(row(other.uuid).locator('button[data-action=mute]'), '/mute');
    await rig.until(
      () => rig.sim.room(room)?.members.find((m) => m.uuid === other.uuid)?.canSpeak === false,
      'muted in FreeSWITCH',
    );
    await poll(() => row(other.uuid).getAttribute('data-muted')).toBe('true');
    await poll(() => row(other.uuid).locator('button[data-action=unmute]').count()).toBe(1);
  });

  it('mutes and unmutes everyone but the administrator, cancels a call still ringing, keeps a refused number', async () => {
    const card = page.locator(`article[data-room="${room}"]`);
    const guests = () => (rig.sim.room(room)?.members ?? []).filter((m) => m.uuid !== admin.uuid);
    await clickPosting(card.locator('button[data-action=mute-all]'), '/mute-all');
    await rig.until(() => guests().every((m) => !m.canSpeak), 'every guest muted in FreeSWITCH');
    expect(rig.sim.room(room)?.members.find((m) => m.uuid === admin.uuid)?.canSpeak).toBe(true);
    await poll(() => card.locator('tr[data-muted="true"]').count()).toBe(guests().length);
    await clickPosting(card.locator('button[data-action=unmute-all]'), '/unmute-all');
    await rig.until(() => guests().every((m) => m.canSpeak), 'every guest unmuted in FreeSWITCH');
    await poll(() => card.locator('tr[data-muted="true"]').count()).toBe(0);

    // 803 rings for ever: the operator gives up on it.
    await card.locator('input[name=number]').fill('803');
    await clickPosting(card.locator('form.invite button'), '/invite');
    await rig.until(
      () => rig.sim.channels().some((c) => c.destination === '803' && c.callState === 'RINGING'),
      '803 ringing',
    );
    const pending = card.locator('li[data-invitation]');
    await poll(() => pending.textContent()).toContain('Calling 803');
    const cancelled = page.waitForResponse((r) => r.request().method() === 'DELETE', { timeout: 10_000 });
    await pending.locator('button[data-action=cancel]').click();
    expect((await cancelled).status()).toBe(202);
    await rig.until(() => !rig.sim.channels().some((c) => c.destination === '803'), '803 hung up');
    await poll(() => pending.count()).toBe(0);

    // A number the rules refuse: the error in red, the number still typed to correct it.
    const input = card.locator('input[name=number]');
    await input.fill('0901');
    const refusedAnswer = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/invite'), {
      timeout: 10_000,
    });
    await card.locator('form.invite button').click();
    expect((await refusedAnswer).status()).toBe(403);
    await poll(() => page.locator('.toast.bad').last().textContent()).toContain('not allowed');
    expect(await input.inputValue()).toBe('0901');
    await input.fill('');
  });

  it('fits a 400 px wide screen: nothing runs off the edge', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      await page.locator(`article[data-room="${room}"]`).waitFor();
      const widths = await page.evaluate(
        '({ page: document.documentElement.scrollWidth, card: document.querySelector("article.room").scrollWidth, cardBox: document.querySelector("article.room").clientWidth })',
      );
      const { page: pageWidth, card, cardBox } = widths as { page: number; card: number; cardBox: number };
      expect(pageWidth).toBeLessThanOrEqual(400);
      expect(card).toBeLessThanOrEqual(cardBox);
      const shot = process.env.DYNCONF_SCREENSHOT_NARROW;
      if (shot) {
        const path = resolve(shot);
        mkdirSync(dirname(path), { recursive: true });
        await page.screenshot({ path, fullPage: true });
        process.stdout.write(`narrow dashboard screenshot written to ${path}\n`);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 760 });
    }
  });

  it('shows another administrator ringing someone, and locks a room from its button', async () => {
    const second = await administratorInRoom('1002');
    const dialTone = prompt(second.call);
    await second.call.press('0');
    await dialTone;
    await second.call.press('803#');
    // 803 rings (and keeps ringing: no phone time passes while the page is looked at).
    await sessionIn(second.call, 'invitation.ringing');
    await rig.until(
      () => rig.sim.channels().some((c) => c.destination === '803' && c.callState === 'RINGING'),
      '803 ringing',
    );
    const card = page.locator(`article[data-room="${second.room}"]`);
    await poll(() => card.locator('.admins li').getAttribute('data-activity')).toBe('ringing');
    await poll(() => card.locator('.admins li').textContent()).toContain('ringing 803');
    await poll(() => card.textContent()).toContain('administrator away');

    // The operator ends that call for them: 803 hung up, the administrator back in the room.
    await clickPosting(card.locator('.admins li button[data-action=return]'), '/return');
    await sessionIn(second.call, 'inRoom');
    await rig.until(() => !rig.sim.channels().some((c) => c.destination === '803'), '803 hung up');
    await rig.until(
      () => rig.api.rooms.room(second.room)?.members.some((m) => m.uuid === second.call.uuid),
      'the administrator a member of the room again',
    );
    await poll(() => card.locator('.admins li').count()).toBe(0);

    await clickPosting(page.locator(`article[data-room="${room}"] button[data-action=lock]`), '/lock');
    await rig.until(() => rig.sim.room(room)?.locked, 'room locked in FreeSWITCH');
    await poll(() => page.locator(`article[data-room="${room}"] .tag-locked`).count()).toBe(1);

    const shot = process.env.DYNCONF_SCREENSHOT;
    if (shot) {
      const path = resolve(shot);
      mkdirSync(dirname(path), { recursive: true });
      await page.setViewportSize({ width: 1280, height: 480 });
      await page.screenshot({ path, fullPage: true });
      process.stdout.write(`dashboard screenshot written to ${path}\n`);
    }
    await second.call.hangup();
    await rig.until(
      () =>
        rig.sim.room(second.room) === undefined &&
        !rig.sim.channels().some((c) => c.destination === '803') &&
        !rig.controller?.sessions().some((s) => s.adminUuid === second.call.uuid) &&
        rig.api.rooms.room(second.room) === undefined,
      'the second room and session over',
    );
    await poll(() => card.count()).toBe(0);
  });

  it('ends a room from its button: every member hung up, the card gone', async () => {
    await clickPosting(page.locator(`article[data-room="${room}"] button[data-action=end]`), '/end');
    await rig.until(
      () =>
        rig.sim.channels().length === 0 &&
        rig.api.rooms.size === 0 &&
        rig.controller?.sessions().length === 0,
      'every call hung up, the room and the session over',
      10_000,
    );
    await page.locator(`article[data-room="${room}"]`).waitFor({ state: 'detached' });
    await page.locator('#empty').waitFor({ state: 'visible' });
    expect(admin.where().state).toBe('gone');
  });

  it('shows the call history: each administrator with the numbers called and how each call went', async () => {
    await page.click('#history-toggle');
    await page.locator('#history').waitFor({ state: 'visible' });
    expect(await page.isVisible('#rooms')).toBe(false);
    const adminRow = page.locator(`#history-rows tr:has-text("1001")`).first();
    await adminRow.waitFor({ timeout: 10_000 });
    // The operator's invitations of the tests above, answered, in 1001's room.
    await poll(() => adminRow.locator('li[data-number="801"]').textContent()).toContain('by the operator');
    expect(await adminRow.locator('li[data-number="801"]').getAttribute('data-outcome')).toBe('answered');
    // Filtered by number: only sessions that called it.
    await page.fill('#history-number', '805');
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/history', {
      timeout: 10_000,
    });
    await page.click('#history-form button[type=submit]');
    expect((await answered).status()).toBe(200);
    const rows = page.locator('#history-rows tr');
    await poll(() => rows.count()).toBeGreaterThan(0);
    // Every session shown called 805 (with all its calls listed).
    await poll(
      async () =>
        (await rows.count()) === (await page.locator('#history-rows tr:has(li[data-number="805"])').count()),
    ).toBe(true);
    // A bad filter is named, in red.
    await page.fill('#history-caller', '');
    // (The page offers no bad period: one is added the way a hand-edited page would send it.)
    await page.evaluate(
      "const f = document.getElementById('history-from'); f.add(new Option('bad', 'not-a-time')); f.value = 'not-a-time';",
    );
    const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/history', {
      timeout: 10_000,
    });
    await page.click('#history-form button[type=submit]');
    expect((await refused).status()).toBe(400);
    await poll(() => page.textContent('#history-error')).toMatch(/^from: /);
    expect(await page.evaluate("getComputedStyle(document.getElementById('history-error')).color")).toMatch(
      /^rgb\((1[5-9]\d|2\d\d), \d{1,2}, \d{1,2}\)$/,
    );
    // Back to the rooms.
    await page.click('#history-toggle');
    // (#rooms may have no room in it, so no box to be visible: its hidden attribute tells.)
    await poll(() => page.getAttribute('#rooms', 'hidden')).toBeNull();
    expect(await page.isVisible('#history')).toBe(false);
  });

  it('shows FreeSWITCH down and since when while the event socket is away, the rooms stale, then live again', async () => {
    // A room to look at while FreeSWITCH is away.
    await rig.guest('1009');
    const card = page.locator('article[data-room="room-a"]');
    await card.waitFor();
    await poll(() => card.locator('button[data-action=lock]').isDisabled()).toBe(false);
    rig.sim.faults.refuseConnections(true);
    rig.sim.faults.dropConnections();
    try {
      await rig.until(() => rig.connection.state === 'reconnecting', 'the event socket down');
      await poll(() => page.textContent('#link')).toMatch(/^FreeSWITCH: down since \S.* \(reconnecting\)$/);
      expect(await page.getAttribute('#link', 'class')).toBe('pill pill-bad');
      // The rooms as last seen: greyed, every control off, and as of when.
      await poll(() => page.getAttribute('#rooms', 'class')).toBe('stale');
      expect(await card.locator('button[data-action=lock]').isDisabled()).toBe(true);
      expect(await card.locator('input[name=number]').isDisabled()).toBe(true);
      await poll(() => page.textContent('#stale-note')).toMatch(
        /^As of \d{1,2}:\d{2}:\d{2}.*: FreeSWITCH cannot be reached\.$/,
      );
    } finally {
      rig.sim.faults.refuseConnections(false);
    }
    await rig.until(() => rig.connection.state === 'connected', 'the event socket back');
    await poll(() => page.textContent('#link')).toBe('live');
    await poll(() => page.getAttribute('#rooms', 'class')).toBe('');
    await poll(() => card.locator('button[data-action=lock]').isDisabled()).toBe(false);
    expect(await page.isVisible('#stale-note')).toBe(false);
  });
});
