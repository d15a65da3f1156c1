/**
 * Record and replay over real PTYs (README "Record and replay"): a bridge records a scripted session with the
 * reader simulator, including a fault (a garbled read, answered by the SAM with SW3 41, every GARBLE_EVERY-th
 * read); a fresh bridge is then run against a ReplayDevice playing that recording back. The fresh bridge must see
 * the same card reads and card errors in the same order, with zero divergences. Scanned codes are recorded masked
 * (no identity code or capability on disk) and still replay as codes of the same lengths.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecording, type CardErrorEvent, type CardReadEvent, type RecordingRecord } from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeHandle } from '../../device-bridge/src/index.ts';
import { IdReaderSim } from '../../simulators/src/idreader/index.ts';
import { PrinterSim } from '../../simulators/src/printer/index.ts';
import { QrScannerSim } from '../../simulators/src/qrscanner/index.ts';
import type { ScannedCode } from '../../device-bridge/src/devices/qrScanner/index.ts';
import { buildReplayScript, ReplayDevice, startSimulator, type SimDevice } from '../../simulators/src/index.ts';
import { untilWith } from '../support/until.ts';

const until = untilWith({ limitMs: 30_000, stepMs: 20 });
/** The scenario garbles every 20th read; 10 reads with every 5th garbled keep the test short. */
const READS = 10;
const GARBLE_EVERY = 5;
const CARDS = ['zhang-sanfeng', 'ouyang-zhiqiang', 'wei-xiulan', 'liang-junjie'];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Run {
  bridge: BridgeHandle;
  /** `/kiosk` card events in order: `read:<cardType>` or `error:<code>`. */
  events: string[];
  reads: CardReadEvent[];
}

async function bridgeOn(dir: string, path: string, recording: boolean): Promise<Run> {
  const bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      devices: [{ id: 'reader', kind: 'idreader', path, baud: 115200, options: { pollMs: 100 } }],
      recording: { enabled: recording, dir: join(dir, 'recordings') },
      options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
    },
    { log: silentLogger() },
  );
  cleanups.push(() => bridge.close());
  const kiosk: Socket = connect(`${bridge.url}/kiosk`, {
    transports: ['websocket'],
    auth: { screenSecret: bridge.kioskScreenSecret, screenId: `replay-${process.pid}-${dir.length}` },
  });
  cleanups.push(() => void kiosk.disconnect());
  const run: Run = { bridge, events: [], reads: [] };
  kiosk.on('cardRead', (e: CardReadEvent) => {
    run.events.push(`read:${e.holder.cardType}`);
    run.reads.push(e);
  });
  kiosk.on('cardError', (e: CardErrorEvent) => run.events.push(`error:${e.code}`));
  await new Promise<void>((resolve, reject) => {
    kiosk.once('connect', () => resolve());
    kiosk.once('connect_error', reject);
  });
  return run;
}

const state = (r: Run) => r.bridge.devices.get('reader')!.status().state;
const polls = (r: Run) => r.bridge.devices.get('reader')!.status().counters.polls ?? 0;

async function somePolls(r: Run, n = 3): Promise<void> {
  const start = polls(r);
  await until(() => polls(r) >= start + n, `${n} more polls`);
}

interface PrinterRun {
  bridge: BridgeHandle;
  /** Every printer status the bridge reported, as `state/paper`. */
  states: string[];
}

async function printerBridge(dir: string, path: string, recording: boolean, options: Record<string, unknown>): Promise<PrinterRun> {
  const bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      devices: [{ id: 'printer', kind: 'printer', path, baud: 115200, options }],
      recording: { enabled: recording, dir: join(dir, 'recordings') },
      options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
    },
    { log: silentLogger() },
  );
  cleanups.push(() => bridge.close());
  const run: PrinterRun = { bridge, states: [] };
  const driver = bridge.devices.get('printer')!;
  driver.on('status', (s) => run.states.push(`${s.state}/${s.paper ?? '-'}`));
  return run;
}

const printerState = (r: PrinterRun) => r.bridge.devices.get('printer')!.status().state;

async function somePrinterPolls(r: PrinterRun): Promise<void> {
  const c = () => r.bridge.devices.get('printer')!.status().counters;
  const start = JSON.stringify(c());
  await until(() => JSON.stringify(c()) !== start, 'a few more polls');
}

