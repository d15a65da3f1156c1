/**
 * The technician console in real Chromium (README "For technicians: the console", with its access
 * rules): the UI built with Vite into a temp dir and served by a real bridge (startBridge) whose
 * built-in drivers talk to the three simulators over PTYs (socat); the simulators' control API is
 * attached through `simulatorControlUrl`, so the console's simulator buttons go page -> bridge
 * proxy -> control API -> simulator -> PTY -> driver -> /tech -> page.
 *
 * Anonymous /tech shows only the login; a technician logs in, sees the devices, places a card from the library and
 * sees the reader's frames (masked) and the card event (masked number); runs self-tests; prints a test page and sees
 * the printed ticket as an image; a manager sees it read-only. Screenshots: test/artifacts/screens/tech-*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORDS, DEMO_USERS, silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { IdReaderSim, SimulatorHub, startControlServer, startSimulator, type ControlServer, type SimInfo } from '@onedoor/simulators';
import { RECORDING_MAGIC, type DeviceStatus, type TechDeviceInfo } from '@onedoor/protocol';
import { untilWith } from '../support/until.ts';
import { loadVectors } from '../../protocol/test/vectors.ts';
import { staffLogin } from '../support/staffLogin.ts';
import { launchChromium } from '../support/chromium.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = join(REPO_ROOT, 'test/artifacts/screens');
const VIEWPORT = { width: 1600, height: 1200 };
/** Generous: bytes cross several hops on a machine shared by many. */
const UI_WAIT_MS = 60_000;

/** The simulator's `zhang-sanfeng` card holds the shared vector `read_base_ok_resident`; expectations from the vector. */
const CARD_KEY = 'zhang-sanfeng';
const resident = loadVectors<{ read_base_ok_resident: { expect: { name: string; idNumber: string; address: string } } }>('id-reader')
  .read_base_ok_resident.expect;
/** hall-rules.md, Privacy: first 4 + last 4 visible; written out here, independent of any masking code. */
const MASKED_NUMBER = `${resident.idNumber.slice(0, 4)}${'*'.repeat(resident.idNumber.length - 8)}${resident.idNumber.slice(-4)}`;

let workDir: string;
let hub: SimulatorHub;
let control: ControlServer;
let bridge: BridgeHandle;
let browser: Browser;
const pages: Page[] = [];

function bridgePathOf(sim: SimInfo): string {
  return sim.link.kind === 'pty' ? (sim.link.path ?? sim.link.address) : `tcp://127.0.0.1:${sim.link.port}`;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'od-tech-e2e-'));
  const uiDir = await builtUi();
  hub = new SimulatorHub({ dir: join(workDir, 'pty'), portBase: 0 });
  await hub.start('all');
  control = await startControlServer(hub, { port: 0 });
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(workDir, 'data'),
      uiDir,
      users: [...DEMO_USERS],
      simulatorControlUrl: control.url,
      // The reader polls once a second (the spec's floor is 300 ms): its read reply then stays in the frame log
      // long enough to be looked at on a loaded machine.
      devices: hub.list().map((s) => ({
        id: s.id,
        kind: s.kind,
        path: bridgePathOf(s),
        baud: s.link.baud,
        ...(s.kind === 'idreader' && { options: { pollMs: 1000 } }),
      })),
    },
    { log: silentLogger() },
  );
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (pages.length > 0) await pages.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await control?.close();
  await hub?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

async function openTech(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  pages.push(page);
  // The context goes with its page; when the browser is already closing, its close rejects: nothing to do then.
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(`${bridge.url}/tech`);
  return page;
}

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await staffLogin(page, null, user, password);
  await page.getByTestId('tech-console').waitFor({ timeout: UI_WAIT_MS });
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: UI_WAIT_MS });
}

/** GET from inside the page (its cookie, its origin), as the console would. */
async function pageGet<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  }, path);
}

/**
 * A simulated reader session recorded from start-up by a short-lived bridge of its own (two card reads), written
 * into the console bridge's recording folder; returns the file's name.
 */
