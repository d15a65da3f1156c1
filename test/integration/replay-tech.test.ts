/**
 * Replaying from the technician console's REST routes (README "Record and replay", "Replaying from /tech"): a
 * bridge records its reader simulator (PTY) from start-up while cards are read; a technician (tech token) stops the
 * recording and replays the file. The replay is real: the bridge starts scripts/replay/replayRun.ts, which puts the
 * recording behind a ReplayDevice on a temp PTY and runs a fresh bridge against it. The answer: zero divergences,
 * every exchange matched. A truncated copy replays up to the damage and says where; a copy claiming a newer format
 * version is refused naming it; and the live reader kept polling throughout (the live device was never handed over).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_MAGIC } from '@onedoor/protocol';
import { silentLogger, startBridge, type BridgeHandle } from '../../device-bridge/src/index.ts';
import type { ReplayJobView } from '../../device-bridge/src/recording/replayJob.ts';
import { IdReaderSim, startSimulator, type RunningSimulator } from '../../simulators/src/index.ts';
import { untilWith } from '../support/until.ts';

const until = untilWith({ limitMs: 60_000, stepMs: 50 });
const TECH_TOKEN = 'replay-tech-token-0123456789abcdef';
const CARDS = ['zhang-sanfeng', 'wei-xiulan', 'liang-junjie'];

let dir: string;
let sim: IdReaderSim;
let simRun: RunningSimulator;
let bridge: BridgeHandle;
let recordings: string;
let recorded: string;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(`${bridge.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TECH_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: (await r.json()) as T };
}

async function replayToEnd(name: string): Promise<ReplayJobView> {
  const started = await api<{ replay: ReplayJobView }>('POST', `/api/tech/recordings/${name}/replay`, {});
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  let view: ReplayJobView | null = null;
  await until(async () => {
    view = (await api<{ replay: ReplayJobView | null }>('GET', '/api/tech/replay')).body.replay;
    return view?.state === 'done' || view?.state === 'failed';
  }, () => `the replay to end (${JSON.stringify(view)})`, 120_000);
  return view!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-replay-tech-'));
  recordings = join(dir, 'recordings');
  sim = new IdReaderSim({ id: `replay-tech-${process.pid}`, timing: 'fast' });
  simRun = await startSimulator(sim, { link: 'pty', baud: 115200, dir });
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      tokens: { tech: TECH_TOKEN },
      devices: [{ id: 'reader', kind: 'idreader', path: simRun.path!, baud: 115200, options: { pollMs: 100 } }],
      recording: { enabled: true, dir: recordings },
      options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
    },
    { log: silentLogger() },
  );
  const reader = () => bridge.devices.get('reader')!.status();
  await until(() => reader().state === 'online', 'reader online');
  for (const card of CARDS) {
    const reads = reader().counters.cardsRead ?? 0;
    sim.placeCard(card);
    await until(() => (reader().counters.cardsRead ?? 0) > reads, `card ${card} read`);
    sim.removeCard();
    const polls = reader().counters.polls ?? 0;
    await until(() => (reader().counters.polls ?? 0) >= polls + 3, 'a few polls without a card');
  }
  expect((await api('POST', '/api/tech/recordings/stop', {})).status).toBe(200);
  const files = readdirSync(recordings).filter((f) => f.endsWith('.odrec'));
  expect(files).toHaveLength(1);
  recorded = files[0];
}, 120_000);

afterAll(async () => {
  await bridge?.close();
  await simRun?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('replay from /tech (REST, real child process)', () => {
  it('a recording of a simulated session replays against simulators and a fresh bridge with zero divergences', async () => {
    const livePolls = bridge.devices.get('reader')!.status().counters.polls ?? 0;
    const view = await replayToEnd(recorded);
    expect(view.state, JSON.stringify(view.failure)).toBe('done');
    expect(view.stalled).toBeNull();
    expect(view.damage).toBeNull();
    expect(view.divergences).toBe(0);
    expect(view.reports).toHaveLength(1);
    const [report] = view.reports;
    expect(report.device).toBe('reader');
    expect(report.divergences).toEqual([]);
    expect(report.exchanges).toBeGreaterThan(CARDS.length * 3);
    expect(view.devices[0].at).toBe(report.exchanges);
    // The live reader was never handed over: it kept polling its own simulator while the replay ran.
    expect(bridge.devices.get('reader')!.status().counters.polls ?? 0).toBeGreaterThan(livePolls);
    expect(bridge.devices.get('reader')!.status().state).toBe('online');
  }, 180_000);

  it('a truncated recording replays up to the damage and says where it stopped', async () => {
    const whole = readFileSync(join(recordings, recorded));
    const name = 'rec-20260101T000000Z-trunc-000.odrec';
    const cut = Math.floor(whole.length * 0.6);
    writeFileSync(join(recordings, name), whole.subarray(0, cut));
    const view = await replayToEnd(name);
    expect(view.state, JSON.stringify(view.failure)).toBe('done');
    expect(view.damage).toMatch(new RegExp(`^${name}: stopped at byte \\d+ \\(record \\d+\\): record cut off`));
    const stoppedAt = Number(/stopped at byte (\d+)/.exec(view.damage!)![1]);
    expect(stoppedAt).toBeLessThanOrEqual(cut);
    // What came before the damage replays as recorded.
    expect(view.divergences).toBe(0);
    expect(view.reports[0].exchanges).toBeGreaterThan(0);
  }, 180_000);

  it('a recording of a newer format version is refused, naming that version; bad requests are refused with a reason', async () => {
    const whole = Buffer.from(readFileSync(join(recordings, recorded)));
    whole.writeUInt16BE(7, RECORDING_MAGIC.length);
    const name = 'rec-20260102T000000Z-newer-000.odrec';
    writeFileSync(join(recordings, name), whole);
    const refused = await api<{ error: string; message: string; version: number }>('POST', `/api/tech/recordings/${name}/replay`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('newerVersion');
    expect(refused.body.version).toBe(7);
    expect(refused.body.message).toContain('version 7');

    expect((await api('POST', '/api/tech/recordings/rec-20260103T000000Z-none-000.odrec/replay', {})).status).toBe(404);
    expect((await api('POST', '/api/tech/recordings/../../etc/replay', {})).status).toBe(404);
    const bad = await api<{ message: string }>('POST', `/api/tech/recordings/${recorded}/replay`, { speed: 'fast' });
    expect(bad.status).toBe(400);
  }, 60_000);
});
