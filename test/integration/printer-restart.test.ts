/**
 * Bridge killed mid-job (SIGKILL of a child process holding the printer driver) and started again
 * on the same data dir: the job completes, and exactly one complete ticket comes out, carrying the
 * reprint mark (a bridge killed mid-job and restarted: the job completes, none is silently
 * dropped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceStatus, PrintJobUpdate } from '@onedoor/protocol';
import { afterAll, expect, it } from 'vitest';
import { STANDARD_TICKET_TEXT } from '../../simulators/test/printer/expected-tickets.ts';
import { startPrinterSim, until } from '../../device-bridge/test/printer/rig.ts';
import { SqlitePrintJobStore } from '../../device-bridge/src/store/printJobsSqlite.ts';

const CHILD = fileURLToPath(new URL('../../device-bridge/test/printer/printerChild.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Bridge {
  proc: ChildProcess;
  status: DeviceStatus | null;
  updates: PrintJobUpdate[];
  sent: string[];
  exited: Promise<void>;
}

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  while (cleanups.length) await cleanups.pop()!();
});

function startBridgeChild(path: string, dataDir: string): Bridge {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, path, dataDir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(proc);
  const b: Bridge = {
    proc,
    status: null,
    updates: [],
    sent: [],
    exited: new Promise((resolve) => proc.once('exit', () => resolve())),
  };
  proc.on('message', (raw) => {
    const m = raw as { type: string; status?: DeviceStatus; update?: PrintJobUpdate; jobId?: string };
    if (m.type === 'status') b.status = m.status!;
    if (m.type === 'job') b.updates.push(m.update!);
    if (m.type === 'sent') b.sent.push(m.jobId!);
  });
  return b;
}

it('a bridge killed mid-job and restarted on the same data dir completes the job: exactly one complete ticket, marked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'od-printer-restart-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  // 20 mm/s: the 71 mm ticket takes seconds to print, so it is still on its way when the bridge dies.
  const sim = await startPrinterSim(dir, { speedMmPerSec: 20 });
  cleanups.push(() => sim.close());
  const printer = sim.device;

  const first = startBridgeChild(sim.path!, dataDir);
  await until('first bridge online', () => first.status?.state === 'online', 60_000);
  first.proc.send({ type: 'print', requestId: 'kill-1', ticket: { number: 'K001' } });
  await until('job written to the printer', () => first.sent.length === 1);
  await until('printer printing', () => (printer.snapshot() as { printing: boolean }).printing);
  // Freeze the printer mid-ticket (cover open keeps its buffer), then kill the bridge without warning.
  await printer.act('cover', { state: 'open' });
  first.proc.kill('SIGKILL');
  await first.exited;
  expect(printer.tickets).toHaveLength(0);
  const jobId = first.updates[0].jobId;

  const second = startBridgeChild(sim.path!, dataDir);
  await until('second bridge sees the cover open', () => second.status?.state === 'userError', 60_000);
  expect(second.status!.detail).toMatch(/cover open/);
  // The restarted bridge found the job unfinished and told the UI it was interrupted.
  expect(second.updates[0]).toMatchObject({ jobId, requestId: 'kill-1', state: 'interrupted' });
  await printer.act('cover', { state: 'closed' });
  await until('job confirmed', () => second.updates.some((u) => u.jobId === jobId && u.state === 'confirmed'), 60_000);
  expect(second.updates.map((u) => u.state)).toEqual(['interrupted', 'reprinting', 'confirmed']);

  const complete = printer.tickets.filter((t) => t.cut !== 'none' && !t.interrupted);
  expect(complete).toHaveLength(1);
  expect(printer.tickets).toHaveLength(1);
  const text = complete[0].text;
  expect(complete[0].reprint).toBe(true);
  expect(text.match(/补打 REPRINT/g)).toHaveLength(1);
  expect(text.match(/\[CUT/g)).toHaveLength(1);
  // After the stub the first bridge got onto the paper comes the whole ticket, under its reprint mark.
  const reprinted = `[C][B][INV]补打 REPRINT[/INV][/B]\n${STANDARD_TICKET_TEXT.replace('[4x4]A012', '[4x4]K001')}`;
  expect(text.endsWith(reprinted)).toBe(true);

  second.proc.send({ type: 'stop' });
  await second.exited;
  const store = new SqlitePrintJobStore(join(dataDir, 'print-jobs.sqlite'));
  try {
    const jobs = store.recent('printer', 10);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: jobId, state: 'confirmed', attempts: 2, reprints: 1, requestId: 'kill-1' });
  } finally {
    store.close();
  }
}, 180_000);
