/**
 * The manager dashboard during a rehearsal, in real Chromium (docs/rehearsal.md: "the dashboard and display run
 * against it as on the day"): the UI built with Vite into a temp dir, a rehearsal of a synthetic half hour at 120×
 * serving it; a manager logs in on /hall before the rehearsal clock starts, and while it runs the page shows people
 * waiting and that count changing without a reload, windows calling or serving, and the served count growing.
 * Screenshot: test/artifacts/screens/rehearsal-dashboard.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '@onedoor/device-bridge';
import { runRehearsal } from '../../scripts/rehearsal/runner.ts';
import { syntheticMorning } from '../../scripts/rehearsal/syntheticMorning.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;

let workDir: string;
let uiDir: string;
let browser: Browser;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-rehearsal-e2e-'));
  uiDir = await builtUi();
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

const waitingOf = async (page: Page) => Number(await page.getByTestId('fig-waiting').locator('.hall-figure-value').innerText());

describe('dashboard during a rehearsal', () => {
  it('shows a 60× rehearsal\'s waiting count live while it runs', async () => {
    let page: Page | null = null;
    let watching: Promise<number[]> | null = null;
    const result = await runRehearsal({
      scenario: syntheticMorning({ seed: 5, minutes: 30, peakPerHour: 40 }), speed: 60, uiDir,
      onReady: async ({ url }) => {
        const context = await browser.newContext({ viewport: { width: 1600, height: 1400 }, deviceScaleFactor: 1 });
        page = await context.newPage();
        await staffLogin(page, `${url}/hall`, 'manager', DEMO_PASSWORDS.manager);
        await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: UI_WAIT_MS });
        await page.getByTestId('fig-waiting').waitFor({ timeout: UI_WAIT_MS });
        const p = page;
        // Runs alongside the rehearsal (started once the clock goes): the values the open page shows, as they change.
        watching = (async () => {
          const seen: number[] = [];
          const noteChange = async () => {
            const v = await waitingOf(p);
            if (seen.at(-1) !== v) seen.push(v);
          };
          await p.locator('[data-testid="fig-waiting"] .hall-figure-value').filter({ hasText: /^[1-9]\d*$/ }).waitFor({ timeout: UI_WAIT_MS });
          await noteChange();
          await p.locator('[data-testid="windows"] tr[data-state="serving"], [data-testid="windows"] tr[data-state="called"]').first().waitFor({ timeout: UI_WAIT_MS });
          await p.screenshot({ path: join(screensDir, 'rehearsal-dashboard.png'), fullPage: true });
          const first = seen[0];
          await p.waitForFunction((v) => document.querySelector('[data-testid="fig-waiting"] .hall-figure-value')?.textContent !== String(v), first, { timeout: UI_WAIT_MS });
          await noteChange();
          await p.getByTestId('fig-served').filter({ hasText: /^[1-9]/ }).waitFor({ timeout: UI_WAIT_MS });
          return seen;
        })();
        watching.catch(() => undefined);
      },
    });
    expect(page).not.toBeNull();
    const seen = await watching!;
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[1]).not.toBe(seen[0]);
    // Every value the page showed is a count of tickets the rehearsal issued.
    for (const v of seen) expect(v).toBeLessThanOrEqual(result.table.totals.arrivals);
    expect(result.table.totals.served).toBe(result.table.totals.arrivals);
  }, 300_000);
});