/** Consecutive repeats removed, and the start-up states (`starting`) left out: what a technician would list. */
function dedupe(states: string[]): string[] {
  return states.filter((s, i) => !s.startsWith('starting') && s !== states[i - 1]);
}

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `od-replay-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function recordingOf(dir: string): RecordingRecord[] {
  const files = readdirSync(join(dir, 'recordings')).sort();
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((f) => {
    const r = readRecording(readFileSync(join(dir, 'recordings', f)));
    expect(r.damage).toBeNull();
    return r.records;
  });
}

async function startPty(device: SimDevice, dir: string, baud = 115200) {
  const running = await startSimulator(device, { link: 'pty', baud, dir });
  cleanups.push(() => running.close());
  return running;
}

describe('record and replay (PTY)', () => {
  it('a recorded fault session replays against a fresh bridge: same card reads and errors in the same order, no divergence', async () => {
    // 1. Record: simulator with fault injection, bridge recording from start-up (config).
    const recDir = tempDir('rec');
    const sim = new IdReaderSim({ id: `replay-src-${process.pid}`, timing: 'fast' });
    const simRun = await startPty(sim, recDir);
    const original = await bridgeOn(recDir, simRun.path!, true);
    await until(() => state(original) === 'online', 'reader online');
    for (let i = 1; i <= READS; i++) {
      const before = original.events.length;
      if (i % GARBLE_EVERY === 0) await sim.act('fail-read', { sw3: '41' });
      sim.placeCard(CARDS[i % CARDS.length]);
      await until(() => original.events.length > before, `card event ${i}`);
      sim.removeCard();
      await somePolls(original);
    }
    await original.bridge.close();
    const expected = original.events;
    expect(expected.filter((e) => e.startsWith('error:'))).toHaveLength(READS / GARBLE_EVERY);
    expect(expected.filter((e) => e.startsWith('read:'))).toHaveLength(READS - READS / GARBLE_EVERY);

    // 2. Replay: the recording's device side behind a PTY, a fresh bridge (no recording) against it.
    const records = recordingOf(recDir);
    const script = buildReplayScript(records, 'reader');
    expect(script.length).toBeGreaterThan(READS * 3);
    const playDir = tempDir('play');
    const replay = new ReplayDevice({ id: 'reader', kind: 'idreader', script, speed: 1 });
    const playRun = await startPty(replay, playDir);
    const fresh = await bridgeOn(playDir, playRun.path!, false);
    await until(() => replay.finished, () => `replay to reach its end (at ${JSON.stringify(replay.snapshot()).slice(0, 400)})`, 60_000);
    await until(() => fresh.events.length >= expected.length, 'the same number of card events');
    expect(fresh.events).toEqual(expected);
    const report = replay.divergenceReport();
    expect(report.divergences).toEqual([]);
    expect(report.matched).toBe(script.filter((e) => e.tx.length > 0).length);
    // What the fresh bridge read is the synthetic holder the recording carries, never the card's.
    expect(fresh.reads.every((r) => r.holder.idNumberMasked.startsWith('1101'))).toBe(true);
  }, 120_000);

  it('a printer answering status late and running out of paper replays with the same printer states in the same order', async () => {
    const recDir = tempDir('prn');
    const sim = new PrinterSim({ id: `replay-prn-${process.pid}` });
    const simRun = await startPty(sim, recDir);
    // Status polled every 600 ms, a reply later than 300 ms is a failed poll (wide enough that a loaded CI machine's
    // ordinary replies never miss it; the late ones come 500 ms after). Two late replies, not three: a third
    // would recycle the link, and a late reply crossing a port reopen lands in the new connection at a moment
    // replay cannot reproduce (the PTY keeps it while the port is closed).
    const options = { pollIntervalMs: 600, statusTimeoutMs: 300 };
    const original = await printerBridge(recDir, simRun.path!, true, options);
    await until(() => printerState(original) === 'online', 'printer online');
    await sim.act('paper', { state: 'low' });
    await until(() => original.states.at(-1)?.endsWith('/low'), 'paper low seen');
    const timeouts = (r: PrinterRun) => r.bridge.devices.get('printer')!.status().counters.timeouts ?? 0;
    const t0 = timeouts(original);
    await sim.act('status-late', { ms: 500, count: 2 });
    await until(() => timeouts(original) >= t0 + 2, 'two status polls timed out');
    await somePrinterPolls(original);
    await sim.act('paper', { state: 'out' });
    await until(() => original.states.at(-1)?.endsWith('/out'), 'paper out seen');
    await sim.act('paper', { state: 'ok' });
    await until(() => original.states.at(-1) === 'online/full', () => `paper back (${original.states.join(' ')})`);
    await somePrinterPolls(original);
    await original.bridge.close();
    const expected = dedupe(original.states);
    const lateReplies = timeouts(original);
    expect(expected).toContain('userError/out');

    const script = buildReplayScript(recordingOf(recDir), 'printer');
    const playDir = tempDir('prn-play');
    const replay = new ReplayDevice({ id: 'printer', kind: 'printer', script });
    const playRun = await startPty(replay, playDir);
    const fresh = await printerBridge(playDir, playRun.path!, false, options);
    await until(() => replay.finished, 'replay to reach its end', 60_000);
    // Sampled as the script ends: polls after it get no answer (the recording has none) and time out.
    const freshTimeouts = timeouts(fresh);
    await until(() => dedupe(fresh.states).length >= expected.length, () => `the same printer states (${dedupe(fresh.states).join(' ')} vs ${expected.join(' ')})`);
    expect(dedupe(fresh.states).slice(0, expected.length)).toEqual(expected);
    expect(freshTimeouts).toBe(lateReplies);
    expect(replay.divergenceReport().divergences).toEqual([]);
  }, 120_000);

  it('scanned codes are recorded masked and replay as codes of the same lengths, with no divergence', async () => {
    const CODES = ['ODI1.eyJzdWIiOnsibiI6IjQ0MDEwNjE5NzkwMzIxNTYzMSJ9fQ.c2lnbmF0dXJl', 'https://hall.example/m/t#c=Y2FwYWJpbGl0eQ'];
    const scannerBridge = async (dir: string, path: string, recording: boolean) => {
      const bridge = await startBridge(
        {
          http: { host: '127.0.0.1', port: 0 },
          dataDir: join(dir, 'data'),
          devices: [{ id: 'scanner', kind: 'qrscanner', path, baud: 9600 }],
          recording: { enabled: recording, dir: join(dir, 'recordings') },
          options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
        },
        { log: silentLogger() },
      );
      cleanups.push(() => bridge.close());
      const codes: ScannedCode[] = [];
      bridge.devices.get('scanner')!.on('codeRead', (c: ScannedCode) => codes.push(c));
      await until(() => bridge.devices.get('scanner')!.status().state === 'online', 'scanner online');
      return { bridge, codes };
    };
    const recDir = tempDir('qr');
    const sim = new QrScannerSim({ id: `replay-qr-${process.pid}` });
    const original = await scannerBridge(recDir, (await startPty(sim, recDir, 9600)).path!, true);
    for (const code of CODES) {
      const before = original.codes.length;
      await sim.act('present', { code });
      await until(() => original.codes.length > before, 'the code read');
      await sim.act('remove', {});
    }
    await original.bridge.close();
    expect(original.codes.map((c) => c.text)).toEqual(CODES);
    const records = recordingOf(recDir);
    const recorded = Buffer.concat(records.flatMap((r) => (r.type === 'data' && r.dir === 'rx' ? [r.bytes] : []))).toString('latin1');
    for (const code of CODES) expect(recorded.includes(code.slice(0, 8)) || recorded.includes(code.slice(-8))).toBe(false);

    const script = buildReplayScript(records, 'scanner');
    const playDir = tempDir('qr-play');
    const replay = new ReplayDevice({ id: 'scanner', kind: 'qrscanner', script });
    const fresh = await scannerBridge(playDir, (await startPty(replay, playDir, 9600)).path!, false);
    await until(() => replay.finished, 'replay to reach its end', 60_000);
    await until(() => fresh.codes.length >= CODES.length, () => `the same number of codes (${fresh.codes.length})`);
    expect(fresh.codes.map((c) => c.bytes.length)).toEqual(CODES.map((c) => Buffer.byteLength(c)));
    expect(fresh.codes.map((c) => c.text)).not.toContain(CODES[0]);
    expect(replay.divergenceReport().divergences).toEqual([]);
  }, 120_000);

  it('a bridge that asks something else gets a divergence report naming the command and what was expected', () => {
    const records: RecordingRecord[] = [
      { type: 'port', tUs: 0, device: 'reader', event: 'open', detail: '' },
      { type: 'note', tUs: 10, device: 'reader', text: 'find card' },
      { type: 'data', tUs: 11, device: 'reader', dir: 'tx', bytes: Uint8Array.of(1, 2, 3) },
      { type: 'data', tUs: 500, device: 'reader', dir: 'rx', bytes: Uint8Array.of(9) },
      { type: 'note', tUs: 900, device: 'reader', text: 'read card' },
      { type: 'data', tUs: 901, device: 'reader', dir: 'tx', bytes: Uint8Array.of(4, 5) },
    ];
    const replay = new ReplayDevice({ id: 'reader', kind: 'idreader', script: buildReplayScript(records, 'reader') });
    replay.receive(Uint8Array.of(1, 2, 3));
    replay.receive(Uint8Array.of(7, 7));
    const report = replay.divergenceReport();
    expect(report.matched).toBe(1);
    expect(report.divergences).toEqual([{ exchange: 1, command: 'read card', expected: '04 05', received: '07 07', skipped: 0 }]);
    replay.close();
  });
});
