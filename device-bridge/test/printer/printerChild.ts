/**
 * A bridge process holding one printer driver, for tests that kill the bridge (SIGKILL) mid-job and start it again
 * on the same data dir, and for the memory benchmark. Run: `node --import tsx printerChild.ts <path> <dataDir> [baud]`.
 *
 * IPC in: `{type:'print', requestId, ticket}`, `{type:'rss'}`, `{type:'stop'}`.
 * IPC out: `{type:'status', status}`, `{type:'job', update}`, `{type:'sent', jobId}`, `{type:'printed', requestId, ok,
 * code?}` (the completion), `{type:'rss', rssKb}`.
 */
import { readFileSync } from 'node:fs';
import { buildTicketJob, PrinterDriver, type TicketJobData } from '../../src/devices/printer/index.ts';
import { silentLogger } from '../../src/log.ts';

const [path, dataDir, baudArg] = process.argv.slice(2);
if (!path || !dataDir || !process.send) {
  process.stderr.write('usage (with an IPC channel): printerChild.ts <path> <dataDir> [baud]\n');
  process.exit(2);
}
const send = (msg: unknown) => process.send?.(msg);

const driver = new PrinterDriver(
  { id: 'printer', kind: 'printer', path, baud: Number(baudArg ?? 115200), options: { pollIntervalMs: 500 } },
  { log: silentLogger(), dataDir, backoff: { minDelayMs: 20, maxDelayMs: 300 } },
);
driver.on('status', (status) => send({ type: 'status', status }));
driver.onJobUpdate((update) => send({ type: 'job', update }));
driver.onJobSent((jobId) => send({ type: 'sent', jobId }));

/** Resident set size in kB, from the kernel's view of this process. */
function rssKb(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : Math.round(process.memoryUsage().rss / 1024);
}

process.on('message', (raw) => {
  const msg = raw as { type: string; requestId?: string; ticket?: TicketJobData };
  if (msg.type === 'print') {
    const { job } = driver.submit(buildTicketJob(msg.ticket ?? {}), { requestId: msg.requestId });
    driver.waitForJob(job.id).then(
      () => send({ type: 'printed', requestId: msg.requestId, ok: true }),
      (err: { code?: string }) => send({ type: 'printed', requestId: msg.requestId, ok: false, code: err.code }),
    );
  } else if (msg.type === 'rss') {
    send({ type: 'rss', rssKb: rssKb() });
  } else if (msg.type === 'stop') {
    void driver.stop().then(() => process.exit(0));
  }
});

await driver.start();
send({ type: 'ready' });
