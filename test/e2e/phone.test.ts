/**
 * The phone channel end to end in Chromium (README "The phone channel"): a citizen takes a ticket at the kiosk page
 * (card on the simulated reader, ticket out of the simulated printer); the QR on the kiosk screen, decoded from a
 * screenshot, is the URL on the printed ticket; that URL opens /m in a phone-sized page, which shows the ticket and
 * the people ahead; as the clerk at the simulated counter terminal calls and finishes the tickets ahead, the number
 * falls; when the clerk calls this ticket, the page shows "请到 1 号窗口" and vibrates (navigator.vibrate stubbed to
 * record the pattern: headless Chromium has no motor). A forged capability is refused in words.
 * The other direction (docs/mobile-codes.md): a mobile identity code presented to the simulated QR scanner signs the
 * citizen in at the kiosk page exactly as a card does; the same code again, an expired one, one signed by another key
 * and a code the kiosk does not read are refused on the screen in words, and start no session. The appointment
 * slip's check-in code on the scanner checks the appointment in and prints its ticket; the same code again is refused.
 * Screenshots: test/artifacts/screens/phone-*.png (360 x 740).
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type BrowserContext } from 'playwright-core';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { SEEDED_CARD, startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { QrScannerSim } from '../../simulators/src/qrscanner/index.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { signIdentityCode, type IdentityCodeClaims } from '../../device-bridge/src/hall/identityCode.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { launchChromium } from '../support/chromium.ts';

// jsqr is CommonJS with an ES-style default in its types: at run time the default import is the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const WAIT = { timeout: 60_000 };

let distDir: string;
let counters: RunningSimulator<CounterBusSim>;
let scanner: RunningSimulator<QrScannerSim>;
/** The identity code issuer (the phone app's platform) and a key nobody configured. */
const issuerKeys = generateKeyPairSync('ed25519');
const strangerKeys = generateKeyPairSync('ed25519');
let rig: KioskRig;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** Runs in the phone page before its scripts: records every vibration pattern the page asks for. */
function recordVibrations(): void {
  const w = window as unknown as { __vibrations: unknown[] };
  w.__vibrations = [];
  Object.defineProperty(navigator, 'vibrate', { configurable: true, value: (p: unknown) => (w.__vibrations.push(p), true) });
}

