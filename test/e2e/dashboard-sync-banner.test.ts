/**
 * The hall manager's dashboard in real Chromium while the message bus between instances is away (README "Many
 * instances", "When Redis goes away"): the UI built with Vite into a temp dir and served by a real bridge with
 * `instances` set, whose Redis is reached through a relay this test cuts (the shared Redis keeps running). While it
 * is cut the dashboard shows the red banner 实例间同步中断; when the relay listens again the banner goes away.
 * Screenshot: test/artifacts/screens/dashboard-sync-banner.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS } from '@onedoor/device-bridge';
import { silentLogger, startBridge, type BridgeHandle } from '../../device-bridge/src/index.ts';
import { seedBasics } from '../../device-bridge/test/hall/fixture.ts';
import { TcpRelay } from '../support/tcpRelay.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;
const REDIS = new URL(process.env.ONEDOOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

let workDir: string;
let bridge: BridgeHandle;
let browser: Browser;
const relay = new TcpRelay(REDIS.hostname, Number(REDIS.port || 6379));

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-syncbanner-e2e-'));
  const uiDir = await builtUi();
  await relay.listen();
  bridge = await startBridge({
    http: { host: '127.0.0.1', port: 0 }, dataDir: join(workDir, 'data'), uiDir, users: [...DEMO_USERS], options: { logLevel: 'silent' },
    instances: { redisUrl: `redis://127.0.0.1:${relay.port}`, keyPrefix: `od-e2e-banner-${process.pid}` },
  }, { log: silentLogger(), hall: { demo: (s) => seedBasics(s) } });
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await relay.cut().catch(() => undefined);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('the dashboard while instances cannot sync', () => {
  it('shows the 实例间同步中断 banner while Redis is away and clears it when it is back', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    try {
      const page = await context.newPage();
      await staffLogin(page, `${bridge.url}/hall`, 'manager', DEMO_PASSWORDS.manager);
      await page.getByTestId('today').waitFor({ timeout: UI_WAIT_MS });
      expect(await page.getByTestId('message-bus-problem').count()).toBe(0);

      await relay.cut();
      const banner = page.getByTestId('message-bus-problem');
      await banner.waitFor({ timeout: UI_WAIT_MS });
      expect(await banner.textContent()).toContain('实例间同步中断：其他实例上的屏幕可能收不到叫号');
      await page.screenshot({ path: join(screensDir, 'dashboard-sync-banner.png') });

      await relay.listen();
      await banner.waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    } finally {
      await context.close();
    }
  }, 120_000);
});
