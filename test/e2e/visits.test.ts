/**
 * One visit, several windows (多窗联办; README "Running the hall floor", visits) end to end in Chromium: on the demo
 * hall's kiosk page a citizen chooses two services in order for one number (card on the simulated reader, ticket out
 * of the simulated printer listing both); the clerk at window 1 (category A, simulated counter terminal) calls and
 * finishes it; the phone page opened from the printed QR and the hall display then say where to go next; window 2
 * (category B) calls the same number, before the B tickets issued after it, and finishes it: the phone page says
 * done. Screenshots: test/artifacts/screens/visit-*.png.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallCallEvent } from '@onedoor/protocol';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { until } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { startDemoKiosk, WAIT, type DemoKiosk } from './demoKiosk.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/** A demo holder (simulators/data/cards.json). */
const CARD = 'ayiguli';

let counters: RunningSimulator<CounterBusSim>;
let kiosk: DemoKiosk;

beforeAll(async () => {
  const simDir = await mkdtemp(path.join(tmpdir(), 'od-visit-bus-'));
  counters = await startSimulator(new CounterBusSim({ id: 'visit-e2e-counters', terminals: 2 }), { link: 'pty', baud: 9600, dir: simDir });
  kiosk = await startDemoKiosk({
    devices: [{ id: 'counters', kind: 'counterbus', path: counters.path!, options: { units: [1, 2] } }],
    counterWorkflow: {
      windows: [
        { window: 1, deviceId: 'counters', unit: 1, categories: ['A'] },
        { window: 2, deviceId: 'counters', unit: 2, categories: ['B'] },
      ],
    },
  });
  mkdirSync(screensDir, { recursive: true });
}, 400_000);

afterAll(async () => {
  await kiosk?.close();
  await counters?.close();
}, 120_000);

describe('a visit of two services in Chromium', () => {
  it('moves window to window with one number; the phone page and the display say where to go next', async () => {
    const { rig } = kiosk;
    const workflow = rig.bridge.counters.workflow;
    const calls: HallCallEvent[] = [];
    workflow.events.on('call', (c) => calls.push(c));
    /** Presses callNext at `unit` (finishing tickets of others) until `number` is called there; the numbers called. */
    const callUntil = async (unit: number, number: string): Promise<string[]> => {
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        const before = calls.length;
        await counters.device.press(unit, 'callNext');
        const call = await until(`a call at window ${unit}`, () => calls.slice(before).find((c) => c.window === unit));
        seen.push(call.ticketNumber);
        if (call.ticketNumber === number) return seen;
        const applied = calls.length;
        await counters.device.press(unit, 'finish');
        await until('finish applied', async () => (await workflow.board()).windows.find((w) => w.window === unit)?.state === 'idle' || calls.length > applied);
      }
      throw new Error(`${number} was not called at window ${unit}`);
    };

    const page = await kiosk.signIn('normal', CARD);
    await page.getByTestId('greeting-start').click();
    await page.getByTestId('tile-ticket').click();
    await page.getByTestId('visit-start').click();
    await page.getByTestId('category-A').click();
    await page.getByTestId('category-B').click();
    await expect(page.getByTestId('category-B').innerText()).resolves.toContain('第 2 项');
    await page.screenshot({ path: path.join(screensDir, 'visit-choose.png') });
    await page.getByTestId('visit-take').click();
    const number = await page.getByTestId('ticket-number').innerText(WAIT);
    expect(number).toMatch(/^A\d{3}$/);
    const steps = await page.getByTestId('ticket-visit').locator('li').allInnerTexts();
    expect(steps).toHaveLength(2);
    await page.screenshot({ path: path.join(screensDir, 'visit-ticket.png') });
    // The printed ticket lists the two services in order under its number.
    const paper = await until('printed ticket', () => rig.printer.tickets.find((p) => p.text.includes(`[4x4]${number}`)));
    expect(paper.text).toContain('本号办理以下业务');
    const phoneUrl = /\[QR [^:\]]+:([^\]]+)\]/.exec(paper.text)?.[1];
    expect(phoneUrl).toMatch(/\/m#c=/);
    // A B ticket issued after the visit: window 2 calls the visit first.
    const laterB = await rig.bridge.hall.queue!.takeTicket(null, 'B');

    const phoneContext = await page.context().browser()!.newContext(PHONE);
    try {
      const phone = await phoneContext.newPage();
      await phone.goto(phoneUrl!);
      await expect(phone.getByTestId('phone-number').innerText(WAIT)).resolves.toBe(number);
      await expect(phone.getByTestId('phone-steps').locator('li').count()).resolves.toBe(2);

      await callUntil(1, number);
      await phone.getByTestId('phone-call').getByText('请到 1 号窗口').waitFor(WAIT);
      await counters.device.press(1, 'start');
      await counters.device.press(1, 'finish');
      const next = phone.getByTestId('phone-next');
      await next.getByText(/^下一步：请到 .+ 等候 \(第 2\/2 项\)$/).waitFor(WAIT);
      await phone.getByTestId('phone-waiting').waitFor(WAIT);
      await phone.screenshot({ path: path.join(screensDir, 'visit-phone-next.png') });
      // The hall display's latest calls say it too.
      const display = await phoneContext.newPage();
      await display.setViewportSize({ width: 1920, height: 1080 });
      await display.goto(`${rig.bridge.url}/display`);
      await display.getByTestId('display-call-next').getByText(/下一步：请到 .+ 等候 \(第 2\/2 项\)/).waitFor(WAIT);
      await display.screenshot({ path: path.join(screensDir, 'visit-display.png') });

      const atWindow2 = await callUntil(2, number);
      expect(atWindow2).not.toContain(laterB.number);
      expect(calls.filter((c) => c.ticketNumber === number).map((c) => [c.window, c.text]))
        .toEqual([[1, `请${number}号到1号窗口办理`], [2, `请${number}号到2号窗口办理`]]);
      await phone.getByTestId('phone-call').getByText('请到 2 号窗口').waitFor(WAIT);
      await counters.device.press(2, 'finish');
      await phone.getByTestId('phone-done').waitFor(WAIT);
      const ticket = (await rig.bridge.hall.store!.listTickets(rig.bridge.hall.clock.today())).find((t) => t.number === number)!;
      expect(ticket.status).toBe('done');
      expect((await rig.bridge.hall.store!.listVisitSteps(ticket.id)).map((s) => [s.state, s.window])).toEqual([['done', 1], ['done', 2]]);
    } finally {
      await phoneContext.close();
    }
  }, 400_000);
});
