/**
 * One replay of a recording for the technician console (README "Record and replay", "Replaying from /tech"): a
 * child process the bridge starts (device-bridge/src/recording/replayJob.ts) so that neither the live devices nor
 * the live store are touched. It sits at the top of the house (architecture.md: the bridge never imports the
 * simulators; what starts both lives outside them, like the demo launcher): each recorded device behind a
 * ReplayDevice on its own PTY in a temp folder, and a fresh bridge (own temp data folder, SQLite, no hall link, no
 * recording, port 0 on 127.0.0.1) whose config names those PTYs.
 *
 *   tsx scripts/replay/replayRun.ts '<json>'   json: ReplayRunInput
 *
 * It speaks JSON lines on stdout (ReplayRunLine): `started`, `progress` (about twice a second), `done` with every
 * device's divergence report, or `failed`. It ends when every device reached the end of its script, when no device
 * moved on for `stallMs` (the fresh bridge stopped asking what the recording expects), or on SIGTERM.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { readRecording, RecordingFormatError, type RecordingRecord } from '@onedoor/protocol';
import { silentLogger, startBridge, type BridgeHandle } from '../../device-bridge/src/index.ts';
import { buildReplayScript, ReplayDevice, startSimulator, type RunningSimulator, type SimKind } from '../../simulators/src/index.ts';

const inputSchema = z.object({
  /** The recording's segments of one session, in order. */
  files: z.array(z.string().min(1)).min(1),
  speed: z.number().positive().max(1000).default(1),
  /** The live config's settings for devices of the same id (baud, driver options); never their paths. */
  devices: z.array(z.object({ id: z.string(), kind: z.string(), baud: z.number().int().optional(), options: z.record(z.string(), z.unknown()).optional() })).default([]),
  stallMs: z.number().int().positive().default(20_000),
});
export type ReplayRunInput = z.input<typeof inputSchema>;

export interface ReplayDeviceProgress {
  id: string;
  kind: string;
  exchanges: number;
  /** Exchanges answered or skipped so far. */
  at: number;
  matched: number;
  divergences: number;
}

export type ReplayRunLine =
  | { type: 'started'; devices: ReplayDeviceProgress[]; skipped: { id: string; kind: string; why: string }[]; damage: string | null }
  | { type: 'progress'; devices: ReplayDeviceProgress[] }
  | { type: 'done'; devices: ReplayDeviceProgress[]; reports: ReturnType<ReplayDevice['divergenceReport']>[]; stalled: string | null }
  | { type: 'failed'; reason: 'newerVersion' | 'unreadable' | 'nothingToReplay' | 'error'; message: string; version?: number };

/** The serial kinds the simulators can replay, with the line speed when the live config does not name one. */
const SERIAL_BAUD: Record<string, number> = { idreader: 115200, printer: 115200, counterbus: 9600, qrscanner: 9600 };

