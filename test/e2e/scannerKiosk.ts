/**
 * The kiosk with a QR scanner for the scanner e2e walks: the shared production UI build, the QR scanner simulator on a
 * real PTY (power-up and repeat guard off: a test presents codes at once), the kiosk rig with that scanner, and
 * Chromium; `kioskPage()` opens the kiosk screen at 1080x1920, connected.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { KioskHallOptions } from '../../device-bridge/src/api/kioskHall.ts';
import { startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { QrScannerSim } from '../../simulators/src/qrscanner/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { builtUi } from '../support/builtUi.ts';
import { launchChromium } from '../support/chromium.ts';

export interface ScannerKiosk {
  rig: KioskRig;
  scanner: RunningSimulator<QrScannerSim>;
  browser: Browser;
  kioskPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startScannerKiosk(name: string, hall: Partial<KioskHallOptions> = {}): Promise<ScannerKiosk> {
  const uiDir = await builtUi();
  const simDir = await mkdtemp(path.join(tmpdir(), `od-${name}-scan-`));
  const scanner = await startSimulator(new QrScannerSim({ id: `${name}-e2e-scanner`, powerUpMs: 0, repeatGuardMs: 0 }),
    { link: 'pty', baud: 9600, dir: simDir });
  let rig: KioskRig | undefined;
  try {
    rig = await startKioskRig({ uiDir, screen: false, hall, devices: [{ id: 'scanner', kind: 'qrscanner', path: scanner.path!, options: {} }] });
    const kioskRig = rig;
    await until('scanner online', () => kioskRig.bridge.devices.get('scanner')?.status().state === 'online', 60_000);
    const browser = await launchChromium();
    return {
      rig, scanner, browser,
      async kioskPage() {
        const page = await (await browser.newContext({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 1 })).newPage();
        await page.goto(`${kioskRig.bridge.url}/`);
        await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 60_000 });
        return page;
      },
      async close() {
        await browser.close();
        await kioskRig.close();
        await scanner.close();
      },
    };
  } catch (e) {
    await rig?.close();
    await scanner.close();
    throw e;
  }
}
