// The QR scanner driver end to end: QrScannerSim behind a real PTY (socat + serialport), the whole bridge
// (startBridge, built-in scanner driver) and socket.io /tech and /kiosk clients. Start-up check and mode set,
// codes to codeScanned, garbage and over-long codes dropped and counted, a silent engine going offline, reconnect,
// the self-test, suffix "none", privacy of logs and frames.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../device-bridge/src/log.ts';
import { presentAndRead, startScannerRig, until, type ScannerRig, type ScannerRigOptions } from './qrscanner-rig.ts';

const rigs: ScannerRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(opts: Partial<ScannerRigOptions> = {}): Promise<ScannerRig> {
  const r = await startScannerRig({ link: 'pty', ...opts, options: { watchdogMs: 200, ...opts.options } });
  rigs.push(r);
  return r;
}

const online = (r: ScannerRig) => until(() => r.state() === 'online', 'scanner online');
const TOKEN = 'GDID1.eyJ2IjoxLCJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXNlY3JldA';

describe('QR scanner driver over a PTY (9600)', () => {
  it('start-up: reads the mode, sets sense mode and CR on a factory engine, saves once; no save when nothing changed', async () => {
    const r = await rig({ beforeBridge: async (sim) => { await sim.act('factory-reset', {}); sim.engine.ram[0x60] = 2; sim.engine.flash[0x60] = 2; } });
    await online(r);
    expect(r.sim.mode).toBe('sense');
    expect(r.sim.suffix).toBe('cr');
    expect(r.sim.engine.saves).toBe(1);
    expect(r.driver.status().detail).toMatch(/sense mode \(was manual\), suffix CR \(was crlf\); saved to flash/);
    expect(r.counters()).toMatchObject({ settingsWritten: 2, settingsSaved: 1 });
    // The start-up again (as after a reconnect): settings already right, flash spared.
    expect((await r.command('applySettings')).code).toBe('success');
    expect(r.sim.engine.saves).toBe(1);
  });

  it('a presented code reaches /tech and /kiosk as codeScanned (preview and length only); the bridge keeps the whole code', async () => {
    const r = await rig();
    await online(r);
    const ev = await presentAndRead(r, TOKEN);
    expect(ev).toMatchObject({ deviceId: 'scanner', seq: 1, length: TOKEN.length, preview: `GDID1.… (${TOKEN.length} B)`, encoding: 'utf8' });
    await until(() => r.kioskCodes.length === 1, 'codeScanned on /kiosk');
    expect(r.kioskCodes[0]).toEqual(ev);
    expect(JSON.stringify([...r.techCodes, ...r.kioskCodes])).not.toContain('c2lnbmF0dXJl');
    expect(r.codes.map((c) => c.text)).toEqual([TOKEN]);
    // The frame log shows the code as a preview, never its bytes.
    await until(() => r.frames.some((f) => f.summary.startsWith('code ')), 'the code in the frame log');
    const entry = r.frames.find((f) => f.summary.startsWith('code '))!;
    expect(entry).toMatchObject({ dir: 'rx', length: TOKEN.length, hex: '' });
    expect(JSON.stringify(r.frames)).not.toMatch(/c2lnbmF0dXJl|63 32 6C 6E/);
    expect(r.frames.some((f) => f.dir === 'tx' && /read 0x0000 ×1/.test(f.summary))).toBe(true);
  });

  it('garbage and an over-long code are dropped and counted, and the next code reads', async () => {
    const r = await rig();
    await online(r);
    await r.sim.garbage(40);
    await new Promise((res) => setTimeout(res, 700)); // the stale-partial limit (500 ms) passes
    await r.sim.overlong(800);
    const ev = await presentAndRead(r, 'A012');
    expect(ev).toMatchObject({ length: 4, preview: 'A0… (4 B)' });
    expect(r.techCodes).toHaveLength(1);
    const c = r.counters();
    expect(c.overLength).toBe(1);
    expect(c.garbage).toBeGreaterThanOrEqual(1);
    expect(c.discardedBytes).toBeGreaterThanOrEqual(800 + 1);
    expect(c.codesRead).toBe(1);
  });

  it('a 512-byte code read while the watchdog polls fast: the reply queued behind it neither cuts the code nor counts as silence', async () => {
    const r = await rig({ options: { watchdogMs: 60, maxSilentPolls: 1 } });
    await online(r);
    const long = `https://hall.example.gov.cn/m/${'x'.repeat(512 - 30)}`;
    expect(long).toHaveLength(512);
    const ev = await presentAndRead(r, long);
    expect(ev.length).toBe(512);
    expect(r.codes.map((c) => c.text)).toEqual([long]);
    expect(r.state()).toBe('online');
    expect(r.counters().reconnects).toBe(0);
  });

  it('a burst of codes in one write comes out as one codeScanned each, in order', async () => {
    const r = await rig();
    await online(r);
    await r.sim.burst(8, 'Q');
    await until(() => r.codes.length === 8, 'eight codes');
    expect(r.codes.map((c) => c.text)).toEqual(Array.from({ length: 8 }, (_, i) => `Q-${i + 1}`));
    await until(() => r.techCodes.length === 8, 'eight codeScanned');
    expect(r.techCodes.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a silent engine goes offline; once it answers again the driver comes back online (and codes read again)', async () => {
    const r = await rig({ options: { watchdogMs: 150, maxSilentPolls: 2 } });
    await online(r);
    await r.sim.act('silent', { state: 'on' });
    await until(() => r.state() === 'offline', 'offline after silent polls');
    expect(r.driver.status().lastError?.code).toMatch(/watchdog|timeOut/);
    await r.sim.act('silent', { state: 'off' });
    await online(r);
    await presentAndRead(r, 'BACK-AGAIN');
  });

  it('reconnects when the port vanishes and comes back, and restores a mode lost in a power cycle without save', async () => {
    const r = await rig({ options: { saveSettings: false } });
    await online(r);
    await r.running.link.vanish();
    await until(() => r.state() === 'offline', 'offline with the port gone');
    await r.running.link.restore();
    await online(r);
    expect(r.counters().reconnects).toBeGreaterThanOrEqual(1);
    // Settings not saved: a power cycle brings the factory manual mode back; the watchdog sets sense mode again.
    r.sim.powerCycle();
    await r.sim.expectMode('manual', 100).catch(() => undefined);
    await r.sim.expectMode('sense', 10_000);
    expect(r.counters().modeRestored).toBeGreaterThanOrEqual(1);
    await presentAndRead(r, 'AFTER-POWER-CYCLE');
  });

  it('waits out the engine\'s power-up delay (no answer for 500 ms) and then comes online', async () => {
    const r = await rig({ sim: { powerUpMs: 500 }, beforeBridge: (sim) => sim.powerCycle() });
    await online(r);
    expect(r.sim.counters.ignored + r.sim.counters.replies).toBeGreaterThan(0);
  });

  it('self-test: a command-triggered scan of the test code in view, preview only, then sense mode again', async () => {
    const r = await rig();
    await online(r);
    // The technician holds a test code in view (sense mode sends it once: a normal codeScanned).
    await presentAndRead(r, 'SELFTEST-CODE-123');
    const c = await r.command('selfTest', {}, 8000);
    expect(c.code).toBe('success');
    expect(c.result).toMatchObject({ answered: true, triggered: true, code: { length: 17, preview: 'SELFTE… (17 B)' } });
    expect(r.sim.counters.triggers).toBe(1);
    await r.sim.expectMode('sense');
    await online(r);
    // The self-test's code is the technician's, not a citizen's: no second codeScanned.
    expect(r.techCodes).toHaveLength(1);
    const settings = await r.command('readSettings');
    expect(settings.result).toMatchObject({ mode: 'sense', suffix: 'cr', baudRegister: '39 01' });
  });

  it('with no suffix configured, codes end on a silence of 50 ms', async () => {
    const r = await rig({ options: { suffix: 'none' } });
    await online(r);
    expect(r.sim.suffix).toBe('none');
    await r.sim.burst(3, 'N');
    await until(() => r.codes.length === 3, 'three codes split by silences');
    expect(r.codes.map((c) => c.text)).toEqual(['N-1', 'N-2', 'N-3']);
  });

  it('logs a code as preview and length only (a code may be a bearer token)', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
    const r = await rig({ log });
    await online(r);
    await presentAndRead(r, TOKEN);
    const all = lines.join('');
    expect(all).toContain('code scanned');
    expect(all).not.toContain('c2lnbmF0dXJl');
  });

  it('a bad option is refused when the config is loaded, naming the field', async () => {
    await expect(rig({ options: { suffix: 'tab' } })).rejects.toThrow(/devices\.0\.options\.suffix|suffix/);
  });
});