beforeAll(async () => {
  distDir = await builtUi();
  const simDir = await mkdtemp(path.join(tmpdir(), 'od-phone-bus-'));
  counters = await startSimulator(new CounterBusSim({ id: 'phone-e2e-counters', terminals: 1 }), { link: 'pty', baud: 9600, dir: simDir });
  // No 1 s guard against the same code held still: a replay here is a second presentation, which may come sooner.
  scanner = await startSimulator(new QrScannerSim({ id: 'phone-e2e-scanner', powerUpMs: 0, repeatGuardMs: 0 }), { link: 'pty', baud: 9600, dir: simDir });
  // The page in Chromium is the kiosk's screen; window 1 is the counter terminal, serving every category.
  rig = await startKioskRig({ uiDir: distDir, screen: false,
    identityIssuers: [{ id: 'yss', name: '粤省事', keyId: 'k1', publicKeyPem: issuerKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    devices: [
      { id: 'counters', kind: 'counterbus', path: counters.path!, options: { units: [1] } },
      { id: 'scanner', kind: 'qrscanner', path: scanner.path!, options: {} },
    ] });
  await until('scanner online', () => rig.bridge.devices.get('scanner')?.status().state === 'online', 60_000);
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (contexts.length > 0) await contexts.pop()!.close().catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await counters?.close();
  await scanner?.close();
}, 120_000);

async function newContext(opts: Parameters<Browser['newContext']>[0]): Promise<BrowserContext> {
  const c = await browser.newContext(opts);
  contexts.push(c);
  return c;
}

describe('the phone channel in Chromium', () => {
  it('kiosk ticket -> QR on screen and paper -> phone page: position falls as the clerk calls, then the call, with vibration', async () => {
    // Two people ahead in the same category.
    await rig.bridge.hall.queue!.takeTicket(null, 'A');
    await rig.bridge.hall.queue!.takeTicket(null, 'A');

    const kiosk = await (await newContext({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 1 })).newPage();
    await kiosk.goto(`${rig.bridge.url}/`);
    await kiosk.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
    const sessions = rig.sessions.length;
    rig.reader.placeCard(SEEDED_CARD);
    await kiosk.locator('[data-screen="greeting"]').waitFor(WAIT);
    await until('bridge session', () => rig.sessions.length > sessions);
    rig.reader.removeCard();
    await kiosk.getByTestId('greeting-start').click();
    await kiosk.getByTestId('tile-ticket').click();
    await kiosk.getByTestId('category-A').click();
    const number = await kiosk.getByTestId('ticket-number').innerText(WAIT);

    // The screen's QR, decoded from pixels, is the printed ticket's QR.
    const qrPng = PNG.sync.read(await kiosk.getByTestId('phone-qr').screenshot(WAIT));
    const onScreen = jsQR(new Uint8ClampedArray(qrPng.data), qrPng.width, qrPng.height)?.data;
    expect(onScreen).toMatch(new RegExp(`^${rig.bridge.url}/m#c=T1\\.`));
    const paper = await until('printed ticket', () => rig.printer.tickets.find((p) => p.text.includes(`[4x4]${number}`)));
    expect(/\[QR [^:\]]+:([^\]]+)\]/.exec(paper.text)?.[1]).toBe(onScreen);
    await kiosk.screenshot({ path: path.join(screensDir, 'phone-handoff-kiosk.png') });

    const phoneContext = await newContext(PHONE);
    await phoneContext.addInitScript(recordVibrations);
    const phone = await phoneContext.newPage();
    await phone.goto(onScreen!);
    await expect(phone.getByTestId('phone-number').innerText(WAIT)).resolves.toBe(number);
    await phone.locator('[data-testid="phone-ahead"]').getByText('2', { exact: true }).waitFor(WAIT);
    // Elderly-friendly: the number and the position are large.
    const numberPx = await phone.getByTestId('phone-number').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(numberPx).toBeGreaterThanOrEqual(48);
    // Nothing personal on the phone: the holder's masked number is not there either.
    expect(await phone.locator('body').innerText()).not.toMatch(/\d{4}\*+\d{3}[\dX]/);
    await phone.screenshot({ path: path.join(screensDir, 'phone-waiting.png') });

    await counters.device.press(1, 'callNext');
    await phone.locator('[data-testid="phone-ahead"]').getByText('1', { exact: true }).waitFor(WAIT);
    await counters.device.press(1, 'finish');
    await counters.device.press(1, 'callNext');
    await phone.locator('[data-testid="phone-ahead"]').getByText('0', { exact: true }).waitFor(WAIT);
    expect(await phone.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations)).toEqual([]);

    await counters.device.press(1, 'finish');
    await counters.device.press(1, 'callNext');
    const call = phone.getByTestId('phone-call');
    await call.getByText('请到 1 号窗口').waitFor(WAIT);
    await call.getByText(`请${number}号到1号窗口办理`).waitFor(WAIT);
    await phone.waitForFunction(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length >= 1, undefined, WAIT);
    expect(await phone.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations)).toEqual([[400, 200, 400, 200, 400]]);
    await phone.screenshot({ path: path.join(screensDir, 'phone-called.png') });

    // A recall is a new call: it vibrates once more; a reload shows the call without vibrating for it again.
    await counters.device.press(1, 'recall');
    await call.getByText('第 2 次呼叫').waitFor(WAIT);
    await phone.waitForFunction(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length >= 2, undefined, WAIT);
    await phone.reload();
    await phone.getByTestId('phone-call').getByText('请到 1 号窗口').waitFor(WAIT);
    expect(await phone.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations)).toEqual([]);

    // The same ticket with one character of its capability changed: refused, in words.
    const forged = onScreen!.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    const stranger = await phoneContext.newPage();
    await stranger.goto(forged);
    const refused = stranger.locator('[data-testid="phone-error"][data-code="unknown"]');
    await refused.waitFor(WAIT);
    await expect(refused.innerText()).resolves.toContain('找不到这张号票');
    expect(await stranger.locator('body').innerText()).not.toContain(number);
  }, 400_000);

  it('an identity code on the scanner signs in like a card; a used, expired, forged or unknown code is refused in words', async () => {
    const h = libraryHolder(SEEDED_CARD) as { idNumber: string; name: string; sex: string; birthDate: string; validFrom: string; validUntil: string };
    const ymd = (d: string) => d.replace(/-/g, '');
    const nowS = Math.floor(Date.now() / 1000);
    const claims = (over: Partial<IdentityCodeClaims> = {}): IdentityCodeClaims => ({
      iss: 'yss', kid: 'k1', iat: nowS - 2, exp: nowS + 58, jti: randomBytes(16).toString('base64url'),
      sub: { n: h.idNumber, nm: h.name, s: h.sex as '1', b: ymd(h.birthDate), f: ymd(h.validFrom), u: h.validUntil === '长期' ? '长期' : ymd(h.validUntil) },
      ...over,
    });
    const masked = `${h.idNumber.slice(0, 4)}${'*'.repeat(h.idNumber.length - 8)}${h.idNumber.slice(-4)}`;

    const kiosk = await (await newContext({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 1 })).newPage();
    await kiosk.goto(`${rig.bridge.url}/`);
    await kiosk.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);

    const code = signIdentityCode(claims(), issuerKeys.privateKey);
    const sessions = rig.sessions.length;
    await scanner.device.present(code);
    await kiosk.locator('[data-screen="greeting"]').waitFor(WAIT);
    await expect(kiosk.getByTestId('holder-id').innerText()).resolves.toBe(masked);
    await until('bridge session', () => rig.sessions.length > sessions);
    await kiosk.screenshot({ path: path.join(screensDir, 'phone-identity-signed-in.png') });
    await kiosk.getByTestId('nav-logout').click();
    await kiosk.locator('[data-screen="attract"]').waitFor(WAIT);
    // No card lies on the reader: no reminder to take one.
    expect(await kiosk.locator('body').innerText()).not.toContain('请取走您的身份证');
    const after = rig.sessions.length;

    const refused = async (text: string, outcome: string, words: string) => {
      await scanner.device.present(text);
      const notice = kiosk.locator(`[data-testid="scan-notice"][data-outcome="${outcome}"]`);
      await notice.waitFor(WAIT);
      await expect(notice.innerText()).resolves.toContain(words);
    };
    await refused(code, 'replayed', '已使用过');
    await refused(signIdentityCode(claims({ iat: nowS - 400, exp: nowS - 340 }), issuerKeys.privateKey), 'expired', '已过期');
    await refused(signIdentityCode(claims(), strangerKeys.privateKey), 'forged', '签名无效');
    await refused('https://example.com/not-a-hall-code', 'notIdentityCode', '无法识别此二维码');
    await kiosk.screenshot({ path: path.join(screensDir, 'phone-identity-refused.png') });
    await kiosk.locator('[data-screen="attract"]').waitFor(WAIT);
    expect(rig.sessions.length).toBe(after);
  }, 400_000);

  it('the appointment slip\'s code on the scanner checks in and prints the ticket; a second scan is refused in words', async () => {
    const h = libraryHolder(SEEDED_CARD) as { idNumber: string };
    const today = rig.bridge.hall.clock.today();
    const booked = (await rig.bridge.hall.store!.listAppointmentsOfHolder(h.idNumber, today)).find((a) => a.status === 'booked' && a.day === today);
    expect(booked).toBeDefined();
    // The code the slip prints as its QR (device-bridge/test/kiosk/kioskSite.test.ts checks the printed slip).
    const code = rig.bridge.phone!.appointmentCodes.issue({ id: booked!.id, day: booked!.day });

    const kiosk = await (await newContext({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 1 })).newPage();
    await kiosk.goto(`${rig.bridge.url}/`);
    await kiosk.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
    const before = rig.printer.tickets.length;
    await scanner.device.present(code);
    const done = kiosk.locator('[data-testid="scan-notice"][data-outcome="checkedIn"]');
    await done.waitFor(WAIT);
    const number = /号码是([A-Z]\d{3})/.exec(await done.innerText())?.[1];
    expect(number).toBeDefined();
    expect((await rig.bridge.hall.store!.getAppointment(booked!.id))?.status).toBe('checkedIn');
    await until('printed ticket', () => rig.printer.tickets.slice(before).find((p) => p.text.includes(`[4x4]${number}`)));
    await kiosk.screenshot({ path: path.join(screensDir, 'phone-appointment-checked-in.png') });

    await scanner.device.present(code);
    const again = kiosk.locator('[data-testid="scan-notice"][data-outcome="appointmentRefused"]');
    await again.waitFor(WAIT);
    await expect(again.innerText()).resolves.toContain('该预约已签到或已失效');
  }, 400_000);
});
