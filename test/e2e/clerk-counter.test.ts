/**
 * The clerk's counter page in Chromium (README "Applying at the kiosk (接件受理)"): a kiosk application waits for
 * pre-review; the clerk logs in at /hall, sees it with its form, materials and commitment, returns one without a
 * reason (refused, shown), accepts it, and the application's progress shows 受理 with its time limit. The citizen's
 * side is driven through the hall service here; kiosk-apply.test.ts drives it through the kiosk's screens. The
 * clerk also records a finished result handed out at their window (README "Collecting results (领取结果)").
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORDS, DEMO_USERS, silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { loadCatalogueFiles } from '../../device-bridge/src/catalogue/loadCatalogue.ts';
import { ApplicationService } from '../../device-bridge/src/hall/applications.ts';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { staffLogin } from '../support/staffLogin.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const UI_WAIT_MS = 60_000;
const SCREENS = process.env.SCREENSHOTS_DIR ?? join(REPO_ROOT, 'test/artifacts/screens/clerk');
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };

let workDir: string;
let bridge: BridgeHandle;
let browser: Browser;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-clerk-e2e-'));
  const uiDir = await builtUi();
  bridge = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(workDir, 'data'), uiDir, users: [...DEMO_USERS], devices: [] },
    { log: silentLogger(), hall: { demo: async (store) => void (await loadCatalogueFiles(store, [join(REPO_ROOT, 'config/examples/catalogue/catalogue.json')])) } });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  rmSync(workDir, { recursive: true, force: true });
});

async function loginClerk(page: Page): Promise<void> {
  await staffLogin(page, `${bridge.url}/hall`, 'clerk', DEMO_PASSWORDS.clerk);
}

describe('clerk counter page', () => {
  it('lists the waiting application, refuses a return without a reason, accepts; the progress shows 受理', async () => {
    const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    const intake = bridge.hall.intake!;
    await intake.sign('s1', zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-1');
    const a = await intake.submit({ sessionKey: 's1', citizen: zhang, kioskId: 'kiosk-1', requestId: 'r1', serviceId: 'D35-02', form: FORM, bringBy: 'ticket' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await loginClerk(page);
    const item = page.locator(`[data-testid="clerk-application"][data-serial="${a.serial}"]`);
    await item.waitFor({ timeout: UI_WAIT_MS });
    const text = await item.innerText();
    expect(text).toContain('户口迁移（投靠）');
    expect(text).toContain('4401**********1231');
    expect(text).toContain('13800138000');
    expect(text).toContain('居民身份证：已由系统获取（电子证照库：居民身份证）');
    expect(text).toContain('承诺：共同居住承诺（文本v1');
    expect(text).not.toContain('440106199003071231');

    await item.getByTestId('clerk-return').click();
    await page.getByTestId('clerk-message').filter({ hasText: 'reason' }).waitFor({ timeout: UI_WAIT_MS });
    expect((await bridge.hall.store!.getIntake(a.serial))!.state).toBe('pending');

    await item.getByTestId('clerk-accept').click();
    await page.getByTestId('clerk-empty').waitFor({ timeout: UI_WAIT_MS });
    const progress = await bridge.hall.applications!.get(zhang, a.serial);
    expect(progress).toMatchObject({ statusName: '受理', timeLimitDays: 20 });
    await context.close();
  }, 120_000);

  it('records a result handed out at window 3 (已领取 with the time); not-finished and already-collected are refused in words', async () => {
    const li = citizenFromHolder(libraryHolder('wang-guifen'));
    const applications = new ApplicationService(bridge.hall.store!);
    const { serial } = await applications.submit(li, 'D35-02');

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await loginClerk(page);
    const panel = page.getByTestId('pickup-panel');
    await panel.waitFor({ timeout: UI_WAIT_MS });
    const message = panel.getByTestId('pickup-message');

    await panel.getByTestId('pickup-serial').fill(serial);
    await panel.getByTestId('pickup-window').fill('3');
    await panel.getByTestId('pickup-record').click();
    await message.filter({ hasText: '该申请尚未办结' }).waitFor({ timeout: UI_WAIT_MS });
    expect(await message.getAttribute('data-ok')).toBe('false');
    expect(await bridge.hall.store!.getResultCollection(serial)).toBeUndefined();

    for (const to of ['review', 'decided', 'done'] as const) await applications.advance(serial, to, to === 'decided' ? '准予迁入' : null);
    await panel.getByTestId('pickup-record').click();
    await message.filter({ hasText: '已领取' }).waitFor({ timeout: UI_WAIT_MS });
    expect(await message.innerText()).toContain(`${serial}：已领取，3号窗口`);
    expect(await message.getAttribute('data-ok')).toBe('true');
    expect(await bridge.hall.store!.getResultCollection(serial)).toMatchObject({ mode: 'counter', state: 'collected', window: 3, finishedBy: 'clerk' });
    await panel.scrollIntoViewIfNeeded();
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: join(SCREENS, 'clerk-pickup.png') });

    await panel.getByTestId('pickup-serial').fill(serial);
    await panel.getByTestId('pickup-record').click();
    await message.filter({ hasText: '该结果已领取，不能再登记窗口领取' }).waitFor({ timeout: UI_WAIT_MS });
    await context.close();
  }, 120_000);
});