async function recordSimulatedSession(recordings: string): Promise<string> {
  const until = untilWith({ limitMs: UI_WAIT_MS, stepMs: 50 });
  const dir = mkdtempSync(join(workDir, 'rec-'));
  const sim = new IdReaderSim({ id: `tech-rec-${process.pid}`, timing: 'fast' });
  const run = await startSimulator(sim, { link: 'pty', baud: 115200, dir });
  const before = new Set(readdirSync(recordings));
  const recorder = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      devices: [{ id: 'reader', kind: 'idreader', path: run.path!, baud: 115200, options: { pollMs: 100 } }],
      recording: { enabled: true, dir: recordings },
    },
    { log: silentLogger() },
  );
  try {
    const reader = () => recorder.devices.get('reader')!.status();
    await until(() => reader().state === 'online', 'recording reader online');
    for (const card of [CARD_KEY, 'wei-xiulan']) {
      const reads = reader().counters.cardsRead ?? 0;
      sim.placeCard(card);
      await until(() => (reader().counters.cardsRead ?? 0) > reads, `${card} read`);
      sim.removeCard();
      const polls = reader().counters.polls ?? 0;
      await until(() => (reader().counters.polls ?? 0) >= polls + 3, 'polls without a card');
    }
  } finally {
    await recorder.close();
    await run.close();
  }
  const made = readdirSync(recordings).filter((f) => !before.has(f));
  expect(made).toHaveLength(1);
  return made[0];
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screensDir, `tech-${name}.png`), fullPage: true });
}

