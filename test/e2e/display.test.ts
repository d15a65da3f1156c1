/**
 * The hall display /display in real Chromium (README "For the hall: counter terminals and the hall
 * display"): the UI built with Vite and served by a real bridge whose counter bus driver talks to
 * the counter bus simulator over a PTY. A clerk's key on a simulated terminal calls a ticket -> the
 * call appears on the page as text and is spoken once through speechSynthesis (stubbed in the page:
 * headless Chromium has no voices, so the stub counts what the page asks to speak); a recall is a
 * new call, spoken once more; a reload, or the bridge dropping the screen's socket, shows the same
 * calls and speaks none of them again, and the next call is spoken. Screenshot:
 * test/artifacts/screens/display.png (1920x1080).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;

let workDir: string;
let sim: RunningSimulator<CounterBusSim>;
let bridge: BridgeHandle;
let browser: Browser;
let page: Page;

/** Runs in the page before its scripts: counts and records what the page asks speechSynthesis to speak. */
function stubSpeech(): void {
  const w = window as unknown as { __spoken: Array<{ text: string; lang: string }> };
  w.__spoken = [];
  const synth = window.speechSynthesis;
  if (!synth) return;
  synth.speak = (u: SpeechSynthesisUtterance) => void w.__spoken.push({ text: u.text, lang: u.lang });
  synth.getVoices = () => [];
}

const spoken = (p: Page) => p.evaluate(() => (window as unknown as { __spoken: Array<{ text: string; lang: string }> }).__spoken);

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-display-e2e-'));
  const uiDir = join(workDir, 'ui');
  await build({
    configFile: join(REPO_ROOT, 'kiosk-ui/vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir: uiDir, emptyOutDir: true },
  });
  sim = await startSimulator(new CounterBusSim({ id: 'display-counters', terminals: 3 }), { link: 'pty', baud: 9600, dir: workDir });
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(workDir, 'data'),
      uiDir,
      devices: [{ id: 'counters', kind: 'counterbus', path: sim.path!, options: { units: [1, 2, 3] } }],
    },
    { log: silentLogger() },
  );
  await bridge.hall.store!.upsertQueueCategory({ letter: 'A', name: '综合受理', defaultServiceMinutes: 6 });
  mkdirSync(screensDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  await context.addInitScript(stubSpeech);
  page = await context.newPage();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await sim?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('/display in Chromium', () => {
  it('shows a call as text, speaks it once, a recall once more, and a reload repeats nothing', async () => {
    await page.goto(`${bridge.url}/display`);
    await page.getByTestId('display-window-3').waitFor({ timeout: UI_WAIT_MS });
    expect(await spoken(page)).toEqual([]);

    const t = await bridge.hall.queue!.takeTicket(null, 'A');
    await sim.device.press(3, 'callNext');
    const text = `请${t.number}号到3号窗口办理`;
    await page.getByTestId('display-latest').getByText(text).waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('display-window-3').getByText(t.number).waitFor({ timeout: UI_WAIT_MS });
    await page.waitForFunction(() => (window as unknown as { __spoken: unknown[] }).__spoken.length >= 1, undefined, { timeout: UI_WAIT_MS });
    // The board that follows the call carries it too: still spoken once.
    await page.getByTestId('display-calls').locator('li').first().waitFor({ timeout: UI_WAIT_MS });
    expect(await spoken(page)).toEqual([{ text, lang: 'zh-CN' }]);

    await sim.device.press(3, 'recall');
    await page.getByTestId('display-calls').locator('li').nth(1).waitFor({ timeout: UI_WAIT_MS });
    await page.waitForFunction(() => (window as unknown as { __spoken: unknown[] }).__spoken.length >= 2, undefined, { timeout: UI_WAIT_MS });
    expect((await spoken(page)).map((s) => s.text)).toEqual([text, text]);
    await page.screenshot({ path: join(screensDir, 'display.png') });

    await page.reload();
    await page.getByTestId('display-calls').locator('li').nth(1).waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('display-latest').getByText(text).waitFor({ timeout: UI_WAIT_MS });
    // The board on connect brought both calls; both were spoken before the reload.
    expect(await spoken(page)).toEqual([]);

    // The bridge drops the screen (as when it sheds clients): it comes back by itself, gets the board, speaks nothing.
    const displayNsp = bridge.socket.io.of('/display');
    displayNsp.disconnectSockets(true);
    await page.getByTestId('display-link').waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('display-link').waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    await page.getByTestId('display-calls').locator('li').nth(1).waitFor({ timeout: UI_WAIT_MS });
    expect(await spoken(page)).toEqual([]);

    // A new call after the reload is spoken (the page still speaks, it only skips what it already said).
    await sim.device.press(3, 'finish');
    const next = await bridge.hall.queue!.takeTicket(null, 'A');
    await sim.device.press(3, 'callNext');
    await page.getByTestId('display-latest').getByText(`请${next.number}号到3号窗口办理`).waitFor({ timeout: UI_WAIT_MS });
    await page.waitForFunction(() => (window as unknown as { __spoken: unknown[] }).__spoken.length >= 1, undefined, { timeout: UI_WAIT_MS });
    expect((await spoken(page)).map((s) => s.text)).toEqual([`请${next.number}号到3号窗口办理`]);
  }, 300_000);
});
