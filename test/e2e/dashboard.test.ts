/**
 * The manager dashboard in real Chromium (README "For managers: the dashboard": the dashboard shows
 * a paper-out alert within 2 s of the simulator running out of paper; anonymous access to /hall is
 * refused): the UI built with Vite into a temp dir and served by a real bridge (startBridge) whose
 * built-in drivers talk to the three simulators (SimulatorHub) over PTYs.
 *
 * Anonymous /hall shows only the login, and the REST routes and the /hall socket refuse; a manager logs in and sees
 * kiosk-1 with its devices, the queue, today's figures and the time limits; the printer simulator runs out of paper
 * and the dashboard shows the paper-out alert (the DOM is polled: presence is asserted, not a time); the refill
 * clears it. Screenshots: test/artifacts/screens/dashboard-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS, silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { SimulatorHub, type SimInfo } from '@onedoor/simulators';
import { checkoutDemoHallFiller } from '../../device-bridge/src/demo/demoFiles.ts';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const VIEWPORT = { width: 1600, height: 1400 };
/** Generous: bytes cross several hops on a machine shared by many (the 2 s of the issue is what a person sees). */
const UI_WAIT_MS = 60_000;

let workDir: string;
let hub: SimulatorHub;
let bridge: BridgeHandle;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The hall clock's shift: 0 but while the commitment-check test files an application weeks back. */
let clockShiftMs = 0;

function bridgePathOf(sim: SimInfo): string {
  return sim.link.kind === 'pty' ? (sim.link.path ?? sim.link.address) : `tcp://127.0.0.1:${sim.link.port}`;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-dashboard-e2e-'));
  const uiDir = await builtUi();
  hub = new SimulatorHub({ dir: join(workDir, 'pty'), portBase: 0 });
  await hub.start('all');
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(workDir, 'data'),
      uiDir,
      users: [...DEMO_USERS],
      devices: hub.list().map((s) => ({ id: s.id, kind: s.kind, path: bridgePathOf(s), baud: s.link.baud })),
    },
    // The demo data of `npm start`: applications on time, yellow and red, so the time-limit board has rows.
    { log: silentLogger(), hall: { demo: checkoutDemoHallFiller(), clock: new HallClock(() => Date.now() + clockShiftMs) } },
  );
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  // Closing the context closes its page; awaited here so no close is left running when the browser goes.
  while (contexts.length > 0) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await hub?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

