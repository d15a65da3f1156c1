/**
 * Day boundaries and abuse limits in real Chromium (README "Running the hall floor"), on the demo hall served by the
 * real bridge and simulators: a manager logged in on /hall pauses intake with a message; the kiosk then shows that
 * message and no take-ticket (category) button, the hall display and a waiting citizen's phone page show it too; resume brings the buttons back. The demo holder already holds an
 * open appointment and the hall allows one (config personLimits.openAppointments = 1): a booking at the kiosk is
 * refused with the reason, and the refusal is counted on the dashboard. Screenshots:
 * test/artifacts/screens/daybound-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { capabilityKeyOf, TicketCapabilities } from '../../device-bridge/src/hall/ticketCapability.ts';
import { DEFAULT_HALL_ID } from '../../device-bridge/src/store/hallScope.ts';
import { LANDSCAPE, PORTRAIT, WAIT, startDemoKiosk, type DemoKiosk } from './demoKiosk.ts';
import { staffLogin } from '../support/staffLogin.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const CARD = 'ayiguli';
const PAUSE_TEXT = '系统维护，暂停取号，请到咨询台';

let kiosk: DemoKiosk;
const staffPages: Page[] = [];

beforeAll(async () => {
  kiosk = await startDemoKiosk({ users: DEMO_USERS, hall: { personLimits: { openAppointments: 1 } } });
  mkdirSync(screensDir, { recursive: true });
}, 400_000);

afterEach(async () => {
  while (staffPages.length > 0) await staffPages.pop()!.close();
  await kiosk?.closePages();
});

afterAll(async () => kiosk?.close(), 120_000);

async function managerDashboard(): Promise<Page> {
  const page = await kiosk.browser.newPage({ viewport: { width: LANDSCAPE.width, height: 1400 }, deviceScaleFactor: 1 });
  staffPages.push(page);
  await staffLogin(page, `${kiosk.rig.bridge.url}/hall`, 'manager', DEMO_PASSWORDS.manager);
  await page.getByTestId('hall-dashboard').waitFor(WAIT);
  await page.getByTestId('intake').waitFor(WAIT);
  return page;
}

async function signedIn(): Promise<Page> {
  const page = await kiosk.signIn('normal', CARD, PORTRAIT);
  await page.getByTestId('greeting-start').click();
  await page.locator('[data-screen="home"]').waitFor(WAIT);
  return page;
}

async function openFeature(page: Page, feature: string): Promise<void> {
  await page.getByTestId(`tile-${feature}`).click();
  await page.locator(`[data-feature="${feature}"]`).waitFor(WAIT);
}

const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(screensDir, `daybound-${name}.png`), fullPage: true });

describe('day boundaries and abuse limits on the kiosk and the dashboard', () => {
  it('a manager pauses intake: the kiosk shows the message instead of the take-ticket buttons; resume brings them back', async () => {
    // Somebody already waiting follows their ticket on the phone page.
    const ticket = await kiosk.rig.bridge.hall.queue!.takeTicket(null, 'A');
    const capability = new TicketCapabilities(capabilityKeyOf(kiosk.rig.bridge.hall.keys), DEFAULT_HALL_ID).issue(ticket);
    const phone = await kiosk.browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    staffPages.push(phone);
    await phone.goto(`${kiosk.rig.bridge.url}/m#c=${capability}`);
    await phone.getByTestId('phone-number').waitFor(WAIT);
    await expect(phone.getByTestId('phone-intake').count()).resolves.toBe(0);

    const hall = await managerDashboard();
    await expect(hall.getByTestId('intake').getAttribute('data-mode')).resolves.toBe('open');
    await hall.getByTestId('intake-text').fill(PAUSE_TEXT);
    await hall.getByTestId('intake-pause').click();
    await hall.locator('[data-testid="intake"][data-mode="paused"]').waitFor(WAIT);
    await expect(hall.getByTestId('intake-message').innerText()).resolves.toContain(PAUSE_TEXT);
    await shoot(hall, 'dashboard-paused');

    const page = await signedIn();
    await page.getByTestId('intake-notice').waitFor(WAIT);
    await shoot(page, 'kiosk-home-paused');
    await openFeature(page, 'ticket');
    const notice = page.locator('[data-feature="ticket"] [data-testid="intake-notice"]');
    await notice.waitFor(WAIT);
    await expect(notice.innerText()).resolves.toContain(PAUSE_TEXT);
    await expect(page.locator('[data-testid^="category-"]').count()).resolves.toBe(0);
    await shoot(page, 'kiosk-paused');
    // The hall screen says it to everyone waiting.
    const display = await kiosk.browser.newPage({ viewport: LANDSCAPE, deviceScaleFactor: 1 });
    staffPages.push(display);
    await display.goto(`${kiosk.rig.bridge.url}/display`);
    await expect(display.getByTestId('display-intake').innerText(WAIT)).resolves.toContain(PAUSE_TEXT);
    // And the phone page, in a small banner above the ticket's state.
    await expect(phone.getByTestId('phone-intake').innerText(WAIT)).resolves.toContain(PAUSE_TEXT);
    await shoot(phone, 'phone-paused');

    await hall.getByTestId('intake-resume').click();
    await hall.locator('[data-testid="intake"][data-mode="open"]').waitFor(WAIT);
    await page.getByTestId('category-A').waitFor(WAIT);
    await expect(page.getByTestId('intake-notice').count()).resolves.toBe(0);
  }, 300_000);

  it('a booking over the open-appointment limit is refused with the reason and counted on the dashboard', async () => {
    const hall = await managerDashboard();
    await expect(hall.getByTestId('refusals-openAppointments').count()).resolves.toBe(0);
    const page = await signedIn();
    await openFeature(page, 'appointments');
    await page.getByTestId('book').click();
    await page.locator('[data-testid^="department-"]').first().click();
    await page.locator('[data-testid^="service-"]').first().click();
    await page.locator('[data-testid^="day-"]').first().click();
    await page.getByTestId('slot-09:00').click();
    const failure = page.locator('[data-testid="flow-failure"][data-refusal="personLimit"]');
    await failure.waitFor(WAIT);
    await expect(failure.innerText()).resolves.toMatch(/上限.*取消后可再预约/s);
    await shoot(page, 'kiosk-refused');
    const count = hall.locator('[data-testid="refusals-openAppointments"][data-count="1"]');
    await count.waitFor(WAIT);
    await shoot(hall, 'dashboard-refusals');
  }, 300_000);
});
