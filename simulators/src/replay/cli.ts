/**
 * `npm run replay -- <file.odrec>... [--speed N] [--dir DIR] [--only DEVICE]` (README "Record and replay"):
 * plays each recorded device's side of a recording behind its own PTY (`<dir>/<device id>`), so a bridge on this
 * machine configured with those paths runs against the site's devices as they behaved. Segments of one session are
 * read in order; reading stops at the first damage, which is reported. On Ctrl-C, or when every device reached the
 * end of its script, prints the divergence report (JSON) and exits: 0 without divergences, 1 with some, 2 for a
 * bad command line or an unreadable recording.
 */
import { readFileSync } from 'node:fs';
import { readRecording, RecordingFormatError, type RecordingRecord } from '@onedoor/protocol';
import type { SimKind } from '../core/device.ts';
import { DEFAULT_PTY_DIR, startSimulator, type RunningSimulator } from '../link/index.ts';
import { ReplayDevice } from './replayDevice.ts';
import { buildReplayScript } from './replayScript.ts';

const KINDS: readonly string[] = ['idreader', 'printer', 'counterbus', 'qrscanner'];
const BAUD: Record<string, number> = { idreader: 115200, printer: 115200, counterbus: 9600, qrscanner: 9600 };

function fail(message: string): never {
  process.stderr.write(`replay: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { files: string[]; speed: number; dir: string; only: string | null } {
  const files: string[] = [];
  let speed = 1;
  let dir = DEFAULT_PTY_DIR;
  let only: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--speed') speed = Number(argv[++i]);
    else if (a === '--dir') dir = argv[++i] ?? fail('--dir needs a folder');
    else if (a === '--only') only = argv[++i] ?? fail('--only needs a device id');
    else if (a.startsWith('--')) fail(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) fail('usage: npm run replay -- <file.odrec>... [--speed N] [--dir DIR] [--only DEVICE]');
  if (!(speed > 0 && speed <= 1000)) fail('--speed must be a number in (0, 1000]');
  return { files, speed, dir, only };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const records: RecordingRecord[] = [];
  let devices: { id: string; kind: string }[] = [];
  for (const f of args.files) {
    let read;
    try {
      read = readRecording(readFileSync(f));
    } catch (err) {
      fail(err instanceof RecordingFormatError ? `${f}: ${err.message}` : `${f}: ${(err as Error).message}`);
    }
    if (devices.length === 0) devices = read.header.devices;
    records.push(...read.records);
    if (read.damage) {
      process.stderr.write(`replay: ${f}: ${read.damage.message}; replaying up to there\n`);
      break;
    }
  }
  const running: Array<{ device: ReplayDevice; sim: RunningSimulator<ReplayDevice> }> = [];
  for (const d of devices) {
    if (args.only && d.id !== args.only) continue;
    if (!KINDS.includes(d.kind)) {
      process.stderr.write(`replay: ${d.id} is a ${d.kind}, which has no serial replay; skipped\n`);
      continue;
    }
    const device = new ReplayDevice({ id: d.id, kind: d.kind as SimKind, script: buildReplayScript(records, d.id), speed: args.speed });
    const sim = await startSimulator(device, { link: 'pty', baud: BAUD[d.kind], dir: args.dir });
    running.push({ device, sim });
    process.stdout.write(`${d.id} (${d.kind}): ${sim.path} — ${device.divergenceReport().exchanges} exchanges\n`);
  }
  if (running.length === 0) fail('no device of the recording can be replayed');
  const finish = async () => {
    const reports = running.map((r) => r.device.divergenceReport());
    for (const r of running) await r.sim.close();
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    process.exit(reports.some((r) => r.divergences.length > 0) ? 1 : 0);
  };
  process.once('SIGINT', () => void finish());
  process.once('SIGTERM', () => void finish());
  const t = setInterval(() => {
    if (running.every((r) => r.device.finished)) {
      clearInterval(t);
      void finish();
    }
  }, 500);
}

void main();
