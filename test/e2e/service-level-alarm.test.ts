/**
 * A service-level alarm on the manager's dashboard in Chromium (README "Running the hall floor", service levels), on
 * the demo hall served by the real bridge: the hall sets a queue-length limit for category A (yellow 15, red 20
 * waiting). While the queue is within it the dashboard says so and has no service-level alert; when walk-ins fill the
 * queue past red, the alarm appears live on the page the manager is watching: the alert bar shows a critical
 * service-level alert naming category A and the measure, and the service-level table has the red row.
 * Screenshot: test/artifacts/screens/service-level-alarm.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { LANDSCAPE, WAIT, startDemoKiosk, type DemoKiosk } from './demoKiosk.ts';
import { staffLogin } from '../support/staffLogin.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const YELLOW = 15;
const RED = 20;

let kiosk: DemoKiosk;

beforeAll(async () => {
  kiosk = await startDemoKiosk({ users: DEMO_USERS,
    counterWorkflow: { serviceLevels: { categories: { A: { queueLength: { yellow: YELLOW, red: RED } } } } } });
  mkdirSync(screensDir, { recursive: true });
}, 400_000);

afterAll(async () => kiosk?.close(), 120_000);

describe('service levels on the dashboard in Chromium', () => {
  it('a queue past its red limit raises a critical service-level alert and a red row, live', async () => {
    const { bridge } = kiosk.rig;
    const store = bridge.hall.store!;
    const day = bridge.hall.clock.today();
    const waitingA = async () => (await store.listTickets(day, { status: 'waiting' })).filter((t) => t.category === 'A').length;
    expect(await waitingA()).toBeLessThan(YELLOW); // the demo morning starts within the limit

    const page = await kiosk.browser.newPage({ viewport: { width: LANDSCAPE.width, height: 1400 }, deviceScaleFactor: 1 });
    try {
      await staffLogin(page, `${bridge.url}/hall`, 'manager', DEMO_PASSWORDS.manager);
      await page.getByTestId('hall-dashboard').waitFor(WAIT);
      await page.getByTestId('service-levels-ok').waitFor(WAIT);
      expect(await page.locator('[data-testid="alert"][data-kind="serviceLevel"]').count()).toBe(0);

      while ((await waitingA()) < RED) await bridge.hall.queue!.takeTicket(null, 'A');

      const alert = page.locator('[data-testid="alert"][data-kind="serviceLevel"]');
      await alert.first().waitFor(WAIT);
      expect(await alert.count()).toBe(1);
      const text = await alert.innerText();
      expect(text).toContain('服务水平 / service level');
      expect(text).toContain('A 类 / category A');
      expect(text).toContain(`排队人数 / queue length ${RED} tickets (红 ≥ ${RED})`);
      expect(await alert.getAttribute('class')).toContain('critical');
      const row = page.locator('[data-testid="service-levels"] tr[data-state="red"]');
      await row.waitFor(WAIT);
      expect(await row.innerText()).toContain('A 类 / category A');
      await page.screenshot({ path: path.join(screensDir, 'service-level-alarm.png') });
    } finally {
      await page.close();
    }
  }, 300_000);
});
