/**
 * Finding a service in real Chromium against the real stack on the demo data (README "Finding a service"): life
 * events, search by pinyin and initials, most used, the guide's shortcuts and booking with a confirm step, taps
 * counted from home. Every screen on the way is measured at the portrait and landscape kiosk sizes, in normal and
 * elderly mode (kioskGrid.ts): touch targets >= 44 / 60 px, no overlapping targets, nothing under the bars or past the sides,
 * contrast >= 4.5:1, no Chinese line holding one wrapped character, elderly text >= 30 px.
 * `npm run screenshots` runs this file with SCREENSHOTS_DIR set: a PNG of each screen, orientation and mode.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { until } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { LANDSCAPE, PORTRAIT, WAIT, startDemoKiosk, type DemoKiosk, type Mode } from './demoKiosk.ts';
import { gridProblems, orphanLines, smallestText } from './kioskGrid.ts';
import { tapper } from './kioskTaps.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shotsDir = process.env.SCREENSHOTS_DIR ? path.resolve(repoRoot, process.env.SCREENSHOTS_DIR) : null;
/** A demo holder (simulators/data/cards.json) with no appointment for the services booked here. */
const CARD = 'ayiguli';

let kiosk: DemoKiosk;

beforeAll(async () => {
  kiosk = await startDemoKiosk();
  if (shotsDir) mkdirSync(shotsDir, { recursive: true });
}, 400_000);

afterEach(async () => kiosk?.closePages());

afterAll(async () => kiosk?.close(), 120_000);

function signIn(mode: Mode): Promise<Page> {
  return kiosk.signIn(mode, CARD);
}

/**
 * The screen measured (and photographed) in both orientations; back in portrait afterwards. Each figure is asserted
 * with the screen's name, so a failure says where.
 */
async function check(page: Page, mode: Mode, name: string): Promise<void> {
  for (const [orientation, size] of [['portrait', PORTRAIT], ['landscape', LANDSCAPE]] as const) {
    await page.setViewportSize(size);
    // The scroll cue follows the layout through a ResizeObserver: one frame after the resize.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (shotsDir) await page.screenshot({ path: path.join(shotsDir, `${name}-${mode}-${orientation}.png`) });
    const where = `${name} ${mode} ${orientation}`;
    const grid = await gridProblems(page, mode === 'elderly' ? 60 : 44);
    expect(grid.targets, where).toBeGreaterThan(0);
    expect(grid.small, where).toEqual([]);
    expect(grid.overlapping, where).toEqual([]);
    expect(grid.underBar, where).toEqual([]);
    expect(grid.offScreen, where).toEqual([]);
    expect(grid.lowContrast, where).toEqual([]);
    expect(await orphanLines(page), where).toEqual([]);
    const smallest = await smallestText(page);
    expect(smallest.px, `${where}: "${smallest.text}"`).toBeGreaterThanOrEqual(mode === 'elderly' ? 30 : 18);
  }
  await page.setViewportSize(PORTRAIT);
}