function say(line: ReplayRunLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function progressOf(running: Array<{ device: ReplayDevice; kind: string }>): ReplayDeviceProgress[] {
  return running.map(({ device, kind }) => {
    const r = device.divergenceReport();
    const at = Number((device.snapshot() as { at: number }).at);
    return { id: device.id, kind, exchanges: r.exchanges, at, matched: r.matched, divergences: r.divergences.length };
  });
}

async function main(): Promise<void> {
  const parsed = inputSchema.safeParse(JSON.parse(process.argv[2] ?? '{}'));
  if (!parsed.success) {
    say({ type: 'failed', reason: 'error', message: `bad replay request: ${parsed.error.message}` });
    process.exit(2);
  }
  const input = parsed.data;
  const records: RecordingRecord[] = [];
  let header: { id: string; kind: string }[] = [];
  let damage: string | null = null;
  for (const f of input.files) {
    try {
      const read = readRecording(readFileSync(f));
      if (header.length === 0) header = read.header.devices;
      records.push(...read.records);
      if (read.damage) {
        // docs/recording-format.md: a reader stops at the first damaged record; replay what came before it.
        damage = `${f.split('/').pop()}: ${read.damage.message}`;
        break;
      }
    } catch (err) {
      const e = err as Error;
      if (e instanceof RecordingFormatError && e.newerVersion !== undefined) say({ type: 'failed', reason: 'newerVersion', message: e.message, version: e.newerVersion });
      else say({ type: 'failed', reason: 'unreadable', message: `${f.split('/').pop()}: ${e.message}` });
      process.exit(1);
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'od-tech-replay-'));
  const running: Array<{ device: ReplayDevice; kind: string; sim: RunningSimulator<ReplayDevice> }> = [];
  const skipped: { id: string; kind: string; why: string }[] = [];
  let bridge: BridgeHandle | null = null;
  let closing = false;
  const close = async () => {
    closing = true;
    await bridge?.close().catch(() => undefined);
    for (const r of running) await r.sim.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const d of header) {
      if (!(d.kind in SERIAL_BAUD)) {
        skipped.push({ id: d.id, kind: d.kind, why: 'no serial replay for this kind' });
        continue;
      }
      const script = buildReplayScript(records, d.id);
      if (script.length === 0) {
        skipped.push({ id: d.id, kind: d.kind, why: 'nothing recorded' });
        continue;
      }
      const live = input.devices.find((x) => x.id === d.id && x.kind === d.kind);
      const baud = live?.baud ?? SERIAL_BAUD[d.kind];
      const device = new ReplayDevice({ id: d.id, kind: d.kind as SimKind, script, speed: input.speed });
      const sim = await startSimulator(device, { link: 'pty', baud, dir: join(dir, 'pty') });
      running.push({ device, kind: d.kind, sim });
    }
    if (running.length === 0) {
      say({ type: 'failed', reason: 'nothingToReplay', message: damage ?? 'the recording holds no serial device traffic to replay' });
      await close();
      process.exit(1);
    }
    say({ type: 'started', devices: progressOf(running), skipped, damage });
    bridge = await startBridge(
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir: join(dir, 'data'),
        devices: running.map(({ device, kind, sim }) => {
          const live = input.devices.find((x) => x.id === device.id && x.kind === kind);
          return { id: device.id, kind, path: sim.path!, baud: live?.baud ?? SERIAL_BAUD[kind], options: live?.options ?? {} };
        }),
        recording: { enabled: false, dir: join(dir, 'recordings') },
        options: { logLevel: 'silent' },
      } as Parameters<typeof startBridge>[0],
      { log: silentLogger() },
    );
  } catch (err) {
    say({ type: 'failed', reason: 'error', message: (err as Error).message });
    await close();
    process.exit(1);
  }

  let last = '';
  let lastMoveAt = Date.now();
  const finish = async (stalled: string | null) => {
    if (closing) return;
    const devices = progressOf(running);
    const reports = running.map((r) => r.device.divergenceReport());
    await close();
    say({ type: 'done', devices, reports, stalled });
    process.exit(0);
  };
  process.once('SIGTERM', () => void finish('stopped before the end of the recording'));
  // The bridge that started this went away (its end of the pipe closed): nobody is listening, end too.
  process.stdin.on('end', () => void finish('the bridge went away'));
  process.stdin.resume();
  const timer = setInterval(() => {
    const devices = progressOf(running);
    const key = JSON.stringify(devices);
    if (key !== last) {
      last = key;
      lastMoveAt = Date.now();
      say({ type: 'progress', devices });
    }
    if (running.every((r) => r.device.finished)) {
      clearInterval(timer);
      void finish(null);
    } else if (Date.now() - lastMoveAt > input.stallMs) {
      clearInterval(timer);
      const stuck = devices.filter((d) => d.at < d.exchanges).map((d) => `${d.id} at exchange ${d.at} of ${d.exchanges}`);
      void finish(`the fresh bridge stopped asking what the recording expects: ${stuck.join(', ')}`);
    }
  }, 500);
}

void main();
