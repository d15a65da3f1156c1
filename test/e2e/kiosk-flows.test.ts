/**
 * The citizen flows in real Chromium against the real stack (hall-rules.md): the UI built with Vite
 * and served by the bridge, the bridge with the hall database on SQLite in a temp dir, the reader
 * and printer simulators on PTYs (socat). Cards are placed on the simulated reader; tickets and
 * copies come out of the simulated printer. Screenshots of every main screen in both orientations
 * go to test/artifacts/screens/kiosk-flow-*.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type Page } from 'playwright-core';
import { loadVectors } from '../../protocol/test/vectors.ts';
import { SEEDED_CARD, startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { launchChromium } from '../support/chromium.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
/** Waits in the browser: several processes on a loaded machine. */
const WAIT = { timeout: 60_000 };

/** zhang-sanfeng is the holder of the shared reader vector read_base_ok_resident (simulators/data/cards.json). */
const resident = loadVectors<{ read_base_ok_resident: { expect: { name: string; idNumber: string } } }>('id-reader')
  .read_base_ok_resident.expect;
const MASKED = `${resident.idNumber.slice(0, 4)}${'*'.repeat(resident.idNumber.length - 8)}${resident.idNumber.slice(-4)}`;

let distDir: string;
let rig: KioskRig;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  distDir = await builtUi();
  // The page in Chromium is the kiosk's screen; the rig records what the bridge sends it.
  rig = await startKioskRig({ uiDir: distDir, screen: false });
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (pages.length > 0) await pages.pop()!.close();
  rig.reader.removeCard();
});

afterAll(async () => {
  await browser?.close();
  await rig?.close();
}, 120_000);

async function openKiosk(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1 });
  pages.push(page);
  await page.goto(`${rig.bridge.url}/${query}`);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [orientation, size] of [['portrait', PORTRAIT], ['landscape', LANDSCAPE]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(screensDir, `kiosk-flow-${name}-${orientation}.png`) });
  }
  await page.setViewportSize(PORTRAIT);
}

async function domText(page: Page): Promise<string> {
  return (await page.content()) + (await page.locator('body').innerText());
}

/** Card on the reader -> greeting -> home menu, with the bridge session open. */
async function signIn(page: Page, key = SEEDED_CARD): Promise<void> {
  const sessions = rig.sessions.length;
  rig.reader.placeCard(key);
  await page.locator('[data-screen="greeting"]').waitFor(WAIT);
  await until('bridge session', () => rig.sessions.length > sessions);
  rig.reader.removeCard();
  await page.getByTestId('greeting-start').click();
  await page.locator('[data-screen="home"]').waitFor(WAIT);
}

async function open(page: Page, feature: string): Promise<void> {
  await page.getByTestId(`tile-${feature}`).click();
  await page.locator(`[data-feature="${feature}"]`).waitFor(WAIT);
}

