/**
 * The access audit section of the manager dashboard in real Chromium (等保 2.0 level 3): the UI built with Vite into a
 * temp dir and served by a real bridge with reader and printer simulators on PTYs (the kiosk test rig). A citizen
 * starts a session and takes a ticket over /kiosk; a manager logs in and sees the audit rows (kiosk-1, queue.take,
 * the masked number, success), filters by function, and the export link downloads a CSV with BOM; a technician's
 * dashboard has no audit section. Screenshot: test/artifacts/screens/dashboard-audit.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { SEEDED_CARD, startKioskRig, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;
const FULL_NUMBER = (libraryHolder(SEEDED_CARD) as { idNumber: string }).idNumber;
const MASKED = `${FULL_NUMBER.slice(0, 4)}${'*'.repeat(FULL_NUMBER.length - 8)}${FULL_NUMBER.slice(-4)}`;

let workDir: string;
let rig: KioskRig;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-audit-e2e-'));
  const uiDir = await builtUi();
  rig = await startKioskRig({ uiDir, users: DEMO_USERS });
  const s = await rig.startSession();
  expect((await rig.command(s.token, 'queue.take', { category: 'A' })).code).toBe('success');
  expect((await rig.command(s.token, 'certificates.list')).code).toBe('success');
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (contexts.length > 0) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

async function loginAs(user: 'manager' | 'tech'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1400 }, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  await staffLogin(page, `${rig.bridge.url}/hall`, user, DEMO_PASSWORDS[user]);
  await page.getByTestId('hall-dashboard').waitFor({ timeout: UI_WAIT_MS });
  await page.getByTestId('today').waitFor({ timeout: UI_WAIT_MS });
  return page;
}

describe('access audit in the manager dashboard', () => {
  it('a manager sees the kiosk\'s audited accesses with masked numbers, filters them, and exports CSV with BOM', async () => {
    const page = await loginAs('manager');
    const audit = page.getByTestId('audit');
    await audit.waitFor({ timeout: UI_WAIT_MS });
    const ticketRow = page.getByTestId('audit-row').filter({ hasText: 'queue.take' });
    await ticketRow.first().waitFor({ timeout: UI_WAIT_MS });
    const text = await ticketRow.first().innerText();
    expect(text).toContain('kiosk-1');
    expect(text).toContain(MASKED);
    expect(text).toMatch(/成功 \/ success/);
    await expect(audit.innerText()).resolves.not.toMatch(/\d{17}[\dX]/);

    await page.getByTestId('audit-function').selectOption('certificates.list');
    await page.getByTestId('audit-row').filter({ hasText: 'queue.take' }).first().waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    await page.getByTestId('audit-row').filter({ hasText: 'certificates.list' }).first().waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('audit-total').innerText()).resolves.toMatch(/共 1 条/);
    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toMatch(/^\/api\/hall\/audit\/export\.csv\?day=\d{4}-\d{2}-\d{2}&function=certificates\.list$/);
    const csv = await page.evaluate(async (p) => {
      const r = await fetch(p!, { credentials: 'same-origin' });
      return { status: r.status, bytes: [...new Uint8Array(await r.arrayBuffer()).slice(0, 3)], type: r.headers.get('content-type') };
    }, href);
    expect(csv).toEqual({ status: 200, bytes: [0xef, 0xbb, 0xbf], type: 'text/csv; charset=utf-8' });
    await page.screenshot({ path: join(screensDir, 'dashboard-audit.png'), fullPage: true });

    // The page's own reads of the audit are in the audit.
    const views = await rig.bridge.hall.store!.queryAccessAudit({ function: 'audit.view', actor: 'manager', limit: 100, offset: 0 });
    expect(views.total).toBeGreaterThanOrEqual(2);
  }, 200_000);

  it('a technician\'s dashboard has no audit section, and the bridge refuses the audit to that session', async () => {
    const page = await loginAs('tech');
    await expect(page.getByTestId('audit').count()).resolves.toBe(0);
    expect(await page.evaluate(async () => (await fetch('/api/hall/audit', { credentials: 'same-origin' })).status)).toBe(403);
  }, 200_000);
});
