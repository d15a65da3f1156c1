/**
 * The kiosk as the finding walks meet it (README "Finding a service"): the production build of kiosk-ui served by the
 * real bridge and simulators on the demo hall, at a working day inside opening hours (10:07 China time, Wed 25 Nov
 * 2026, running on), with Chromium, and a card-in sign-in that leaves the citizen on the greeting. Each demo holder
 * has an appointment today open for check-in, applications and certificates (device-bridge/src/demo/demoData.ts);
 * the demo's appointments and tickets of the last days make the hall's most used.
 */
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type Page } from 'playwright-core';
import { checkoutDemoHallFiller } from '../../device-bridge/src/demo/demoFiles.ts';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import type { KioskHallOptions } from '../../device-bridge/src/api/kioskHall.ts';
import { startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { launchChromium } from '../support/chromium.ts';

export const PORTRAIT = { width: 1080, height: 1920 };
export const LANDSCAPE = { width: 1920, height: 1080 };
export const WAIT = { timeout: 60_000 };
export type Mode = 'normal' | 'elderly';

export interface DemoKiosk {
  rig: KioskRig;
  /** The Chromium the pages run in (e.g. for a staff page beside the kiosk). */
  browser: Browser;
  /** A new page in `mode` at `viewport`, the card placed and removed: the greeting shows, the session open. */
  signIn(mode: Mode, card: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Closes this test's pages and takes any card off the reader. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

/** `more`: more options for the rig (staff logins, the notifications config, a counter bus and its windows); `more.hall`:
 * more hall options (e.g. `personLimits`). */
export async function startDemoKiosk(more: Pick<NonNullable<Parameters<typeof startKioskRig>[0]>, 'users' | 'notifications' | 'devices'
  | 'counterWorkflow'> & { hall?: Partial<KioskHallOptions> } = {}): Promise<DemoKiosk> {
  let rig: KioskRig | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const close = async () => {
    await browser?.close();
    await rig?.close();
  };
  try {
    const distDir = await builtUi();
    const start = Date.parse('2026-11-25T02:07:00Z');
    const t0 = Date.now();
    const clock = new HallClock(() => start + (Date.now() - t0));
    rig = await startKioskRig({ ...more, uiDir: distDir, screen: false, hall: { ...more.hall, demo: checkoutDemoHallFiller(), clock } });
    browser = await launchChromium();
  } catch (e) {
    await close();
    throw e;
  }
  const kioskRig = rig;
  const chromiumBrowser = browser;
  return {
    rig: kioskRig,
    browser: chromiumBrowser,
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
