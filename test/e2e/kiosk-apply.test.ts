/**
 * 接件受理 on the kiosk's screens in real Chromium (README "Applying at the kiosk (接件受理)"): the UI built with Vite
 * and served by the real bridge, the ID reader and printer simulators on PTYs. Card -> 办理申请 -> an item that says
 * what it needs and how long it takes -> the form filled from the card -> a field the bridge refuses is shown at that
 * field -> materials: 免提交 shown as 已由系统获取 with its source, a commitment signed by placing the same card again,
 * one to bring with a ticket -> review -> submit tapped twice (one application) -> the receipt decoded from the
 * printer simulator's bytes -> a clerk accepts on the counter page -> the kiosk's progress shows 受理 with its time
 * limit. Screenshots go to test/artifacts/screens/kiosk-apply-*.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { loadCatalogueFiles } from '../../device-bridge/src/catalogue/loadCatalogue.ts';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { gridProblems, smallestText } from './kioskGrid.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const PORTRAIT = { width: 1080, height: 1920 };
/** Waits in the browser: several processes on a loaded machine. */
const WAIT = { timeout: 60_000 };
const CARD = 'zhang-sanfeng';
const FULL_NUMBER = '440106199003071231';
const MASKED = '4401**********1231';

let distDir: string;
let rig: KioskRig;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtUi();
  rig = await startKioskRig({ uiDir: distDir, screen: false, users: DEMO_USERS, 
    hall: { demo: async (store) => void (await loadCatalogueFiles(store, [path.join(repoRoot, 'config/examples/catalogue/catalogue.json')])) } });
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
}, 120_000);

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screensDir, `kiosk-apply-${name}-portrait.png`), fullPage: true });
}

/** hall-rules.md "Accessibility and the elderly": targets >= 60 px, none overlapping or off screen, text >= 30 px, 4.5:1. */
async function elderlyChecks(page: Page, where: string): Promise<void> {
  await shoot(page, `${where}-elderly`);
  const grid = await gridProblems(page, 60);
  expect(grid.targets, where).toBeGreaterThan(0);
  expect(grid.small, where).toEqual([]);
  expect(grid.overlapping, where).toEqual([]);
  expect(grid.offScreen, where).toEqual([]);
  expect(grid.lowContrast, where).toEqual([]);
  const smallest = await smallestText(page);
  expect(smallest.px, `${where}: "${smallest.text}"`).toBeGreaterThanOrEqual(30);
}

async function next(page: Page, step: string): Promise<void> {
  await page.locator('[data-testid="apply-next"]:visible').click();
  await page.locator(`[data-feature="apply"][data-step="${step}"]`).waitFor(WAIT);
}