describe('technician console', () => {
  it('anonymous: only the login form, the API and the socket refuse; a wrong password is said so', async () => {
    const page = await openTech();
    await page.getByTestId('tech-login').waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('tech-console').count()).resolves.toBe(0);
    expect((await pageGet(page, '/api/tech/devices')).status).toBe(401);
    expect((await pageGet(page, '/api/tech/sims')).status).toBe(401);
    const refused = await page.evaluate(async () => {
      // socket.io's handshake over plain polling: a reserved namespace answers its refusal in the CONNECT reply.
      const sid = await fetch('/socket.io/?EIO=4&transport=polling').then((r) => r.text());
      const id = JSON.parse(sid.slice(1)).sid as string;
      await fetch(`/socket.io/?EIO=4&transport=polling&sid=${id}`, { method: 'POST', body: '40/tech,' });
      return fetch(`/socket.io/?EIO=4&transport=polling&sid=${id}`).then((r) => r.text());
    });
    expect(refused).toMatch(/^44\/tech,.*log in first/);
    await shoot(page, 'login');

    await page.locator('input[name="user"]').fill('tech');
    await page.locator('input[name="password"]').fill('not the password');
    await page.getByRole('button', { name: /登录/ }).click();
    await expect(page.getByTestId('login-error').innerText({ timeout: UI_WAIT_MS })).resolves.toContain('wrong user name or password');
  }, 200_000);

  it('a technician sees the devices, places a card from the console and sees the masked frames and card event', async () => {
    const page = await openTech();
    await logIn(page, 'tech', DEMO_PASSWORDS.tech);
    await expect(page.getByTestId('user').innerText()).resolves.toContain('tech · technician');
    for (const id of ['idreader', 'printer', 'counterbus']) {
      await page.locator(`[data-testid="device-${id}"][data-state="online"]`).waitFor({ timeout: UI_WAIT_MS });
    }
    // The reader's find polls show up in its frame log (tx named, rx decoded).
    await page.getByTestId('frames-idreader').getByText('find (20 01)').first().waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('sim-idreader').waitFor({ timeout: UI_WAIT_MS });
    await shoot(page, 'devices');

    await page.getByTestId('card-library').selectOption(CARD_KEY);
    await page.getByTestId('sim-place-card').getByRole('button').click();
    await page.getByTestId('sim-place-card').locator('[data-testid="outcome"][data-code="ok"]').waitFor({ timeout: UI_WAIT_MS });

    // The driver read the card: the card event with the masked number, and the read reply in the frame log.
    await page.getByTestId('card-event').filter({ hasText: MASKED_NUMBER }).waitFor({ timeout: UI_WAIT_MS });
    const readRow = page.getByTestId('frames-idreader').locator('tr', { hasText: 'read reply' }).first();
    await readRow.waitFor({ timeout: UI_WAIT_MS });
    await expect(readRow.innerText()).resolves.toMatch(/text 256 B, photo 1024 B \(content masked\)/);
    await expect(readRow.innerText()).resolves.toMatch(/\[1280 B masked\]/);
    await page.getByTestId('frames-idreader').getByText(/readBase \(30 01\)/).first().waitFor({ timeout: UI_WAIT_MS });

    // Neither the page nor the bridge's frame log holds the holder's number, name or address.
    const dom = (await page.content()) + (await page.locator('body').innerText());
    for (const secret of [resident.idNumber, resident.name, resident.address]) {
      const at = dom.indexOf(secret);
      expect(at, `page shows ${secret}: …${dom.slice(Math.max(0, at - 200), at + 50)}…`).toBe(-1);
    }
    const api = await pageGet<TechDeviceInfo[]>(page, '/api/tech/devices');
    const log = JSON.stringify(api.body.find((d) => d.status.id === 'idreader')!.frames);
    expect(log).toContain('read reply');
    for (const secret of [resident.idNumber, resident.name, resident.address, resident.idNumber.slice(6, 14)]) {
      expect(log.includes(secret), `frame log holds ${secret}`).toBe(false);
    }
    await shoot(page, 'card-read');

  }, 300_000);

  it('a card placed from the console greets its holder on the kiosk', async () => {
    const kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 1 });
    pages.push(kiosk);
    await kiosk.goto(`${bridge.url}/`);
    await kiosk.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: UI_WAIT_MS });
    const page = await openTech();
    await logIn(page, 'tech', DEMO_PASSWORDS.tech);
    await page.locator('[data-testid="device-idreader"][data-state="online"]').waitFor({ timeout: UI_WAIT_MS });
    // The card from the previous test is taken away first, so this placement is a new one.
    await page.getByTestId('sim-idreader').getByRole('button', { name: /取走/ }).click();
    await page.getByTestId('sim-card').filter({ hasText: '无 / none' }).waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('card-library').selectOption(CARD_KEY);
    await page.getByTestId('sim-place-card').getByRole('button').click();
    await kiosk.locator('[data-screen="greeting"]').waitFor({ timeout: UI_WAIT_MS });
    await expect(kiosk.getByTestId('holder-id').innerText()).resolves.toBe(MASKED_NUMBER);
    await kiosk.screenshot({ path: join(screensDir, 'tech-kiosk-greeting.png') });
    await page.getByTestId('sim-idreader').getByRole('button', { name: /取走/ }).click();
  }, 300_000);

  it('self-tests run through the drivers; a test page is printed and shown as an image', async () => {
    const page = await openTech();
    await logIn(page, 'tech', DEMO_PASSWORDS.tech);
    const reader = page.getByTestId('device-idreader');
    await page.locator('[data-testid="device-idreader"][data-state="online"]').waitFor({ timeout: UI_WAIT_MS });
    await reader.getByTestId('action-samStatus').getByRole('button').click();
    const sam = reader.getByTestId('action-samStatus').getByTestId('outcome');
    await sam.waitFor({ timeout: UI_WAIT_MS });
    await expect(sam.getAttribute('data-code')).resolves.toBe('success');

    await page.locator('[data-testid="device-printer"][data-state="online"]').waitFor({ timeout: UI_WAIT_MS });
    const printer = page.getByTestId('device-printer');
    await printer.getByTestId('action-printTestPage').getByRole('button').click();
    const printed = printer.getByTestId('action-printTestPage').getByTestId('outcome');
    await printed.waitFor({ timeout: 120_000 });
    await expect(printed.getAttribute('data-code')).resolves.toBe('success');
    // The simulated printer's ticket, proxied through the bridge, as a PNG the browser decoded.
    const img = page.getByTestId('tickets').locator('img').first();
    await img.waitFor({ timeout: UI_WAIT_MS });
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: UI_WAIT_MS }).toBeGreaterThan(100);
    // The print job's bytes are in the printer's frame log only as a size and the first bytes.
    await page.getByTestId('frames-printer').getByText(/print data, \d+ B/).first().waitFor({ timeout: UI_WAIT_MS });
    await shoot(page, 'selftests');
  }, 300_000);

  it('a code presented from the scanner controls shows as a preview only, in the event line and the frame log; the scan self-test reads it', async () => {
    const secret = 'GDID1.eyJzdWIiOiJ0ZWNoLWUyZSJ9.U0VDUkVULVNJR05BVFVSRQ';
    const page = await openTech();
    await logIn(page, 'tech', DEMO_PASSWORDS.tech);
    await page.locator('[data-testid="device-qrscanner"][data-state="online"]').waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('sim-scanner-code').fill(secret);
    await page.getByTestId('sim-scanner-present').getByRole('button').click();
    await page.getByTestId('code-event').filter({ hasText: `GDID1.… (${secret.length} B)` }).waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId('frames-qrscanner').getByText(/code GDID1\.… \(\d+ B\)/).first().waitFor({ timeout: UI_WAIT_MS });
    const scanner = page.getByTestId('device-qrscanner');
    await scanner.getByTestId('action-selfTest').getByRole('button').click();
    const outcome = scanner.getByTestId('action-selfTest').getByTestId('outcome');
    await outcome.waitFor({ timeout: UI_WAIT_MS });
    await expect(outcome.getAttribute('data-code')).resolves.toBe('success');
    await expect(outcome.innerText()).resolves.toContain('GDID1.…');
    const dom = (await page.content()) + (await page.locator('body').innerText());
    expect(dom.includes('U0VDUkVU'), 'the page shows the code past its preview').toBe(false);
    const api = await pageGet<TechDeviceInfo[]>(page, '/api/tech/devices');
    expect(JSON.stringify(api.body.find((d) => d.status.id === 'qrscanner')!.frames).includes('U0VDUkVU')).toBe(false);
    await shoot(page, 'scanner');
  }, 300_000);

  it('a technician replays a simulated recording (0 divergences), a truncated one (where it stopped) and a newer one (refused)', async () => {
    const recordings = join(workDir, 'data', 'recordings');
    mkdirSync(recordings, { recursive: true });
    const good = await recordSimulatedSession(recordings);
    const whole = readFileSync(join(recordings, good));
    const truncated = 'rec-20260101T000000Z-trunc-000.odrec';
    writeFileSync(join(recordings, truncated), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const newer = Buffer.from(whole);
    newer.writeUInt16BE(7, RECORDING_MAGIC.length);
    const newerName = 'rec-20260102T000000Z-newer-000.odrec';
    writeFileSync(join(recordings, newerName), newer);

    const page = await openTech();
    await logIn(page, 'tech', DEMO_PASSWORDS.tech);
    const row = (name: string) => page.getByTestId('recording-file').filter({ hasText: name });
    await row(good).waitFor({ timeout: UI_WAIT_MS });
    await row(good).getByTestId('replay-start').click();
    const result = page.locator('[data-testid="replay"][data-state="done"] [data-testid="replay-result"]');
    await result.waitFor({ timeout: 120_000 });
    await expect(result.innerText()).resolves.toContain('0 divergences');
    await expect(page.getByTestId('replay-device-reader').innerText()).resolves.toMatch(/(\d+) \/ \1 次交互/);
    await shoot(page, 'replay-ok');

    await row(truncated).getByTestId('replay-start').click();
    const damage = page.locator('[data-testid="replay"][data-state="done"] [data-testid="replay-damage"]');
    await damage.waitFor({ timeout: 120_000 });
    await expect(damage.innerText()).resolves.toMatch(new RegExp(`${truncated}: stopped at byte \\d+ \\(record \\d+\\)`));
    await shoot(page, 'replay-truncated');

    await row(newerName).getByTestId('replay-start').click();
    await expect(page.getByTestId('replay-refused').innerText({ timeout: UI_WAIT_MS })).resolves.toContain('version 7');
    // The live devices were never handed over: the console's reader is still online.
    await page.locator('[data-testid="device-idreader"][data-state="online"]').waitFor({ timeout: UI_WAIT_MS });
  }, 400_000);

  it('a manager sees everything read-only; logging out shows the login again', async () => {
    const page = await openTech();
    await logIn(page, 'manager', DEMO_PASSWORDS.manager);
    await expect(page.getByTestId('user').innerText()).resolves.toContain('view only');
    await page.getByTestId('device-printer').waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('device-printer').getByTestId('action-printTestPage').getByRole('button').isDisabled()).resolves.toBe(true);
    await page.getByTestId('sim-place-card').waitFor({ timeout: UI_WAIT_MS });
    await expect(page.getByTestId('sim-place-card').getByRole('button').isDisabled()).resolves.toBe(true);
    // A technician's tablet held upright: one column, still usable by touch (looked at, not measured).
    await page.setViewportSize({ width: 800, height: 1280 });
    await shoot(page, 'tablet-manager');
    const statuses = bridge.devices.statuses() as DeviceStatus[];
    expect(statuses.map((s) => s.id).sort()).toEqual(['counterbus', 'idreader', 'printer', 'qrscanner']);

    await page.getByTestId('logout').click();
    await page.getByTestId('tech-login').waitFor({ timeout: UI_WAIT_MS });
    expect((await pageGet(page, '/api/tech/devices')).status).toBe(401);
  }, 200_000);
});
