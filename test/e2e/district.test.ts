/**
 * The district manager's page in real Chromium (README "Running a district", "Many halls, one database"): the UI
 * built with Vite into a temp dir and served by a real bridge (hall `hall`) whose SQLite database also holds a second
 * hall (`hall-b`, written by a store bound to it). The district manager logs in at /hall and sees one row per hall
 * with its own figures; a hall manager's dashboard has no district panel. Screenshot:
 * test/artifacts/screens/dashboard-district.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { silentLogger, startBridge, type BridgeHandle } from '../../device-bridge/src/index.ts';
import { openSqliteHallStore } from '../../device-bridge/src/store/hallSqlite.ts';
import { seedBasics } from '../../device-bridge/test/hall/fixture.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;

let workDir: string;
let bridge: BridgeHandle;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-district-e2e-'));
  const uiDir = await builtUi();
  const dataDir = join(workDir, 'data');
  bridge = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir, uiDir, users: [...DEMO_USERS], options: { logLevel: 'silent' } },
    { log: silentLogger(), hall: { demo: (s) => seedBasics(s) } });
  await bridge.hall.queue!.takeTicket(null, 'A');
  // A second hall in the same database file: three tickets waiting there.
  const other = openSqliteHallStore(join(dataDir, 'hall.sqlite'), { hallId: 'hall-b' });
  try {
    await seedBasics(other);
    const day = bridge.hall.clock.today();
    for (const seq of [1, 2, 3]) {
      await other.insertTicket({ day, category: 'B', seq, number: `B00${seq}`, holderNumber: null, priority: null,
        issuedAt: Date.now() - 20 * 60_000, appointmentId: null });
    }
  } finally {
    await other.close();
  }
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (contexts.length > 0) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

async function loginAs(user: 'manager' | 'district'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1400 }, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  await staffLogin(page, `${bridge.url}/hall`, user, DEMO_PASSWORDS[user]);
  await page.getByTestId('hall-dashboard').waitFor({ timeout: UI_WAIT_MS });
  await page.getByTestId('today').waitFor({ timeout: UI_WAIT_MS });
  return page;
}

describe('the district page', () => {
  it('the district manager sees every hall of the database with its figures', async () => {
    const page = await loginAs('district');
    await page.getByTestId('district-table').waitFor({ timeout: UI_WAIT_MS });
    const rows = page.getByTestId('district-hall');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-hall')))).toEqual(['hall', 'hall-b']);
    const own = await page.locator('[data-testid="district-hall"][data-hall="hall"] td').allTextContents();
    const other = await page.locator('[data-testid="district-hall"][data-hall="hall-b"] td').allTextContents();
    expect(own.slice(0, 3)).toEqual(['hall (本厅 / this hall)', '1', '0']);
    expect(other.slice(0, 3)).toEqual(['hall-b', '3', '0']);
    expect(other[3]).toMatch(/^(19|20|21) min$/);
    expect(other[4]).toBe('–');
    await page.screenshot({ path: join(screensDir, 'dashboard-district.png'), fullPage: true });
  });

  it('a hall manager\'s dashboard has no district panel (their own hall only)', async () => {
    const page = await loginAs('manager');
    expect(await page.getByTestId('district').count()).toBe(0);
  });
});