describe('finding a service, measured on every screen', { timeout: 600_000 }, () => {
  for (const mode of ['normal', 'elderly'] as const) {
    // The two walks book different services, so the second is not refused as a second booking that day.
    const service = mode === 'normal' ? 'D35-02' : 'D27-02';

    it(`${mode}: life event -> service -> book -> slot -> confirm in 5 taps from home; search by initials and pinyin; most used; guide shortcuts`, async () => {
      const page = await signIn(mode);
      await check(page, mode, 'greeting');
      await page.getByTestId('greeting-start').click();
      await page.locator('[data-screen="home"] [data-testid="life-event-birth"]').waitFor(WAIT);
      await check(page, mode, 'home');

      // By life event, counted from home (the greeting's tap is counted in kiosk-finding-taps.test.ts).
      const taps = tapper(page);
      await taps.tap('life-event-birth');
      await page.locator('[data-testid="life-event"][data-code="birth"]').waitFor(WAIT);
      await check(page, mode, 'life-event');
      await taps.tap(`find-service-${service}`);
      await page.getByTestId('procedure').waitFor(WAIT);
      await expect(page.getByTestId('procedure').innerText()).resolves.toMatch(/(时限|Time limit)/);
      await expect(page.getByTestId('material').count()).resolves.toBeGreaterThan(0);
      await check(page, mode, 'service');
      await taps.tap('service-book');
      await page.locator('[data-step="book"] [data-testid^="slot-"]:not([disabled])').first().waitFor(WAIT);
      await check(page, mode, 'book');
      const slot = (await page.locator('[data-testid^="slot-"]:not([disabled])').first().getAttribute('data-testid'))!;
      await taps.tap(slot);
      await page.getByTestId('confirm-booking').waitFor(WAIT);
      await check(page, mode, 'confirm');
      await taps.tap('confirm-book');
      await page.getByTestId('booked').waitFor(WAIT);
      expect(taps.taps).toBeLessThanOrEqual(5);
      await check(page, mode, 'booked');

      // Search: initials, full pinyin, characters typed elsewhere; matches marked; a miss says what to try.
      await page.getByTestId('nav-home').click();
      await page.getByTestId('find-search').click();
      await page.getByTestId('keyboard').waitFor(WAIT);
      await check(page, mode, 'search');
      const results = () => page.locator('[data-testid="results"] [data-testid^="find-service-"]').allInnerTexts();
      for (const k of 'sb') await page.getByTestId(`key-${k}`).click();
      await page.getByTestId('results').waitFor(WAIT);
      const bySb = await results();
      await check(page, mode, 'search-results');
      await page.getByTestId('key-clear').click();
      for (const k of 'shebao') await page.getByTestId(`key-${k}`).click();
      await page.getByTestId('results').waitFor(WAIT);
      // The three items of the 社保医保 queue category; sb finds them too, besides 设备 and 申报 items.
      const byShebao = await results();
      expect(byShebao).toHaveLength(3);
      expect(byShebao.every((text) => text.includes('社保医保'))).toBe(true);
      expect(byShebao.every((text) => bySb.includes(text))).toBe(true);
      await expect(page.locator('[data-testid="results"] [data-testid="match"]').first().innerText()).resolves.toBe('社保');
      await page.getByTestId('search-input').fill('社保');
      await expect(results()).resolves.toEqual(byShebao);
      await page.getByTestId('key-clear').click();
      for (const k of 'hkqy') await page.getByTestId(`key-${k}`).click();
      await expect(page.locator('[data-testid="results"] [data-testid="match"]').first().innerText()).resolves.toBe('户口迁移');
      for (const k of 'qqq') await page.getByTestId(`key-${k}`).click();
      await page.getByTestId('no-result').waitFor(WAIT);
      await expect(page.getByTestId('no-result').innerText()).resolves.toMatch(/办事主题|life event/);
      await check(page, mode, 'search-none');
      // What to try instead is one tap away: the departments.
      await page.getByTestId('no-result-departments').click();
      await page.locator('[data-feature="guidance"]').waitFor(WAIT);

      // Most used in this hall: one tap from home to a guide, and a number from there.
      await page.getByTestId('nav-home').click();
      const mostUsed = page.locator('[data-testid^="most-used-"]');
      await mostUsed.first().waitFor(WAIT);
      await mostUsed.first().click();
      await page.getByTestId('service-ticket').click();
      await expect(page.getByTestId('ticket-number').innerText({ timeout: 60_000 })).resolves.toMatch(/^[A-F]\d{3}$/);
      await check(page, mode, 'service-ticket');

      // By department, the long list: a visible cue and page buttons in portrait; the guide offers booking.
      await page.getByTestId('nav-home').click();
      await page.getByTestId('find-departments').click();
      await page.locator('[data-testid^="department-"]').first().waitFor(WAIT);
      await page.getByTestId('scroll-cue').waitFor(WAIT);
      await expect(page.getByTestId('scroll-cue').getAttribute('data-down')).resolves.toBe('1');
      await check(page, mode, 'departments');
      await page.getByTestId('page-down').click();
      await until('scrolled a page', async () => (await page.getByTestId('scroll-cue').getAttribute('data-up')) === '1');
      await check(page, mode, 'departments-paged');
      await page.locator('[data-testid^="department-"]').first().click();
      await page.locator('[data-testid^="service-"]').first().click();
      await page.getByTestId('guide-book').waitFor(WAIT);
      await check(page, mode, 'guide');
      await page.getByTestId('guide-book').click();
      await page.locator('[data-step="book"]').waitFor(WAIT);
      // Back from booking returns to that service's guide, not out of the flow.
      await page.getByTestId('nav-back').click();
      await page.locator('[data-step="service"]').waitFor(WAIT);
    });
  }
});
