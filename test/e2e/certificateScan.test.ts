/**
 * A certificate copy's QR at the kiosk's scanner, in Chromium (README "The QR scanner"; hall-rules.md "Electronic
 * certificates"): with no one signed in (the attract screen), the printed copy's verification URL on the simulated
 * scanner shows the full-screen 有效 with the certificate's type, issuer, masked holder and dates; 返回 closes it and
 * starts no session. During a citizen's session a forged copy shows 无法验证 over the session's screen, and after
 * 返回 the session's screen is still there. Screenshots: test/artifacts/screens/certificate-scan-*.png (1080 x 1920).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { SEEDED_CARD, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { startScannerKiosk, type ScannerKiosk } from './scannerKiosk.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const WAIT = { timeout: 60_000 };

let scanKiosk: ScannerKiosk;
let scanner: ScannerKiosk['scanner'];
let rig: KioskRig;
let browser: Browser;
const holder = citizenFromHolder(libraryHolder(SEEDED_CARD));

beforeAll(async () => {
  scanKiosk = await startScannerKiosk('certscan', {});
  ({ rig, scanner, browser } = scanKiosk);
  mkdirSync(screensDir, { recursive: true });
}, 400_000);

afterAll(async () => {
  await scanKiosk?.close();
}, 120_000);

const kioskPage = (): Promise<Page> => scanKiosk.kioskPage();

/** A copy of the seeded holder's certificate, as printed: its payload and the QR's verification URL. */
async function printedCopy() {
  const [cert] = await rig.bridge.hall.store!.listCertificatesOfHolder(holder.number);
  const copy = await rig.bridge.hall.certificates!.printCopy(holder, cert!.identifier);
  return { cert: cert!, copy, url: `${rig.bridge.url}/verify?p=${encodeURIComponent(copy.payload)}` };
}

describe('a certificate copy\'s QR on the kiosk screen', () => {
  it('no one signed in: 有效 full screen with the masked record; 返回 closes it, no session', async () => {
    const kiosk = await kioskPage();
    await kiosk.locator('[data-screen="attract"]').waitFor(WAIT);
    const sessions = rig.sessions.length;
    const { cert, url } = await printedCopy();
    await scanner.device.present(url);
    const result = kiosk.locator('[data-testid="cert-scan"][data-outcome="certificateValid"]');
    await result.waitFor(WAIT);
    await expect(kiosk.getByTestId('cert-scan-verdict').innerText()).resolves.toContain('有效');
    const details = await kiosk.getByTestId('cert-scan-details').innerText();
    expect(details).toContain(cert.typeName);
    expect(details).toContain(cert.issuerName);
    expect(details).toMatch(/\d{4}\*+\d{3}[\dX]/);
    expect(details).not.toContain(holder.number);
    // The full screen covers the page: it is what the citizen sees.
    const box = await result.boundingBox();
    expect(box).toMatchObject({ width: 1080, height: 1920 });
    await kiosk.screenshot({ path: path.join(screensDir, 'certificate-scan-valid.png') });
    await kiosk.getByTestId('cert-scan-back').click();
    await result.waitFor({ state: 'detached', ...WAIT });
    await kiosk.locator('[data-screen="attract"]').waitFor(WAIT);
    expect(rig.sessions.length).toBe(sessions);
  }, 300_000);

  it('during a session: a forged copy shows 无法验证 over the screen; after 返回 the session goes on', async () => {
    const kiosk = await kioskPage();
    const sessions = rig.sessions.length;
    const ended = rig.ended.length;
    rig.reader.placeCard(SEEDED_CARD);
    await kiosk.locator('[data-screen="greeting"]').waitFor(WAIT);
    await until('bridge session', () => rig.sessions.length > sessions);
    rig.reader.removeCard();
    const { copy } = await printedCopy();
    const [tag, claims, sig] = copy.payload.split('.') as [string, string, string];
    await scanner.device.present(`${tag}.${claims}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    const result = kiosk.locator('[data-testid="cert-scan"][data-outcome="certificateForged"]');
    await result.waitFor(WAIT);
    await expect(kiosk.getByTestId('cert-scan-verdict').innerText()).resolves.toContain('无法验证');
    await expect(kiosk.getByTestId('cert-scan-details').count()).resolves.toBe(0);
    await kiosk.screenshot({ path: path.join(screensDir, 'certificate-scan-forged.png') });
    await kiosk.getByTestId('cert-scan-back').click();
    await result.waitFor({ state: 'detached', ...WAIT });
    await kiosk.locator('[data-screen="greeting"]').waitFor(WAIT);
    expect(rig.sessions.length).toBe(sessions + 1);
    expect(rig.ended.length).toBe(ended);
    expect(rig.bridge.hall.sessions.activeCount).toBe(1);
  }, 300_000);
});
