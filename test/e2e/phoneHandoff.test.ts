/**
 * One authentication across channels, end to end in Chromium (README "The phone channel"): a citizen signs in at the
 * kiosk page with the card, taps "在手机上继续", and the QR on the kiosk screen (decoded from a screenshot) opens /m on
 * a 360 px phone already signed in; the kiosk session ends and the phone carries on. On the phone the citizen books a
 * slot for the next working day, shows its check-in code, and shows the mobile identity code: that code, decoded from
 * the phone's screen and presented to the simulated QR scanner, signs the citizen in at the kiosk. On the appointment's
 * day (the hall clock moved), the check-in code from the phone's screen on the scanner checks the appointment in and
 * prints its ticket. The hand-off QR scanned a second time is refused in words. 退出登录 signs the phone out.
 * Screenshots: test/artifacts/screens/phone-me-*.png (360 x 740), phone-continue-kiosk.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SEEDED_CARD, SERVICE_A, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { libraryHolder, TestClock } from '../../device-bridge/test/hall/fixture.ts';
import { qrText } from './qrText.ts';
import { startScannerKiosk, type ScannerKiosk } from './scannerKiosk.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const WAIT = { timeout: 60_000 };
// A Wednesday at 09:30 hall time: a working day with the next one bookable.
const clock = new TestClock('2026-11-25', '09:30');

let scanKiosk: ScannerKiosk;
let scanner: ScannerKiosk['scanner'];
let rig: KioskRig;
let browser: Browser;

beforeAll(async () => {
  scanKiosk = await startScannerKiosk('handoff', { clock });
  ({ rig, scanner, browser } = scanKiosk);
  mkdirSync(screensDir, { recursive: true });
}, 400_000);

afterAll(async () => {
  await scanKiosk?.close();
}, 120_000);

const kioskPage = (): Promise<Page> => scanKiosk.kioskPage();

describe('kiosk -> phone -> kiosk in Chromium', () => {
  it('hands off, books on the phone, signs in at the kiosk with the phone\'s identity code, checks in with its appointment code', async () => {
    const kiosk = await kioskPage();
    const sessions = rig.sessions.length;
    rig.reader.placeCard(SEEDED_CARD);
    await kiosk.locator('[data-screen="greeting"]').waitFor(WAIT);
    await until('bridge session', () => rig.sessions.length > sessions);
    rig.reader.removeCard();
    await kiosk.getByTestId('greeting-start').click();

    // 在手机上继续: the one-time QR over the kiosk screen.
    await kiosk.getByTestId('nav-phone').click();
    const handoffUrl = await qrText(kiosk.getByTestId('phone-continue-qr'));
    expect(handoffUrl).toMatch(new RegExp(`^${rig.bridge.url}/m#h=H1\\.`));
    await kiosk.screenshot({ path: path.join(screensDir, 'phone-continue-kiosk.png') });

    const phone = await (await browser.newContext(PHONE)).newPage();
    await phone.goto(handoffUrl);
    await phone.getByTestId('phone-me').waitFor(WAIT);
    // The token left the address bar; only the masked name and number are shown.
    expect(new URL(phone.url()).hash).toBe('#me');
    const who = phone.locator('[data-testid="me-who"]', { hasText: /\d{4}\*+\d{3}[\dX]/ });
    await who.waitFor(WAIT);
    await expect(who.innerText()).resolves.toMatch(/^\S*\*\S* \d{4}\*+\d{3}[\dX]$/);
    await phone.getByTestId('me-tickets').waitFor(WAIT);
    await phone.screenshot({ path: path.join(screensDir, 'phone-me-home.png') });

    // The kiosk session ends; the phone session lives on its own.
    await kiosk.getByTestId('phone-continue-close').click();
    await kiosk.getByTestId('nav-logout').click();
    await kiosk.locator('[data-screen="attract"]').waitFor(WAIT);

    // The same hand-off again, on another phone: refused in words.
    const other = await (await browser.newContext(PHONE)).newPage();
    await other.goto(handoffUrl);
    const used = other.locator('[data-testid="phone-error"][data-code="handoffUsed"]');
    await used.waitFor(WAIT);
    await expect(used.innerText()).resolves.toContain('只能用一次');

    // Book the next working day's first slot of SERVICE_A on the phone.
    await phone.getByTestId('me-tab-appointments').click();
    await phone.getByTestId('me-book').waitFor(WAIT);
    await phone.getByTestId('me-book-service').selectOption(SERVICE_A);
    const day = '2026-11-26';
    await phone.getByTestId('me-book-day').selectOption(day);
    await phone.getByTestId('me-book-look').click();
    const slot = phone.getByTestId('me-book-slot').first();
    const start = (await slot.innerText(WAIT)).slice(0, 5);
    await slot.click();
    await phone.getByTestId('me-appointment-note').getByText('预约成功').waitFor(WAIT);
    // Booked through the kiosk's service: in the same store, where the kiosk's check-in and the counter look.
    const { idNumber } = libraryHolder(SEEDED_CARD) as { idNumber: string };
    const stored = await rig.bridge.hall.store!.listAppointmentsOfHolder(idNumber, day);
    expect(stored.filter((a) => a.day === day && a.status === 'booked')).toHaveLength(1);
    const row = phone.getByTestId('me-appointment').filter({ hasText: `${day} ${start}` });
    await row.getByTestId('me-appointment-code-show').click();
    const appointmentCode = await qrText(row.getByTestId('me-appointment-code'));
    expect(appointmentCode).toMatch(/^A1\./);
    await phone.screenshot({ path: path.join(screensDir, 'phone-me-appointments.png'), fullPage: true });

    // The phone's identity code on the kiosk's scanner signs in like the card.
    await phone.getByTestId('me-tab-identity').click();
    await phone.getByTestId('me-identity-show').click();
    const identity = await qrText(phone.getByTestId('me-identity-qr'));
    expect(identity).toMatch(/^ODI1\./);
    await phone.screenshot({ path: path.join(screensDir, 'phone-me-identity.png') });
    const before = rig.sessions.length;
    await scanner.device.present(identity);
    await kiosk.locator('[data-screen="greeting"]').waitFor(WAIT);
    await until('bridge session by identity code', () => rig.sessions.length > before);
    await kiosk.screenshot({ path: path.join(screensDir, 'phone-me-kiosk-signed-in.png') });
    await kiosk.getByTestId('nav-logout').click();
    await kiosk.locator('[data-screen="attract"]').waitFor(WAIT);

    // 退出登录 on the phone: the page is signed out and keeps no token (the route test sees the store row go).
    const token = await phone.evaluate(() => sessionStorage.getItem('onedoor-phone-session'));
    await phone.getByTestId('me-logout').click();
    await phone.getByTestId('phone-error').waitFor(WAIT);
    expect(await phone.evaluate(() => sessionStorage.length)).toBe(0);
    const after = await fetch(`${rig.bridge.url}/api/m/me`, { headers: { authorization: `Bearer ${token!}` } });
    expect(after.status).toBe(401);

    // The appointment's day and time: its check-in code from the phone checks in at the kiosk and prints the ticket.
    clock.set(day, start);
    const printed = rig.printer.tickets.length;
    await scanner.device.present(appointmentCode);
    const done = kiosk.locator('[data-testid="scan-notice"][data-outcome="checkedIn"]');
    await done.waitFor(WAIT);
    const number = /号码是([A-Z]\d{3})/.exec(await done.innerText())?.[1];
    expect(number).toBeDefined();
    await until('printed ticket', () => rig.printer.tickets.slice(printed).find((p) => p.text.includes(`[4x4]${number}`)));
  }, 400_000);
});
