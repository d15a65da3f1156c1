/**
 * Collecting a finished result at the counter (README "Collecting results (领取结果)"), end to end on the demo hall:
 * the citizen's card on the kiosk's reader, the progress screen in Chromium shows 领取结果 on the 办结 application,
 * the pickup ticket is issued in the pickup category and printed by the printer simulator, the counter bus
 * simulator's window 1 calls it before the walk-ins that waited longer and finishes it, and the hall records the
 * result collected at window 1 with the time. A second citizen takes the electronic way: the certificate is in their
 * list at once. A third posts it: the address of an earlier form is offered with one tap, the posting slip is printed
 * with the phone masked, and the manager's dashboard lists the parcel until it is marked posted. Screenshots: SCREENSHOTS_DIR (default test/artifacts/screens/results).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { until } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../device-bridge/src/auth/demoUsers.ts';
import { startDemoKiosk, WAIT, type DemoKiosk } from './demoKiosk.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const screensDir = process.env.SCREENSHOTS_DIR ?? path.resolve(import.meta.dirname, '../artifacts/screens/results');
let kiosk: DemoKiosk;
let bus: RunningSimulator<CounterBusSim>;

beforeAll(async () => {
  mkdirSync(screensDir, { recursive: true });
  bus = await startSimulator(new CounterBusSim({ id: 'result-counters', terminals: 2 }), { link: 'pty', baud: 9600 });
  kiosk = await startDemoKiosk({ devices: [{ id: 'counters', kind: 'counterbus', path: bus.path!, options: { units: [1, 2] } }],
    users: [...DEMO_USERS] });
  await until('terminals online', () => kiosk.rig.bridge.devices.get('counters')?.status().terminals?.every((t) => t.state === 'online') === true, 60_000);
}, 400_000);

afterAll(async () => {
  await kiosk?.close();
  await bus?.close();
});

async function openProgress(page: Page): Promise<void> {
  await page.getByTestId('greeting-start').click();
  await page.locator('[data-screen="home"]').waitFor(WAIT);
  await page.getByTestId('tile-progress').click();
  await page.locator('[data-feature="progress"]').waitFor(WAIT);
}

/** The 办结 application whose result waits (the demo gives every holder one). */
async function finished(page: Page) {
  const button = page.getByTestId('collect-result').first();
  await button.waitFor(WAIT);
  const serial = (await page.locator('[data-testid="application"]', { has: button }).first().getAttribute('data-serial'))!;
  // By serial: the button is gone once tapped.
  return { item: page.locator(`[data-testid="application"][data-serial="${serial}"]`), serial };
}

