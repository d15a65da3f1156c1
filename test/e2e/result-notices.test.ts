/**
 * Result notices end to end in Chromium (README "Result notices (结果反馈)"): the demo hall with the "file" gateway;
 * the citizen first continues on the phone (hand-off QR on the kiosk screen, README "The phone channel"); a clerk finds the citizen's application (in 审查) on the counter page and moves it to 决定 and then 办结; the outbox
 * table has the notice and the dispatcher writes it to the outbox file (masked); the phone page lists it under 进度; at the citizen's next card read the
 * kiosk shows (elderly mode: large targets and text) "已办结，可领取" with 知道了; acknowledged, it is read at the hall and not shown at the card read after.
 * Screenshots go to test/artifacts/screens/result-notices-*.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { DayBoundaries } from '../../device-bridge/src/hall/dayBoundaries.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { until } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { startDemoKiosk, WAIT, type DemoKiosk } from './demoKiosk.ts';
import { qrText } from './qrText.ts';
import { gridProblems, smallestText } from './kioskGrid.ts';
import { staffLogin } from '../support/staffLogin.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const CARD = 'zhang-sanfeng';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let kiosk: DemoKiosk;

beforeAll(async () => {
  kiosk = await startDemoKiosk({ users: DEMO_USERS, notifications: { gateway: 'file', everySeconds: 1 } });
  mkdirSync(screensDir, { recursive: true });
}, 400_000);

afterAll(async () => {
  await kiosk?.close();
}, 120_000);

describe('result notices', () => {
  it('the clerk moves an application to 办结 on the counter page -> outbox row and file -> the next card read shows 已办结', async () => {
    const { rig } = kiosk;
    const store = rig.bridge.hall.store!;
    const zhang = citizenFromHolder(libraryHolder(CARD));
    // The demo holder's application in 审查 (device-bridge/src/demo/demoData.ts).
    const inReview = (await store.listApplicationsOfApplicant(zhang.number)).find((a) => a.status === 'review')!;
    expect(inReview).toBeDefined();
    const serviceName = (await store.getServiceItem(inReview.serviceId))!.name;
    // The demo's history is told already: nothing unread before the clerk acts.
    expect(await store.listNotices({ holderNumber: zhang.number, unreadOnly: true })).toEqual([]);

    const page = await kiosk.signIn('normal', CARD);
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    expect(await page.getByTestId('result-notices').count()).toBe(0);
    // 在手机上继续: the citizen takes the session to the phone (QR on the kiosk screen) and looks at 进度 there.
    await page.getByTestId('greeting-start').click();
    await page.getByTestId('nav-phone').click();
    const handoffUrl = await qrText(page.getByTestId('phone-continue-qr'));
    const phone = await (await page.context().browser()!.newContext(PHONE)).newPage();
    await phone.goto(handoffUrl);
    await phone.getByTestId('phone-me').waitFor(WAIT);
    await phone.getByTestId('me-tab-progress').click();
    await phone.getByTestId('me-application').first().waitFor(WAIT);
    expect(await phone.locator('[data-testid="me-notice"]', { hasText: `《${serviceName}》已办结` }).count()).toBe(0);
    await kiosk.closePages();

    const clerk = await (page.context().browser()!).newPage({ viewport: { width: 1280, height: 1000 } });
    await staffLogin(clerk, `${rig.bridge.url}/hall`, 'clerk', DEMO_PASSWORDS.clerk);
    await clerk.getByTestId('advance-panel').waitFor(WAIT);
    await clerk.getByTestId('advance-serial').fill(inReview.serial);
    await clerk.getByTestId('advance-find').click();
    await clerk.locator('[data-testid="advance-application"][data-status="review"]').waitFor(WAIT);
    expect(await clerk.getByTestId('advance-application').innerText()).not.toContain(zhang.number);
    // 办结 is not offered before 决定.
    expect(await clerk.getByTestId('advance-to-done').count()).toBe(0);
    await clerk.getByTestId('advance-note').fill('准予许可');
    await clerk.getByTestId('advance-to-decided').click();
    await clerk.locator('[data-testid="advance-application"][data-status="decided"]').waitFor(WAIT);
    await clerk.getByTestId('advance-to-done').click();
    await clerk.locator('[data-testid="advance-application"][data-status="done"]').waitFor(WAIT);
    await clerk.getByTestId('advance-message').filter({ hasText: '办结' }).waitFor(WAIT);
    await clerk.screenshot({ path: path.join(screensDir, 'result-notices-clerk.png'), fullPage: true });
    await clerk.close();

    // The outbox: the row, then the dispatcher's delivery to the file (masked number only).
    const text = `您申请的《${serviceName}》已办结，可领取`;
    expect((await store.listNotices({ serial: inReview.serial })).map((n) => n.text)).toEqual([text]);
    await until('notice sent', async () => (await store.listNotices({ serial: inReview.serial }))[0]?.status === 'sent');
    const file = path.join(rig.bridge.config.dataDir, 'notices.jsonl');
    expect(existsSync(file)).toBe(true);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { serial: string; text: string });
    expect(lines.filter((l) => l.serial === inReview.serial).map((l) => l.text)).toEqual([text]);
    expect(readFileSync(file, 'utf8')).not.toContain(zhang.number);

    // The phone page (signed in by the hand-off before the clerk acted) lists the notice when 进度 is opened again.
    await phone.getByTestId('me-tab-tickets').click();
    await phone.getByTestId('me-tab-progress').click();
    const onPhone = phone.locator('[data-testid="me-notice"][data-outcome="done"]', { hasText: text });
    await onPhone.waitFor(WAIT);
    expect(await phone.getByTestId('me-notices').innerText()).not.toContain(zhang.number);
    await phone.screenshot({ path: path.join(screensDir, 'result-notices-phone.png'), fullPage: true });
    await phone.context().close();

    // Elderly mode (hall-rules.md "Accessibility and the elderly"): 60 px targets, 30 px text; not acknowledged here.
    const elderly = await kiosk.signIn('elderly', CARD);
    await elderly.getByTestId('result-notices').waitFor(WAIT);
    await elderly.screenshot({ path: path.join(screensDir, 'result-notices-kiosk-elderly.png'), fullPage: true });
    const grid = await gridProblems(elderly, 60);
    expect(grid.small).toEqual([]);
    expect(grid.overlapping).toEqual([]);
    expect(grid.offScreen).toEqual([]);
    expect(grid.lowContrast).toEqual([]);
    const smallest = await smallestText(elderly);
    expect(smallest.px, `"${smallest.text}"`).toBeGreaterThanOrEqual(30);
    await kiosk.closePages();

    // The citizen's next card read: the notice, once, with 知道了.
    const again = await kiosk.signIn('normal', CARD);
    const panel = again.getByTestId('result-notices');
    await panel.waitFor(WAIT);
    expect(await panel.innerText()).toContain(text);
    expect(await panel.innerText()).toContain('已办结');
    await again.screenshot({ path: path.join(screensDir, 'result-notices-kiosk-portrait.png'), fullPage: true });
    await again.getByTestId('result-notices-ack').click();
    await panel.waitFor({ state: 'detached', ...WAIT });
    await until('notice read', async () => (await store.listNotices({ holderNumber: zhang.number, unreadOnly: true })).length === 0);
    await kiosk.closePages();

    const third = await kiosk.signIn('normal', CARD);
    await third.locator('[data-screen="greeting"]').waitFor(WAIT);
    await third.getByTestId('greeting-start').click();
    await third.locator('[data-screen="home"]').waitFor(WAIT);
    expect(await third.getByTestId('result-notices').count()).toBe(0);
    await kiosk.closePages();
  }, 240_000);

  it('a waiting ticket carried over at closing time: the kiosk tells its holder the new number at the next card read', async () => {
    const { rig } = kiosk;
    const store = rig.bridge.hall.store!;
    const clock = rig.bridge.hall.clock;
    const wang = citizenFromHolder(libraryHolder('wang-guifen'));
    const taken = await rig.bridge.hall.queue!.takeTicket(wang, 'C');
    // The hall's closing run as config `closing` { at, waiting: carryOver } runs it (dayBoundaries.ts), due now.
    expect(await new DayBoundaries(store, clock, { at: clock.timeOf(clock.now()), waiting: 'carryOver' }).runClosingIfDue()).toBeGreaterThan(0);
    const reason = (await store.getTicket(taken.id))!.closedReason!;
    const [, day, number] = /^carriedOver:(\S+) (\S+)$/.exec(reason)!;
    const text = `您的${taken.number}号今日未能办理，已保留到${day}，新号码${number}，当天优先叫号`;

    const page = await kiosk.signIn('normal', 'wang-guifen');
    const panel = page.getByTestId('result-notices');
    await panel.waitFor(WAIT);
    const item = panel.locator('li.result-carriedOver');
    expect(await item.innerText()).toContain(text);
    expect(await item.innerText()).toContain('已保留到下一工作日');
    expect(await panel.innerText()).not.toContain(wang.number);
    await page.screenshot({ path: path.join(screensDir, 'result-notices-kiosk-carried-over.png'), fullPage: true });
    await page.getByTestId('result-notices-ack').click();
    await until('closing notice read', async () => (await store.listNotices({ holderNumber: wang.number, unreadOnly: true })).length === 0);
    await kiosk.closePages();
  }, 240_000);
});
