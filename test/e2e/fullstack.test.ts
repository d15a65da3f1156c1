/**
 * The whole stack in real Chromium (README, top: `npm start` shows a live kiosk with simulated
 * devices): `npm start` (scripts/start.ts, in its own process) builds the UI into a temp dir,
 * starts the three simulators on PTYs (socat) and the bridge wired to them; the browser opens the
 * kiosk the bridge serves. A card is placed through the simulator control API and the kiosk greets
 * its holder with the masked number; the printer runs out of paper in the simulator and the kiosk
 * says so.
 *
 * Nothing here is faked: the card's bytes go simulator -> PTY -> serialport -> reader driver -> /kiosk -> page.
 * Screenshots go to test/artifacts/screens/fullstack-*.png (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import type { DeviceStatus } from '@onedoor/protocol';
import { loadVectors } from '../../protocol/test/vectors.ts';
import { leftovers, postJson, REPO_ROOT, spawnLauncher, waitAllOnline, type LauncherRun } from '../integration/start-rig.ts';
import { launchChromium } from '../support/chromium.ts';

const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const PORTRAIT = { width: 1080, height: 1920 };
/** Waits in the browser: the card's way runs through several processes on a loaded machine. */
const UI_WAIT_MS = 60_000;

/**
 * The simulator's `zhang-sanfeng` card is the holder of the shared reader vector `read_base_ok_resident`
 * (simulators/data/cards.json); the expectation comes from the vector, not from the simulator.
 */
const CARD_KEY = 'zhang-sanfeng';
const resident = loadVectors<{ read_base_ok_resident: { expect: { name: string; idNumber: string } } }>('id-reader')
  .read_base_ok_resident.expect;
/** hall-rules.md, Privacy: first 4 + last 4 visible; written out here, independent of any masking code. */
const MASKED_NUMBER = `${resident.idNumber.slice(0, 4)}${'*'.repeat(resident.idNumber.length - 8)}${resident.idNumber.slice(-4)}`;

let run: LauncherRun;
let browser: Browser;
let kioskUrl: string;
let control: string;
const pages: Page[] = [];

beforeAll(async () => {
  // Fresh UI build by the launcher (its --ui-dir is empty): the "builds what is needed" path of npm start.
  run = await spawnLauncher([], { buildUiInRunDir: true });
  kioskUrl = run.printed.get('kiosk')!;
  control = run.printed.get('simulators')!;
  await waitAllOnline<DeviceStatus>(run);
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (pages.length > 0) await pages.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  if (run) {
    const { code } = await run.stop('SIGTERM');
    const left = leftovers(run);
    await run.cleanup();
    // The launcher's own clean stop is part of what this file checks (after cleanup, so nothing is left either way).
    expect(code).toBe(0);
    expect(left).toEqual([]);
  }
}, 120_000);

async function openKiosk(): Promise<Page> {
  const page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1 });
  pages.push(page);
  await page.goto(kioskUrl);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: UI_WAIT_MS });
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screensDir, `fullstack-${name}.png`) });
}

describe('npm start: a live kiosk with simulated devices', () => {
  it('the launcher built the UI and the bridge serves it on every route', async () => {
    expect(run.stdout()).toMatch(/building the kiosk UI into .*\/ui \(.*index\.html is missing\)/);
    for (const route of ['kiosk', 'display', 'hall', 'tech', 'verify']) {
      const res = await fetch(run.printed.get(route)!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('a card placed on the simulated reader greets its holder by name with the masked number only', async () => {
    const page = await openKiosk();
    await page.getByTestId('attract-prompt').filter({ hasText: '请将身份证放在读卡区' }).waitFor({ timeout: UI_WAIT_MS });
    await shoot(page, 'attract');

    const placed = await postJson<{ ok: boolean; result: { placed: string; name: string } }>(
      `${control}/api/sims/idreader/actions/place-card`,
      { holder: CARD_KEY },
    );
    expect(placed.result).toMatchObject({ placed: CARD_KEY, name: resident.name });

    await page.locator('[data-screen="greeting"]').waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('holder-name').innerText()).resolves.toContain(resident.name);
    await expect(page.getByTestId('holder-id').innerText()).resolves.toBe(MASKED_NUMBER);
    // The full number reached the bridge over the wire but must not reach the page, in text or markup.
    const dom = (await page.content()) + (await page.locator('body').innerText());
    expect(dom).not.toContain(resident.idNumber);
    await shoot(page, 'greeting');

    await postJson(`${control}/api/sims/idreader/actions/remove-card`, {});
  }, 200_000);

  it('the simulated printer running out of paper shows the paper notice on the kiosk, and it goes when paper is back', async () => {
    const page = await openKiosk();
    const notice = page.locator('[data-notice="printer-paper-out"]');
    await expect(notice.count()).resolves.toBe(0);

    await postJson(`${control}/api/sims/printer/actions/paper`, { state: 'out' });
    await notice.waitFor({ timeout: UI_WAIT_MS });
    await expect(notice.innerText()).resolves.toContain('打印机缺纸');
    await shoot(page, 'paper-out');

    await postJson(`${control}/api/sims/printer/actions/paper`, { state: 'ok' });
    await notice.waitFor({ state: 'detached', timeout: UI_WAIT_MS });
  }, 200_000);
});