describe('result pickup: kiosk -> pickup ticket -> window', () => {
  it('a 办结 application: the pickup ticket is printed, window 1 calls it first, finishing records it collected at window 1', async () => {
    const { rig } = kiosk;
    const store = rig.bridge.hall.store!;
    const page = await kiosk.signIn('normal', 'zhang-sanfeng');
    await openProgress(page);
    const { item, serial } = await finished(page);
    expect((await store.getApplication(serial))?.status).toBe('done');
    await item.getByTestId('collect-result').click();
    await item.getByTestId('result-choices').waitFor(WAIT);
    await page.screenshot({ path: path.join(screensDir, 'result-choices.png') });
    const printed = rig.printer.tickets.length;
    await item.getByTestId('collect-counter').click();
    const card = item.getByTestId('ticket-card');
    await card.waitFor(WAIT);
    const number = (await card.getAttribute('data-number'))!;
    expect(number).toMatch(/^R\d{3}$/);
    await page.screenshot({ path: path.join(screensDir, 'result-pickup-ticket.png') });
    expect(await page.content()).not.toContain(citizenFromHolder(libraryHolder('zhang-sanfeng')).number);
    await until('pickup ticket printed', () => rig.printer.tickets.slice(printed).some((t) => t.text.includes(number)), 30_000);

    // The demo's walk-ins (A, B) waited longer; window 1 calls the pickup ticket first, then finishes it.
    await bus.device.press(1, 'callNext');
    await bus.device.expectDisplay(1, number, 15_000);
    await bus.device.press(1, 'finish');
    await until('result collected', async () => (await store.getResultCollection(serial))?.state === 'collected', 30_000);
    const rec = (await store.getResultCollection(serial))!;
    expect(rec).toMatchObject({ mode: 'counter', window: 1, finishedBy: 'counter' });
    expect(rec.finishedAt).toBeGreaterThan(rec.chosenAt);
    await kiosk.closePages();
  }, 240_000);

  it('the electronic way adds the item\'s certificate to the citizen\'s list', async () => {
    const { rig } = kiosk;
    const store = rig.bridge.hall.store!;
    const citizen = citizenFromHolder(libraryHolder('wang-guifen'));
    // The item of this citizen's finished application issues a certificate (catalogue resultCollection / resultCertificate).
    const app = (await store.listApplicationsOfApplicant(citizen.number)).find((a) => a.status === 'done')!;
    const service = (await store.getServiceItem(app.serviceId))!;
    await store.upsertServiceItem({ ...service, resultCollection: ['electronic', 'counter'],
      resultCertificate: { typeName: '测试电子证照', typeCode: '11100000000013338W099', issuerName: '测试发证机关', issuerCode: '11440100MB2C12345X' } },
    await store.listMaterials(service.id));
    const before = (await rig.bridge.hall.certificates!.list(citizen)).length;
    const page = await kiosk.signIn('normal', 'wang-guifen');
    await openProgress(page);
    const item = page.locator(`[data-testid="application"][data-serial="${app.serial}"]`);
    await item.getByTestId('collect-result').click();
    await item.getByTestId('collect-electronic').click();
    await item.getByTestId('result-certificate').waitFor(WAIT);
    expect(await item.getByTestId('result-certificate').innerText()).toContain('测试电子证照');
    await page.screenshot({ path: path.join(screensDir, 'result-electronic.png') });
    expect((await store.getResultCollection(app.serial))?.state).toBe('issued');
    const after = await rig.bridge.hall.certificates!.list(citizen);
    expect(after).toHaveLength(before + 1);
    expect(after.map((c) => c.typeName)).toContain('测试电子证照');
    await kiosk.closePages();
  }, 240_000);
  it('post: the earlier address in one tap, the slip printed; the manager lists the parcel and marks it posted', async () => {
    const { rig } = kiosk;
    const store = rig.bridge.hall.store!;
    const citizen = citizenFromHolder(libraryHolder('liu-shuzhen'));
    const app = (await store.listApplicationsOfApplicant(citizen.number)).find((a) => a.status === 'done')!;
    const service = (await store.getServiceItem(app.serviceId))!;
    await store.upsertServiceItem({ ...service, resultCollection: ['counter', 'post'] }, await store.listMaterials(service.id));
    // An earlier kiosk form of this citizen with an address and a phone (README "Applying at the kiosk").
    await store.insertIntake({ serial: 'GD20261001000099', hallId: store.hallId, requestId: 'earlier', kioskId: 'kiosk-1', serviceId: 'D35-02',
      applicantNumber: citizen.number, state: 'accepted', form: { address: '广州市天河区体育西路100号', phone: '13800138000' }, materials: [],
      commitmentReview: false, submittedAt: Date.parse('2026-10-01T02:00:00Z'), submittedDay: '2026-10-01', decidedAt: null, decidedBy: null, reason: null });
    const page = await kiosk.signIn('normal', 'liu-shuzhen');
    await openProgress(page);
    const item = page.locator(`[data-testid="application"][data-serial="${app.serial}"]`);
    await item.getByTestId('collect-result').click();
    await item.getByTestId('collect-post').click();
    await item.getByTestId('post-address').waitFor(WAIT);
    expect(await item.getByTestId('post-address').inputValue()).toBe('广州市天河区体育西路100号');
    await item.getByTestId('post-address').fill('广州市天河区');
    await item.getByTestId('reuse-address').click();
    expect(await item.getByTestId('post-address').inputValue()).toBe('广州市天河区体育西路100号');
    await item.getByTestId('post-address').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screensDir, 'result-post-form.png') });
    const printed = rig.printer.tickets.length;
    await item.getByTestId('confirm-post').click();
    await item.locator('[data-testid="result-collected"][data-state="waiting"]').waitFor(WAIT);
    await until('posting slip printed', () => rig.printer.tickets.slice(printed).some((t) => t.text.includes('邮寄回执')), 30_000);
    const slip = rig.printer.tickets.slice(printed).find((t) => t.text.includes('邮寄回执'))!.text;
    expect(slip).toContain('邮寄地址：广州市天河区体育西路100号');
    expect(slip).toContain('联系电话：138****8000');
    expect(slip).not.toContain(citizen.number);
    await kiosk.closePages();

    const browserPage = await launchChromium();
    try {
      const dash = await browserPage.newPage({ viewport: { width: 1280, height: 1400 } });
      await staffLogin(dash, `${rig.bridge.url}/hall`, 'manager', DEMO_PASSWORDS.manager);
      const row = dash.locator(`[data-testid="parcels"] tr[data-serial="${app.serial}"]`);
      await row.waitFor(WAIT);
      expect(await row.innerText()).toContain('广州市天河区体育西路100号');
      expect(await dash.getByTestId('uncollected').locator('tr[data-serial]').count()).toBeGreaterThan(0);
      await dash.getByTestId('results').scrollIntoViewIfNeeded();
      await dash.screenshot({ path: path.join(screensDir, 'result-dashboard.png') });
      await row.getByTestId('mark-posted').click();
      await until('parcel posted', async () => (await store.getResultCollection(app.serial))?.state === 'posted', 30_000);
      await row.waitFor({ state: 'detached', timeout: 30_000 });
    } finally {
      await browserPage.close();
    }
  }, 240_000);
});
