/**
 * The manager's catalogue section of the dashboard in real Chromium (README "Loading the catalogue"): the UI built
 * with Vite and served by a real bridge (kiosk rig) whose hall database holds the example catalogue. A manager
 * renames a queue category, sets a slot capacity of 0 and adds a holiday in the wrong format: "check" lists each
 * field with its problem and nothing is saved; corrected, "save" applies it (the database shows it). Screenshot:
 * test/artifacts/screens/dashboard-catalogue.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { loadCatalogueFiles } from '../../device-bridge/src/catalogue/loadCatalogue.ts';
import { startKioskRig, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;

let workDir: string;
let rig: KioskRig;
let browser: Browser;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-catalogue-e2e-'));
  const uiDir = await builtUi();
  rig = await startKioskRig({ uiDir, users: DEMO_USERS, hall: { demo: async (store) => void (await loadCatalogueFiles(store, [join(REPO_ROOT, 'config/examples/catalogue/catalogue.json')])) } });
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('catalogue edits in the manager dashboard', () => {
  it('refuses bad edits field by field, saving nothing; saves the corrected edit', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1400 }, deviceScaleFactor: 1 });
    try {
      const page = await context.newPage();
      await staffLogin(page, `${rig.bridge.url}/hall`, 'manager', DEMO_PASSWORDS.manager);
      const panel = page.getByTestId('catalogue');
      await page.getByTestId('category-name-A').waitFor({ timeout: UI_WAIT_MS });
      const store = rig.bridge.hall.store!;

      await page.getByTestId('category-name-A').fill('综合窗口');
      await panel.locator('summary').click();
      await page.getByTestId('capacity-D01-01').fill('0');
      await page.getByTestId('holiday-day').fill('2027/2/6');
      await page.getByTestId('holiday-name').fill('春节');
      await page.getByTestId('holiday-add').click();
      await page.getByTestId('catalogue-save').click();
      const problems = page.getByTestId('catalogue-problems');
      await problems.waitFor({ timeout: UI_WAIT_MS });
      const text = await problems.innerText();
      expect(text).toContain('slotCapacities[0].slotCapacity: must be 1-1000 citizens per 30-minute slot (service D01-01)');
      expect(text).toContain('holidays[0].day: must be a date YYYY-MM-DD like 2026-10-01, got "2027/2/6"');
      expect((await store.getQueueCategory('A'))?.name).toBe('综合受理');
      expect((await store.getServiceItem('D01-01'))?.slotCapacity).toBe(2);
      await page.screenshot({ path: join(screensDir, 'dashboard-catalogue.png'), fullPage: true });

      // Corrected: the holiday list is rebuilt (the bad one cannot be fixed in place), the capacity set to 5.
      await page.reload();
      await page.getByTestId('category-name-A').waitFor({ timeout: UI_WAIT_MS });
      await page.getByTestId('category-name-A').fill('综合窗口');
      await panel.locator('summary').click();
      await page.getByTestId('capacity-D01-01').fill('5');
      await page.getByTestId('holiday-day').fill('2027-02-06');
      await page.getByTestId('holiday-name').fill('春节');
      await page.getByTestId('holiday-add').click();
      await page.getByTestId('catalogue-check').click();
      await page.locator('[data-testid="catalogue-outcome"][data-applied="false"]').filter({ hasText: 'services: 0 added, 1 changed' }).waitFor({ timeout: UI_WAIT_MS });
      expect((await store.getServiceItem('D01-01'))?.slotCapacity).toBe(2);
      await page.getByTestId('catalogue-save').click();
      await page.locator('[data-testid="catalogue-outcome"][data-applied="true"]').waitFor({ timeout: UI_WAIT_MS });
      expect((await store.getQueueCategory('A'))?.name).toBe('综合窗口');
      expect((await store.getServiceItem('D01-01'))?.slotCapacity).toBe(5);
      expect((await store.listCalendarDays()).find((d) => d.day === '2027-02-06')).toEqual({ day: '2027-02-06', kind: 'holiday', name: '春节' });
    } finally {
      await context.close();
    }
  }, 240_000);
});
