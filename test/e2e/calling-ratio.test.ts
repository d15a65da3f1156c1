/**
 * The calling ratio in the order of calls on a scripted morning (README "Running the hall floor", calling rules), end
 * to end: the real bridge with the counter bus simulator's window 1 (category A) and the rule "one appointment after
 * every two other calls" (counterWorkflow.callingRules.categories.A.appointments { mode: ratio, every: 2 }). At 09:30
 * four walk-ins wait and then two citizens check in for the 09:00 slot. The clerk presses 呼叫 and 完成 six times on
 * the terminal: the numbers on its display come W W P W W P (strict priority would call both appointments first),
 * and the manager's dashboard in Chromium explains the appointments' calls ("why this ticket was called").
 * Screenshot: test/artifacts/screens/calling-ratio-dashboard.png.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import type { Citizen } from '../../device-bridge/src/hall/citizen.ts';
import { QueueService } from '../../device-bridge/src/hall/queue.ts';
import { TestClock } from '../../device-bridge/test/hall/fixture.ts';
import { SERVICE_A, startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { builtUi } from '../support/builtUi.ts';
import { staffLogin } from '../support/staffLogin.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const WAIT = { timeout: 60_000 };
// A Wednesday at 09:30 hall time: the 09:00 slot has started.
const clock = new TestClock('2026-11-25', '09:30');
const person = (n: number): Citizen => ({ number: `44010619900307${String(n).padStart(4, '0')}`, name: `n${n}`, birthDate: '1990-03-07' });

let bus: RunningSimulator<CounterBusSim>;
let rig: KioskRig;
let browser: Browser;

beforeAll(async () => {
  const simDir = await mkdtemp(path.join(tmpdir(), 'od-ratio-bus-'));
  bus = await startSimulator(new CounterBusSim({ id: 'ratio-e2e-counters', terminals: 1 }), { link: 'pty', baud: 9600, dir: simDir });
  rig = await startKioskRig({ uiDir: await builtUi(), screen: false, users: DEMO_USERS, hall: { clock },
    devices: [{ id: 'counters', kind: 'counterbus', path: bus.path!, options: { units: [1] } }],
    counterWorkflow: {
      windows: [{ window: 1, deviceId: 'counters', unit: 1, categories: ['A'] }],
      callingRules: { categories: { A: { appointments: { mode: 'ratio', every: 2 } } } },
    } });
  await until('terminal online', () => rig.bridge.devices.get('counters')?.status().terminals?.every((t) => t.state === 'online') === true, 60_000);
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await bus?.close();
}, 120_000);

describe('calling rules on a scripted morning', () => {
  it('one appointment after every two other calls, in the order of the numbers on the window\'s display', async () => {
    const store = rig.bridge.hall.store!;
    const queue = new QueueService(store, clock);
    const day = clock.today();
    const walkIns: string[] = [];
    for (let i = 1; i <= 4; i++) {
      walkIns.push((await queue.takeTicket(person(i), 'A')).number);
      clock.advance(60_000);
    }
    await store.ensureSlots([{ serviceId: SERVICE_A, day, start: '09:00', minutes: 30, capacity: 10 }]);
    const slot = (await store.listSlots(SERVICE_A, day)).find((s) => s.start === '09:00')!;
    const booked: string[] = [];
    for (let i = 11; i <= 12; i++) {
      const appt = await store.insertAppointment({ slotId: slot.id, holderNumber: person(i).number, createdAt: clock.now() });
      const { ticket } = await store.withTransaction((tx) => queue.issueIn(tx, { citizen: person(i), category: 'A', appointmentId: appt.id }));
      booked.push(ticket.number);
      clock.advance(60_000);
    }

    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await bus.device.press(1, 'callNext');
      await bus.device.waitFor(() => /^[A-Z]\d{3}$/.test(bus.device.terminal(1).display.trim()), () => `a number on window 1, shows "${bus.device.terminal(1).display}"`, 15_000);
      const shown = bus.device.terminal(1).display.trim();
      order.push(shown);
      await bus.device.press(1, 'finish');
      await until(`${shown} finished`, async () => (await store.listTickets(day)).find((t) => t.number === shown)?.status === 'done', 15_000);
      await bus.device.waitFor(() => bus.device.terminal(1).display.trim() !== shown, () => `window 1 cleared after ${shown}`, 15_000);
    }
    const kind = (n: string) => (booked.includes(n) ? 'P' : walkIns.includes(n) ? 'W' : '?');
    expect(order.map(kind).join('')).toBe('WWPWWP');
    expect(order.filter((n) => kind(n) === 'W')).toEqual(walkIns);

    // The manager sees why each ticket was called.
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    try {
      await staffLogin(page, `${rig.bridge.url}/hall`, 'manager', DEMO_PASSWORDS.manager);
      const reasons = page.getByTestId('call-reasons');
      await reasons.waitFor(WAIT);
      const row = reasons.locator('tbody tr', { hasText: booked[0] });
      expect(await row.innerText()).toMatch(/appointment: 2 others called since the last \(1:2\)/);
      await reasons.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screensDir, 'calling-ratio-dashboard.png') });
    } finally {
      await page.close();
    }
  }, 300_000);
});
