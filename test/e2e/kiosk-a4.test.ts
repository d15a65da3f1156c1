/**
 * The A4 certificate copy in real Chromium against the real stack: the UI built with Vite and served by the
 * bridge, the reader and ticket printer simulators on PTYs, and CUPS's ippeveprinter as the A4 printer, its print
 * command taking a while a page and reporting pages as a real printer does (simulators/ippPrinter "pageMs"). While
 * the copy prints the screen shows the page under way from the IPP job's impressions; then the copy is done and
 * the printer kept exactly one more PDF.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser } from 'playwright-core';
import { IppEvePrinterSim } from '@onedoor/simulators';
import { SEEDED_CARD, startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { FONT } from '../../device-bridge/test/docPrinter/fixtures.ts';
import { launchChromium } from '../support/chromium.ts';
/** Waits in the browser: several processes on a loaded machine. */
const WAIT = { timeout: 60_000 };

let distDir: string;
let rig: KioskRig;
let browser: Browser;
const sim = new IppEvePrinterSim({ spoolDir: mkdtempSync(path.join(tmpdir(), 'od-ippeve-e2e-')), pageMs: 2500 });

beforeAll(async () => {
  distDir = await builtUi();
  await sim.start();
  rig = await startKioskRig({ uiDir: distDir, screen: false, devices: [{ id: 'a4', kind: 'docprinter', path: sim.uri,
    options: { fontPath: FONT.path, fontName: FONT.name, pollIntervalMs: 150, jobPollMs: 50 } }] });
  await until('A4 printer online', () => rig.bridge.devices.get('a4')?.status().state === 'online');
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await sim.stop();
}, 120_000);

describe('A4 copy on the kiosk screen', () => {
  it('shows "正在打印 第 1/1 页" while the A4 copy prints, then the copy done; one PDF printed', async () => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 1 });
    await page.goto(`${rig.bridge.url}/`);
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
    const sessions = rig.sessions.length;
    rig.reader.placeCard(SEEDED_CARD);
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    await until('bridge session', () => rig.sessions.length > sessions);
    rig.reader.removeCard();
    await page.getByTestId('greeting-start').click();
    await page.getByTestId('tile-certificates').click();
    await page.getByTestId('certificate').first().click();
    await page.getByTestId('certificate-preview').waitFor(WAIT);
    await expect(page.getByTestId('copy-format-a4').getAttribute('aria-pressed')).resolves.toBe('true');
    const before = sim.printedFiles().length;

    await page.getByTestId('print-copy').click();
    const progress = page.getByTestId('print-pages');
    // Until the printer has counted the pages it reports none in all; then "1/1".
    await page.locator('[data-testid="print-pages"][data-total="1"]').waitFor(WAIT);
    // Shown before the copy is done: the print command is still waiting for the IPP job to complete.
    await expect(page.locator('[data-testid="copy"]').count()).resolves.toBe(0);
    await expect(progress.getAttribute('data-page')).resolves.toBe('1');
    await expect(progress.getAttribute('data-total')).resolves.toBe('1');
    await expect(progress.innerText()).resolves.toMatch(/正在打印 第 1\/1 页|Printing page 1 of 1/);

    await page.locator('[data-testid="copy"] [data-print="done"]').waitFor(WAIT);
    await expect(progress.count()).resolves.toBe(0);
    expect(sim.printedFiles().length).toBe(before + 1);
    await page.close();
  }, 300_000);
});