describe('applying on the kiosk screens', () => {
  it('card -> item -> prefilled form -> shared, signed, to bring -> submit twice -> receipt -> clerk accepts -> progress 受理', async () => {
    const page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1 });
    await page.goto(`${rig.bridge.url}/`);
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
    const sessions = rig.sessions.length;
    rig.reader.placeCard(CARD);
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    await until('bridge session', () => rig.sessions.length > sessions);
    rig.reader.removeCard();
    await page.getByTestId('greeting-start').click();
    await page.getByTestId('tile-apply').click();
    await page.locator('[data-feature="apply"][data-step="items"]').waitFor(WAIT);

    // The item says up front what is needed and how long it takes.
    const item = page.locator('[data-testid="apply-item"][data-service="D35-02"]');
    await item.waitFor(WAIT);
    const itemText = await item.innerText();
    expect(itemText).toContain('户口迁移（投靠）');
    expect(itemText).toContain('3 项由系统获取');
    expect(itemText).toContain('1 项可承诺代替');
    expect(itemText).toContain('1 项需到窗口提交');
    expect(itemText).toMatch(/约 \d+ 分钟填写 · 办结时限 20 个工作日/);
    await shoot(page, 'items');
    await item.click();

    // The form: holder fields from the card, read-only; the rest by choice buttons, a digit pad and short text.
    await page.getByTestId('apply-form').waitFor(WAIT);
    await expect(page.getByTestId('card-idNumber').innerText()).resolves.toBe(MASKED);
    expect(await page.locator('[data-testid="field"][data-key="idNumber"] input').count()).toBe(0);
    await page.locator('[data-testid="choice-relation"][data-value="夫妻投靠"]').click();
    // Too short for the catalogue (at least 4 characters): the bridge refuses it at submit, at this field.
    await page.getByTestId('input-moveFrom').fill('北京');
    await page.getByTestId('input-address').fill('广州市天河区体育西路100号');
    await page.getByTestId('value-phone').click();
    for (const d of '13800138000') await page.getByTestId(`pad-phone-${d}`).click();
    await expect(page.getByTestId('value-phone').innerText()).resolves.toBe('13800138000');
    await shoot(page, 'form');
    await next(page, 'materials');

    // Materials: 免提交 with its source; the commitment shown large and signed with the same card; one to bring.
    const shared = page.locator('[data-testid="material"][data-kind="shared"]');
    await expect(shared.count()).resolves.toBe(3);
    await expect(shared.first().innerText()).resolves.toContain('已由系统获取（电子证照库：居民身份证）');
    const commitment = page.locator('[data-testid="material"][data-kind="commitment"]');
    await expect(commitment.getByTestId('commitment-text').innerText()).resolves.toContain('本人承诺与被投靠人在迁入地址共同居住');
    await expect(page.locator('[data-testid="material"][data-kind="bring"]').innerText()).resolves.toContain('需到窗口提交');
    await expect(page.getByTestId('bring-how').innerText()).resolves.toContain('取号或预约最早的时段');
    await commitment.getByTestId('sign-commitment').click();
    await page.getByTestId('place-card-to-sign').waitFor(WAIT);
    // The sign command must be waiting on the bridge before the card goes on (its wait is not observable on screen).
    await new Promise((r) => setTimeout(r, 1000));
    rig.reader.placeCard(CARD);
    await commitment.getByTestId('commitment-signed').waitFor(WAIT);
    // The signature is a card read too (the bridge forwards every read to the screen): the screen stays on the form.
    await expect(page.locator('[data-screen="greeting"]').count()).resolves.toBe(0);
    rig.reader.removeCard();
    // No session started with the signing card: the one token of this citizen's session (its refreshes repeat it).
    expect(new Set(rig.sessions.map((x) => x.token)).size).toBe(1);
    await page.getByTestId('bring-ticket').click();
    await shoot(page, 'materials');
    await next(page, 'review');

    // The bridge refuses the too-short field: the form comes back with the problem next to that field.
    await page.getByTestId('apply-submit').click();
    await page.locator('[data-testid="field"][data-key="moveFrom"][data-invalid="1"]').waitFor(WAIT);
    await expect(page.getByTestId('error-moveFrom').innerText()).resolves.toContain('迁出地址');
    expect(await rig.bridge.hall.store!.listIntakes()).toHaveLength(0);
    await shoot(page, 'field-error');
    await page.getByTestId('input-moveFrom').fill('广州市越秀区北京路1号');
    await next(page, 'materials');
    await commitment.getByTestId('commitment-signed').waitFor(WAIT);
    await next(page, 'review');
    await expect(page.getByTestId('apply-review').innerText()).resolves.toContain('广州市越秀区北京路1号');

    // Submit tapped twice: one application, its receipt printed.
    const printedBefore = rig.printer.tickets.length;
    await page.getByTestId('apply-submit').dblclick();
    const result = page.getByTestId('apply-result');
    await result.waitFor(WAIT);
    const serial = await page.getByTestId('apply-serial').innerText();
    expect(serial).toMatch(/^GD\d{8}\d{6}$/);
    await expect(page.getByTestId('apply-state').innerText()).resolves.toBe('待预审');
    await expect(result.locator('[data-testid="apply-outcome"][data-how="bring"]').innerText()).resolves.toMatch(/号码 E\d{3}/);
    await result.locator('[data-print="done"]').waitFor(WAIT);
    expect(await rig.bridge.hall.store!.listIntakes()).toHaveLength(1);
    const receipt = await until('receipt printed', () => rig.printer.tickets.slice(printedBefore).find((t) => t.text.includes('申请回执')));
    expect(receipt.text).toContain(`申办流水号：${serial}`);
    expect(receipt.text).toContain('  共同居住承诺：告知承诺');
    expect(receipt.text).toContain(MASKED);
    expect(receipt.text).not.toContain(FULL_NUMBER);
    const dom = (await page.content()) + (await page.locator('body').innerText());
    expect(dom).not.toContain(FULL_NUMBER);
    await shoot(page, 'submitted');

    // Before the counter decides, the kiosk's progress shows it waiting for pre-review (待预审) with what comes next.
    await page.getByTestId('nav-home').click();
    await page.getByTestId('tile-progress').click();
    const pending = page.locator(`[data-testid="intake-application"][data-serial="${serial}"]`);
    await pending.waitFor(WAIT);
    expect(await pending.getAttribute('data-state')).toBe('pending');
    expect(await pending.innerText()).toContain('待预审');
    await shoot(page, 'progress-pending');

    // A clerk accepts it on the counter page.
    const clerk = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await staffLogin(clerk, `${rig.bridge.url}/hall`, 'clerk', DEMO_PASSWORDS.clerk);
    const waiting = clerk.locator(`[data-testid="clerk-application"][data-serial="${serial}"]`);
    await waiting.waitFor(WAIT);
    await waiting.getByTestId('clerk-accept').click();
    await clerk.getByTestId('clerk-empty').waitFor(WAIT);
    await clerk.close();

    // The kiosk's progress shows 受理 with its time limit.
    await page.getByTestId('nav-home').click();
    await page.getByTestId('tile-progress').click();
    const application = page.locator(`[data-testid="application"][data-serial="${serial}"]`);
    await application.waitFor(WAIT);
    const expected = await rig.bridge.hall.applications!.get(citizenFromHolder(libraryHolder(CARD)), serial);
    expect(expected).toMatchObject({ statusName: '受理', timeLimitDays: 20 });
    const progress = await application.innerText();
    expect(progress).toContain('受理');
    await expect(application.getByTestId('time-limit').innerText()).resolves.toContain(`办结时限 ${expected!.timeLimit.dueDay}`);
    // Accepted: no longer listed among the kiosk applications waiting for the counter.
    expect(await page.locator(`[data-testid="intake-application"][data-serial="${serial}"]`).count()).toBe(0);
    await shoot(page, 'progress');
    await page.close();
  }, 400_000);

  it('offers earlier values with one tap; in elderly mode the form, its digit pad and the materials keep 60 px targets and 30 px text; leaving on the review screen submits nothing', async () => {
    const before = (await rig.bridge.hall.store!.listIntakes()).length;
    const page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1 });
    await page.goto(`${rig.bridge.url}/`);
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
    // The same citizen again: the first test's application is the earlier one whose address and phone are offered.
    rig.reader.placeCard(CARD);
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    rig.reader.removeCard();
    await page.getByTestId('greeting-start').click();
    await page.getByTestId('elderly-switch').click();
    await page.locator('[data-testid="kiosk"][data-elderly="1"]').waitFor(WAIT);
    await page.getByTestId('tile-apply').click();
    await page.locator('[data-testid="apply-item"][data-service="D35-02"]').click();
    await page.getByTestId('apply-form').waitFor(WAIT);
    await page.locator('[data-testid="choice-relation"][data-value="子女投靠父母"]').click();
    await page.getByTestId('input-moveFrom').fill('广州市越秀区北京路2号');
    await page.getByTestId('reuse-address').click();
    await expect(page.getByTestId('input-address').inputValue()).resolves.toBe('广州市天河区体育西路100号');
    await page.getByTestId('reuse-phone').click();
    await expect(page.getByTestId('value-phone').innerText()).resolves.toBe('13800138000');
    await page.getByTestId('value-phone').click();
    await elderlyChecks(page, 'form');
    await next(page, 'materials');
    await elderlyChecks(page, 'materials');
    await next(page, 'review');
    await page.getByTestId('nav-logout').click();
    await page.locator('[data-screen="attract"]').waitFor(WAIT);
    expect(await rig.bridge.hall.store!.listIntakes()).toHaveLength(before);
    await page.close();
  }, 300_000);
});
