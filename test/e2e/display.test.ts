/**
 * The hall display /display in real Chromium (README "For the hall: counter terminals and the hall
 * display"): the UI built with Vite and served by a real bridge whose counter bus driver talks to
 * the counter bus simulator over a PTY. A clerk's key on a simulated terminal calls a ticket -> the
 * call appears on the page as text and is spoken once through speechSynthesis (stubbed in the page:
 * headless Chromium has no voices, so the stub counts what the page asks to speak); a recall is a
 * new call, spoken once more; a reload, or the bridge dropping the screen's socket, shows the same
 * calls and speaks none of them again, and the next call is spoken. Ten calls made within two
 * seconds on three windows are read one after another in the order made (the stand-in records
 * each utterance's start and end; none starts before the previous one ended), the status line says
 * the configured Cantonese and English have no voice here, and the counter-top page
 * /display?window=N shows its window's number. Screenshot: test/artifacts/screens/display.png
 * (1920x1080).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type Page } from 'playwright-core';
import { silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const UI_WAIT_MS = 60_000;

let workDir: string;
let sim: RunningSimulator<CounterBusSim>;
let bridge: BridgeHandle;
let browser: Browser;
let page: Page;

interface SpokenRecord { text: string; lang: string; start: number; end: number | null }

/**
 * Runs in the page before its scripts: a stand-in for speechSynthesis that records what the page asks it to speak,
 * with each utterance's start and end (it "reads" for 60 ms, then fires `end`). Like a real engine asked to speak
 * while speaking, it would record an overlap if the page did not wait for the end.
 */
function stubSpeech(): void {
  const w = window as unknown as { __spoken: SpokenRecord[] };
  w.__spoken = [];
  const synth = window.speechSynthesis;
  if (!synth) return;
  synth.speak = (u: SpeechSynthesisUtterance) => {
    const rec: SpokenRecord = { text: u.text, lang: u.lang, start: performance.now(), end: null };
    w.__spoken.push(rec);
    setTimeout(() => {
      rec.end = performance.now();
      u.onend?.(new Event('end') as SpeechSynthesisEvent);
    }, 60);
  };
  synth.getVoices = () => [];
}

const spokenRecords = (p: Page) => p.evaluate(() => (window as unknown as { __spoken: SpokenRecord[] }).__spoken);
const spoken = async (p: Page) => (await spokenRecords(p)).map(({ text, lang }) => ({ text, lang }));

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-display-e2e-'));
  const uiDir = await builtUi();
  sim = await startSimulator(new CounterBusSim({ id: 'display-counters', terminals: 3 }), { link: 'pty', baud: 9600, dir: workDir });
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(workDir, 'data'),
      uiDir,
      devices: [{ id: 'counters', kind: 'counterbus', path: sim.path!, options: { units: [1, 2, 3] } }],
    },
    { log: silentLogger(), counterWorkflow: { announce: { mode: 'voice', repeat: 1, languages: ['zh', 'yue', 'en'] } } },
  );
  await bridge.hall.store!.upsertQueueCategory({ letter: 'A', name: '综合受理', defaultServiceMinutes: 6 });
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
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

  it('reads ten calls made within two seconds one after another, in order, and says which voices are missing', async () => {
    await page.reload();
    await page.getByTestId('display-window-3').waitFor({ timeout: UI_WAIT_MS });
    await page.evaluate(() => ((window as unknown as { __spoken: unknown[] }).__spoken.length = 0));
    // The status line states the fallback: no Cantonese or English voice in headless Chromium.
    const status = page.getByTestId('display-status');
    await status.waitFor({ timeout: UI_WAIT_MS });
    expect(await status.textContent()).toMatch(/Cantonese, English/);

    const counter = await page.context().newPage();
    await counter.goto(`${bridge.url}/display?window=2`);
    await counter.getByTestId('counter-screen').waitFor({ timeout: UI_WAIT_MS });

    // Window 3 still holds its ticket from the first test: free it, then three windows call and recall.
    await sim.device.press(3, 'finish');
    for (let i = 0; i < 3; i++) await bridge.hall.queue!.takeTicket(null, 'A');
    // The order the bridge made the calls in (and sent them to the screens).
    const made: string[] = [];
    const onCall = (c: { text: string }) => void made.push(c.text);
    bridge.counters.workflow.events.on('call', onCall);
    const presses: Array<[number, 'callNext' | 'recall']> = [
      [1, 'callNext'], [2, 'callNext'], [3, 'callNext'], [1, 'recall'], [2, 'recall'], [3, 'recall'],
      [1, 'recall'], [2, 'recall'], [3, 'recall'], [1, 'recall'],
    ];
    // Pressed back to back: the terminals hand them over within a few bus cycles (well inside two seconds on an idle
    // machine), far faster than one call can be read.
    for (const [unit, key] of presses) await sim.device.press(unit, key);
    await page.getByTestId('display-calls').locator('li').nth(9).waitFor({ timeout: UI_WAIT_MS });
    await page.waitForFunction(() => {
      const s = (window as unknown as { __spoken: Array<{ end: number | null }> }).__spoken;
      return s.length >= 10 && s.every((r) => r.end !== null);
    }, undefined, { timeout: UI_WAIT_MS });

    bridge.counters.workflow.events.off('call', onCall);
    const board = await bridge.counters.workflow.board();
    expect(made).toHaveLength(10);
    const records = await spokenRecords(page);
    // Mandarin only (no other voice here), each call once, in the order the calls were made.
    expect(records.map((r) => r.text)).toEqual(made);
    expect(new Set(records.map((r) => r.lang))).toEqual(new Set(['zh-CN']));
    for (let i = 1; i < records.length; i++) expect(records[i].start).toBeGreaterThanOrEqual(records[i - 1].end!);

    // The counter-top screen above window 2 shows its own ticket, numbers only.
    const atTwo = board.windows.find((w) => w.window === 2)!.ticketNumber!;
    await counter.getByTestId('counter-screen-ticket').getByText(atTwo).waitFor({ timeout: UI_WAIT_MS });
    expect(await counter.getByTestId('counter-screen-state').textContent()).toContain('请到本窗口办理');
    await counter.close();
  }, 300_000);
});
