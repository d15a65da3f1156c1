/**
 * The kiosk as the finding walks meet it (README "Finding a service"): the production build of kiosk-ui served by the
 * real bridge and simulators on the demo hall, at a working day inside opening hours (10:07 China time, Wed 25 Nov
 * 2026, running on), with Chromium, and a card-in sign-in that leaves the citizen on the greeting. Each demo holder
 * has an appointment today open for check-in, applications and certificates (device-bridge/src/demo/demoData.ts);
 * the demo's appointments and tickets of the last days make the hall's most used.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkoutDemoHallFiller } from '../../device-bridge/src/demo/demoFiles.ts';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';

export const PORTRAIT = { width: 1080, height: 1920 };
export const LANDSCAPE = { width: 1920, height: 1080 };
export const WAIT = { timeout: 60_000 };
export type Mode = 'normal' | 'elderly';

export interface DemoKiosk {
  rig: KioskRig;
  /** A new page in `mode` at `viewport`, the card placed and removed: the greeting shows, the session open. */
  signIn(mode: Mode, card: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Closes this test's pages and takes any card off the reader. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

/** `devices`: more devices for the bridge's config (e.g. a counter bus simulator's PTY); `users`: staff logins. */
export async function startDemoKiosk(opts: Pick<NonNullable<Parameters<typeof startKioskRig>[0]>, 'devices' | 'users'> = {}): Promise<DemoKiosk> {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const distDir = await mkdtemp(path.join(tmpdir(), 'od-kiosk-demo-ui-'));
  let rig: KioskRig | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const close = async () => {
    await browser?.close();
    await rig?.close();
    await rm(distDir, { recursive: true, force: true });
  };
  try {
    await build({ configFile: path.join(repoRoot, 'kiosk-ui/vite.config.ts'), mode: 'production', logLevel: 'warn',
      build: { outDir: distDir, emptyOutDir: true } });
    const start = Date.parse('2026-11-25T02:07:00Z');
    const t0 = Date.now();
    const clock = new HallClock(() => start + (Date.now() - t0));
    rig = await startKioskRig({ uiDir: distDir, screen: false, hall: { demo: checkoutDemoHallFiller(), clock }, devices: opts.devices,
      users: opts.users });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  } catch (e) {
    await close();
    throw e;
  }
  const kioskRig = rig;
  const chromiumBrowser = browser;
  return {
    rig: kioskRig,
    async signIn(mode, card, viewport = PORTRAIT) {
      const page = await chromiumBrowser.newPage({ viewport, deviceScaleFactor: 1 });
      pages.push(page);
      await page.goto(`${kioskRig.bridge.url}/${mode === 'elderly' ? '?elderly=1' : ''}`);
      await page.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
      const sessions = kioskRig.sessions.length;
      kioskRig.reader.placeCard(card);
      await page.locator('[data-screen="greeting"]').waitFor(WAIT);
      await until('bridge session', () => kioskRig.sessions.length > sessions);
      kioskRig.reader.removeCard();
      return page;
    },
    async closePages() {
      while (pages.length > 0) await pages.pop()!.close();
      kioskRig.reader.removeCard();
    },
    close,
  };
}