describe('citizen flows through the real bridge and simulators', () => {
  it('card -> greeting; check in; take a ticket (printed with that number, the same number again); no full number in the page', async () => {
    const page = await openKiosk();
    await shoot(page, 'attract');
    rig.reader.placeCard(SEEDED_CARD);
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    await expect(page.getByTestId('holder-id').innerText()).resolves.toBe(MASKED);
    await shoot(page, 'greeting');
    rig.reader.removeCard();
    await page.getByTestId('greeting-start').click();
    await page.locator('[data-screen="home"]').waitFor(WAIT);
    await shoot(page, 'home');

    // Check-in first: the seeded appointment is today, now (inside the check-in window).
    await open(page, 'appointments');
    await page.getByTestId('check-in').first().waitFor(WAIT);
    await shoot(page, 'appointments');
    await page.getByTestId('check-in').first().click();
    const checkin = page.getByTestId('checkin-result');
    await checkin.waitFor(WAIT);
    const priorityNumber = await checkin.getByTestId('ticket-number').innerText();
    await page.locator('[data-testid="checkin-result"] [data-print="done"]').waitFor(WAIT);
    expect(rig.printer.tickets.some((p) => p.text.includes(`[4x4]${priorityNumber}`))).toBe(true);
    await shoot(page, 'checked-in');

    await page.getByTestId('nav-home').click();
    await open(page, 'ticket');
    await page.getByTestId('category-B').waitFor(WAIT);
    await shoot(page, 'ticket-categories');
    await page.getByTestId('category-B').click();
    const number = await page.getByTestId('ticket-number').innerText({ timeout: 60_000 });
    expect(number).toMatch(/^B\d{3}$/);
    await page.locator('[data-print="done"]').waitFor(WAIT);
    const printed = rig.printer.tickets.find((p) => p.text.includes(`[4x4]${number}`));
    expect(printed?.text).toContain('社保医保');
    await shoot(page, 'ticket');
    // Back goes to the menu; the same category again returns the same waiting number.
    await page.getByTestId('nav-back').click();
    await open(page, 'ticket');
    await page.getByTestId('category-B').click();
    await expect(page.getByTestId('ticket-number').innerText({ timeout: 60_000 })).resolves.toBe(number);
    const dom = await domText(page);
    expect(dom).not.toContain(resident.idNumber);
    expect(dom).not.toMatch(/\d{17}[\dX]/);
    await page.getByTestId('nav-logout').click();
    await page.locator('[data-screen="attract"]').waitFor(WAIT);
  }, 300_000);

  it('books an appointment (department -> service -> day -> slot) and cancels it', async () => {
    const page = await openKiosk();
    await signIn(page);
    await open(page, 'appointments');
    await page.getByTestId('book').click();
    await page.locator('[data-step="departments"] [data-testid^="department-"]').first().waitFor(WAIT);
    await shoot(page, 'book-departments');
    await page.locator('[data-testid^="department-"]').first().click();
    await page.locator('[data-testid^="service-"]').first().waitFor(WAIT);
    await page.locator('[data-testid^="service-"]').first().click();
    await page.locator('[data-testid^="day-"]').first().waitFor(WAIT);
    await shoot(page, 'book-days');
    // Back steps back inside the flow (to the services), not out of it.
    await page.getByTestId('nav-back').click();
    await page.locator('[data-step="services"]').waitFor(WAIT);
    await page.locator('[data-testid^="service-"]').first().click();
    await page.locator('[data-testid^="day-"]').first().click();
    await page.getByTestId('slot-09:00').waitFor(WAIT);
    await shoot(page, 'book-slots');
    await page.getByTestId('slot-09:00').click();
    const booked = page.getByTestId('booked');
    await booked.waitFor(WAIT);
    const id = await booked.getAttribute('data-id');
    await shoot(page, 'booked');
    await page.getByTestId('my-appointments').click();
    const item = page.locator(`[data-testid="appointment"][data-id="${id}"]`);
    await item.waitFor(WAIT);
    await item.getByTestId('cancel').click();
    await item.getByTestId('confirm-cancel').waitFor(WAIT);
    await shoot(page, 'cancel-confirm');
    await item.getByTestId('confirm-cancel').click();
    await page.locator(`[data-testid="appointment"][data-id="${id}"]`).waitFor({ state: 'detached', timeout: 60_000 });
    // A result of its own: 已取消 with what was cancelled, the number masked.
    const canceled = page.locator(`[data-testid="canceled"][data-id="${id}"]`);
    await canceled.waitFor(WAIT);
    await expect(canceled.innerText()).resolves.toContain('已取消');
    await expect(canceled.getByTestId('canceled-id').innerText()).resolves.toBe(MASKED);
    await shoot(page, 'canceled');
  }, 300_000);

  it('prints a certificate copy; its QR payload verifies at /verify, a tampered one is rejected', async () => {
    const page = await openKiosk();
    await signIn(page);
    await open(page, 'certificates');
    await page.getByTestId('certificate').first().waitFor(WAIT);
    await shoot(page, 'certificates');
    await page.getByTestId('certificate').first().click();
    await page.getByTestId('certificate-preview').waitFor(WAIT);
    await expect(page.getByTestId('certificate-preview').innerText()).resolves.toContain(MASKED);
    await shoot(page, 'certificate-preview');
    await page.getByTestId('print-copy').click();
    await page.locator('[data-testid="copy"] [data-print="done"]').waitFor(WAIT);
    await expect(page.getByTestId('statement').innerText()).resolves.toMatch(/^此件由.+提供，仅供办理政务服务事项时使用，有效期至\d{4}年\d{2}月\d{2}日$/);
    await shoot(page, 'certificate-printed');
    const identifier = (await page.getByTestId('certificate-preview').getAttribute('data-identifier'))!;
    const paper = rig.printer.tickets.find((p) => p.text.replace(/\n/g, '').includes(identifier))!;
    // The printed QR is the verification URL: a phone opens it as it is.
    const qr = /\[QR M4:([^\]]+)\]/.exec(paper.text)![1];
    const scanned = new URL(qr).searchParams.get('p')!;

    const verify = await browser.newPage({ viewport: { width: 430, height: 932 } });
    pages.push(verify);
    await verify.goto(qr);
    await verify.locator('[data-testid="verdict"][data-status="valid"]').waitFor(WAIT);
    await expect(verify.getByTestId('verdict').innerText()).resolves.toContain(identifier);
    await verify.screenshot({ path: path.join(screensDir, 'kiosk-flow-verify-valid.png') });

    const [tag, claims, sig] = scanned.split('.');
    const json = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { e: string };
    json.e = '2099-12-31';
    const tampered = `${tag}.${Buffer.from(JSON.stringify(json)).toString('base64url')}.${sig}`;
    await verify.getByTestId('verify-input').fill(tampered);
    await verify.getByTestId('verify-submit').click();
    await verify.locator('[data-testid="verdict"][data-status="forged"]').waitFor(WAIT);
    await verify.screenshot({ path: path.join(screensDir, 'kiosk-flow-verify-forged.png') });
  }, 300_000);

  it('progress and guidance: time-limit state in words, materials marked 免提交 with their source', async () => {
    const page = await openKiosk();
    await signIn(page);
    await open(page, 'progress');
    await page.getByTestId('application').first().waitFor(WAIT);
    await expect(page.getByTestId('time-limit').first().getAttribute('data-state')).resolves.toMatch(/^(onTime|yellow|red)$/);
    await shoot(page, 'progress');
    // English: the flow's own words switch too (the hall's data stays as the hall wrote it).
    await page.getByTestId('lang-switch').click();
    await page.locator('[data-feature="progress"] h1').filter({ hasText: 'Progress' }).waitFor(WAIT);
    await expect(page.getByTestId('time-limit').first().innerText()).resolves.toMatch(/On time|Due soon|Overdue/);
    await shoot(page, 'progress-en');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('nav-home').click();
    await open(page, 'guidance');
    await page.locator('[data-testid^="department-"]').first().click();
    await page.locator('[data-testid^="service-"]').first().click();
    await page.getByTestId('service-guide').waitFor(WAIT);
    await expect(page.locator('[data-testid="material"][data-exempt="1"]').first().innerText()).resolves.toContain('免提交');
    await shoot(page, 'guidance');
    await page.getByTestId('elderly-switch').click();
    await page.locator('[data-testid="kiosk"][data-elderly="1"]').waitFor();
    const sizes = await page.evaluate(() => ({
      main: parseFloat(getComputedStyle(document.querySelector('.main-text')!).fontSize),
      body: Math.min(...Array.from(document.querySelectorAll('.body-text')).map((e) => parseFloat(getComputedStyle(e).fontSize))),
      buttons: Math.min(...Array.from(document.querySelectorAll('button')).map((e) => e.getBoundingClientRect().height)),
    }));
    // hall-rules.md elderly mode: main >= 30 px, body >= 18 px, targets >= 60 px.
    expect(sizes.main).toBeGreaterThanOrEqual(30);
    expect(sizes.body).toBeGreaterThanOrEqual(18);
    expect(sizes.buttons).toBeGreaterThanOrEqual(60);
    await shoot(page, 'guidance-elderly');
  }, 300_000);

  it('an expired card is refused with the reason; no session starts', async () => {
    const page = await openKiosk();
    const sessions = rig.sessions.length;
    rig.reader.placeCard('li-xiaoming');
    await page.locator('[data-screen="cardError"]').waitFor(WAIT);
    await expect(page.locator('[data-screen="cardError"]').innerText()).resolves.toContain('过');
    await shoot(page, 'expired-card');
    expect(rig.sessions.length).toBe(sessions);
  }, 120_000);

  it('printer out of paper mid-ticket: the UI says so with the number on screen; after the refill the reprint arrives', async () => {
    const page = await openKiosk();
    await signIn(page, 'wei-xiulan');
    await open(page, 'ticket');
    await rig.printer.act('paper-length', { mm: 15 });
    await page.getByTestId('category-C').click();
    const number = await page.getByTestId('ticket-number').innerText({ timeout: 60_000 });
    await page.locator('[data-print="held"]').waitFor(WAIT);
    await expect(page.getByTestId('print-status').innerText()).resolves.toContain('缺纸');
    await shoot(page, 'ticket-paper-out');
    await rig.printer.act('paper-length', { mm: 'infinite' });
    await rig.printer.act('paper', { state: 'ok' });
    await page.locator('[data-print="reprinted"]').waitFor(WAIT);
    expect(rig.printer.tickets.some((p) => p.reprint && !p.interrupted && p.text.includes(`[4x4]${number}`))).toBe(true);
    await shoot(page, 'ticket-reprinted');
  }, 300_000);

  it('inactivity: countdown, then the attract screen with no personal data in the DOM, and the bridge session gone', async () => {
    const page = await openKiosk('?idleMs=8000&warnMs=4000');
    await signIn(page, 'wang-guifen');
    const token = rig.sessions[rig.sessions.length - 1].token;
    await open(page, 'certificates');
    await page.getByTestId('countdown').waitFor(WAIT);
    await shoot(page, 'countdown');
    await page.locator('[data-screen="attract"]').waitFor(WAIT);
    const dom = await domText(page);
    expect(dom).not.toContain('王桂芬');
    expect(dom).not.toContain('4401');
    await until('bridge session ended', () => rig.ended.find((e) => e.token === token), 60_000);
    expect(rig.bridge.hall.sessions.get(token)).toBeUndefined();
  }, 200_000);
});