async function openHall(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${bridge.url}/hall`);
  return page;
}

async function pageGet(page: Page, path: string): Promise<number> {
  return page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).status, path);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screensDir, `dashboard-${name}.png`), fullPage: true });
}

describe('manager dashboard', () => {
  it('anonymous /hall: only the login form; /api/hall and the /hall socket refuse', async () => {
    const page = await openHall();
    await page.getByTestId('tech-login').waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByRole('heading', { name: /大厅管理/ }).count()).resolves.toBe(1);
    await expect(page.getByTestId('hall-dashboard').count()).resolves.toBe(0);
    expect(await pageGet(page, '/api/hall/dashboard')).toBe(401);
    expect(await pageGet(page, '/api/hall/export.csv')).toBe(401);
    const refused = await page.evaluate(async () => {
      // socket.io's handshake over plain polling: a reserved namespace answers its refusal in the CONNECT reply.
      const sid = await fetch('/socket.io/?EIO=4&transport=polling').then((r) => r.text());
      const id = JSON.parse(sid.slice(1)).sid as string;
      await fetch(`/socket.io/?EIO=4&transport=polling&sid=${id}`, { method: 'POST', body: '40/hall,' });
      return fetch(`/socket.io/?EIO=4&transport=polling&sid=${id}`).then((r) => r.text());
    });
    expect(refused).toMatch(/^44\/hall,.*log in first/);
    await expect(page.locator('body').innerText()).resolves.not.toContain('kiosk-1');
    await shoot(page, 'login');
  }, 200_000);

  it('a manager sees the kiosk and figures; the printer running out of paper shows the alert, the refill clears it', async () => {
    const page = await openHall();
    await staffLogin(page, null, 'manager', DEMO_PASSWORDS.manager);
    await page.getByTestId('hall-dashboard').waitFor({ timeout: UI_WAIT_MS });
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('user').innerText()).resolves.toContain('manager · manager');
    await page.locator('[data-testid="kiosk-kiosk-1"][data-alive="true"]').waitFor({ timeout: UI_WAIT_MS });
    await page.locator('[data-testid="device-kiosk-1-printer"][data-paper="full"]').waitFor({ timeout: UI_WAIT_MS });
    for (const id of ['idreader', 'counterbus']) await page.getByTestId(`device-kiosk-1-${id}`).waitFor({ timeout: UI_WAIT_MS });
    for (const panel of ['queue', 'today', 'time-limits', 'chart-ratings', 'chart-waiting']) await page.getByTestId(panel).waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('alerts').getAttribute('data-count')).resolves.toBe('0');
    // The demo holds overdue and nearly due applications; applicants appear masked only (no 18-character number).
    await expect(page.getByTestId('fig-red').locator('.hall-figure-value').innerText()).resolves.not.toBe('0');
    await expect(page.getByTestId('fig-yellow').locator('.hall-figure-value').innerText()).resolves.not.toBe('0');
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/\d{4}\*{10}[\dX]{4}/);
    expect(text).not.toMatch(/\d{17}[\dX]/);
    await expect(page.getByTestId('export-csv').getAttribute('href')).resolves.toMatch(/^\/api\/hall\/export\.csv\?day=\d{4}-\d{2}-\d{2}$/);
    await shoot(page, 'overview');

    await hub.act('printer', 'paper', { state: 'out' });
    const alert = page.locator('[data-testid="alert"][data-kind="paperOut"]');
    await alert.waitFor({ timeout: UI_WAIT_MS });
    await expect(alert.innerText()).resolves.toMatch(/缺纸.*paper out/);
    await page.locator('[data-testid="device-kiosk-1-printer"][data-paper="out"]').waitFor({ timeout: UI_WAIT_MS });
    await shoot(page, 'paper-out');

    await hub.act('printer', 'paper', { state: 'ok' });
    await alert.waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    await page.locator('[data-testid="alerts"][data-count="0"]').waitFor({ timeout: UI_WAIT_MS });

    // A clerk at window 1 calls, serves and finishes a ticket, and the citizen rates it 不满意: the window, served
    // count and the bad review show up on the open page without a reload.
    await hub.act('counterbus', 'press', { unit: 1, key: 'callNext' });
    await page.locator('[data-testid="windows"] tr[data-state="called"]').first().waitFor({ timeout: UI_WAIT_MS });
    await hub.act('counterbus', 'press', { unit: 1, key: 'start' });
    await page.locator('[data-testid="windows"] tr[data-state="serving"]').first().waitFor({ timeout: UI_WAIT_MS });
    await hub.act('counterbus', 'press', { unit: 1, key: 'finish' });
    await page.getByTestId('fig-served').filter({ hasText: /^1\b/ }).waitFor({ timeout: UI_WAIT_MS });
    await hub.act('counterbus', 'rate', { unit: 1, rating: 4 });
    await page.getByTestId('bad-reviews').locator('tbody tr').first().waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('bad-reviews').innerText()).resolves.toContain('不满意');
    await shoot(page, 'served');
  }, 300_000);

  it('a manager records post-hoc check outcomes in the page: the overdue row and alert go, a false finding flags the applicant', async () => {
    const intake = bridge.hall.intake!;
    const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
    const FORM = { reason: '遗失', bank: '工商银行', mailAddress: '广州市天河区体育西路100号', phone: '13800138000' };
    const apply = async (session: string, who: typeof zhang) => {
      await intake.sign(session, who, 'D37-01', '社会保障卡遗失声明', who.number, 'kiosk-1');
      return intake.submit({ sessionKey: session, citizen: who, kioskId: 'kiosk-1', requestId: `${session}-r`, serviceId: 'D37-01', form: FORM });
    };
    // Zhang signed six weeks ago (the check was due 20 working days later: overdue now); Wei signed today.
    clockShiftMs = -42 * 86_400_000;
    try {
      await apply('checks-old', zhang);
    } finally {
      clockShiftMs = 0;
    }
    await apply('checks-new', wei);

    const page = await openHall();
    await staffLogin(page, null, 'manager', DEMO_PASSWORDS.manager);
    await page.getByTestId('hall-dashboard').waitFor({ timeout: UI_WAIT_MS });
    const alert = page.locator('[data-testid="alert"][data-kind="commitmentChecksOverdue"]');
    await alert.waitFor({ timeout: UI_WAIT_MS });
    const panel = page.getByTestId('commitment-checks');
    await panel.getByTestId('checks-table').waitFor({ timeout: UI_WAIT_MS });
    await expect(panel.getByTestId('checks-overdue').getAttribute('data-count')).resolves.toBe('1');
    const overdueRow = panel.locator('[data-testid="check-row"][data-overdue="true"]');
    await expect(overdueRow.count()).resolves.toBe(1);
    await expect(overdueRow.innerText()).resolves.toMatch(/已逾期[\s\S]*社会保障卡补换[\s\S]*4401\*{10}1231[\s\S]*承诺书 v1/);
    await expect(overdueRow.evaluate((el) => getComputedStyle(el.querySelector('td')!).color)).resolves.toBe('rgb(176, 0, 32)');
    const text = await panel.innerText();
    expect(text).not.toMatch(/\d{17}[\dX]/);
    await shoot(page, 'checks-overdue');
    await panel.screenshot({ path: join(screensDir, 'dashboard-checks-panel-overdue.png') });

    // A false finding needs a note: refused in the row, then recorded with one.
    await overdueRow.getByTestId('check-false').click();
    await expect(overdueRow.getByTestId('check-error').innerText({ timeout: UI_WAIT_MS })).resolves.toContain('a commitment found false needs a note');
    await overdueRow.getByTestId('check-note').fill('社保卡未遗失，仍在使用');
    await overdueRow.getByTestId('check-false').click();
    await panel.getByTestId('check-flag-notice').waitFor({ timeout: UI_WAIT_MS });
    await panel.locator('[data-testid="check-row"][data-state="false"]').filter({ hasText: '社保卡未遗失' }).waitFor({ timeout: UI_WAIT_MS });
    await panel.locator('[data-testid="checks-overdue"][data-count="0"]').waitFor({ timeout: UI_WAIT_MS });
    // The dashboard's alert clears with the next figures.
    await alert.waitFor({ state: 'detached', timeout: UI_WAIT_MS });

    // Wei's is checked OK.
    const weiRow = panel.locator('[data-testid="check-row"][data-state="open"]').filter({ hasText: '4501' }).first();
    await weiRow.getByTestId('check-confirm').click();
    await panel.locator('[data-testid="check-row"][data-state="confirmed"]').waitFor({ timeout: UI_WAIT_MS });

    // Zhang applies again by commitment: the new check item comes flagged for manual review.
    await apply('checks-again', zhang);
    await panel.getByTestId('checks-refresh').click();
    const flagged = panel.locator('[data-testid="check-row"][data-state="open"]').filter({ has: page.getByTestId('check-flagged') });
    await flagged.waitFor({ timeout: UI_WAIT_MS });
    await expect(flagged.innerText()).resolves.toContain('4401**********1231');
    await shoot(page, 'checks-recorded');
    await panel.screenshot({ path: join(screensDir, 'dashboard-checks-panel-recorded.png') });
  }, 300_000);
});
