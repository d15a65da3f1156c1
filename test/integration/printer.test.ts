/**
 * The printer driver against the printer simulator over real PTYs (socat + serialport), job store
 * in SQLite in a temp dir (escpos.md "Paper out in the middle of a ticket": paper out mid-job then
 * refill: reprinted once, nothing doubled; XOFF honoured).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EscPosEncoder } from '@onedoor/protocol';
import { STANDARD_TICKET_TEXT } from '../../simulators/test/printer/expected-tickets.ts';
import { noAbort, startPrinterRig, until, type PrinterRig } from '../../device-bridge/test/printer/rig.ts';

const rigs: PrinterRig[] = [];
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.dispose();
});

async function rig(opts: Parameters<typeof startPrinterRig>[0] = {}): Promise<PrinterRig> {
  const r = await startPrinterRig(opts);
  rigs.push(r);
  return r;
}

describe('printer driver over a PTY', () => {
  it('prints the standard ticket and confirms the job only when its process ID comes back after the cut', async () => {
    const r = await rig();
    const stateAtCut: string[] = [];
    r.printer.on('ticket', () => stateAtCut.push(r.driver.jobs(1)[0].state));
    const result = (await r.driver.execute('print', { ticket: {}, requestId: 'std-1' }, { signal: noAbort(), timeoutMs: 30_000 })) as {
      jobId: string;
      state: string;
      reprints: number;
    };
    expect(result).toMatchObject({ state: 'confirmed', reprints: 0 });
    const tickets = r.printer.tickets;
    expect(tickets).toHaveLength(1);
    expect(tickets[0].text).toBe(STANDARD_TICKET_TEXT);
    expect(tickets[0].text).toContain('A012');
    // The sim cut the ticket before it answered the process ID: at the cut the job was not yet confirmed.
    expect(stateAtCut).toEqual(['printing']);
    expect(r.updates.map((u) => u.state)).toEqual(['queued', 'printing', 'confirmed']);
    expect(r.driver.status()).toMatchObject({ state: 'online', paper: 'full' });
    expect(r.driver.status().counters.jobsConfirmed).toBe(1);
  });

  it('paper out mid-job: interrupted, told at once; after refill the whole ticket again ONCE with the reprint mark', async () => {
    // 35 mm of paper: the 71 mm ticket runs out in the middle (slow enough that every byte has arrived by then).
    const r = await rig({ sim: { paperLengthMm: 35, speedMmPerSec: 60 } });
    const print = r.driver.execute('print', { ticket: {}, requestId: 'po-1' }, { signal: noAbort(), timeoutMs: 60_000 });
    await expect(print).rejects.toMatchObject({ code: 'userError', message: expect.stringMatching(/paper out.*stays queued/) });
    await until('job interrupted', () => r.updates.some((u) => u.state === 'interrupted'));
    expect(r.driver.status()).toMatchObject({ state: 'userError', paper: 'out', detail: expect.stringContaining('paper out') });
    expect(r.driver.status().lastError?.code).toBe('paperOut');
    const [job] = r.driver.jobs(1);
    expect(job).toMatchObject({ state: 'interrupted', requestId: 'po-1', attempts: 1, reprints: 0 });
    expect(r.printer.tickets.map((t) => t.interrupted)).toEqual([true]);

    await r.printer.act('paper-length', { mm: 'infinite' });
    await r.printer.act('paper', { state: 'ok' });
    await until('job confirmed', () => r.driver.jobs(1)[0].state === 'confirmed');
    // A repeat of the same command now answers from the job table, printing nothing.
    await expect(r.driver.execute('print', { ticket: {}, requestId: 'po-1' }, { signal: noAbort(), timeoutMs: 1000 })).resolves.toMatchObject({
      jobId: job.jobId,
      state: 'confirmed',
      reprints: 1,
    });
    const tickets = r.printer.tickets;
    expect(tickets.map((t) => [t.interrupted, t.reprint])).toEqual([[true, false], [false, true]]);
    const complete = tickets[1];
    expect(complete.text).toContain('补打 REPRINT');
    expect(complete.text.match(/\[4x4\]A012/g)).toHaveLength(1);
    expect(complete.text.match(/\[CUT partial\]/g)).toHaveLength(1);
    // The reprint is the standard ticket under one more line: the mark.
    const [mark, ...rest] = complete.text.split('\n');
    expect(mark).toContain('补打 REPRINT');
    expect(rest.join('\n')).toBe(STANDARD_TICKET_TEXT);
    expect(r.updates.map((u) => u.state)).toEqual(['queued', 'printing', 'interrupted', 'reprinting', 'confirmed']);
    expect(r.updates[r.updates.length - 1]).toMatchObject({ jobId: job.jobId, requestId: 'po-1', reprints: 1 });
    expect(r.driver.status()).toMatchObject({ state: 'online', paper: 'full' });
  });

  it('paper out while a long job waits for its echo is seen by polling, without ASB, and the job prints again once', async () => {
    // A printer model without ASB: nothing tells the bridge of the paper end unless it asks. The job's wait for its
    // process ID may last 10 minutes (confirmTimeoutMs), far longer than this test may run: the paper out must come
    // from the DLE EOT queries the job's own wait makes between its slices.
    const r = await rig({ sim: { paperLengthMm: 35, speedMmPerSec: 20, asb: false }, driver: { confirmTimeoutMs: 600_000 } });
    const sentAt: number[] = [];
    r.driver.onJobSent(() => sentAt.push(r.updates.length));
    const print = r.driver.execute('print', { ticket: {}, requestId: 'po-poll' }, { signal: noAbort(), timeoutMs: 600_000 });
    await expect(print).rejects.toMatchObject({ code: 'userError', message: expect.stringMatching(/paper out.*stays queued/) });
    expect(r.printer.snapshot()).toMatchObject({ asbMask: 0 });
    // Every byte was written before the paper ran out, so it was the echo wait that saw it.
    expect(sentAt).toHaveLength(1);
    const interrupted = r.updates.find((u) => u.state === 'interrupted');
    expect(interrupted?.message).toMatch(/paper out/);
    expect(r.updates.map((u) => u.state)).toEqual(['queued', 'printing', 'interrupted']);
    expect(r.driver.status()).toMatchObject({ state: 'userError', paper: 'out' });

    await r.printer.act('paper-length', { mm: 'infinite' });
    await r.printer.act('paper', { state: 'ok' });
    await until('job confirmed', () => r.driver.jobs(1)[0].state === 'confirmed');
    expect(r.printer.tickets.map((t) => [t.interrupted, t.reprint])).toEqual([[true, false], [false, true]]);
    expect(r.updates.map((u) => u.state)).toEqual(['queued', 'printing', 'interrupted', 'reprinting', 'confirmed']);
  });

  it('cover open: userError with words; a job sent meanwhile is refused at once, stays queued and prints when the cover closes', async () => {
    const r = await rig();
    await r.printer.act('cover', { state: 'open' });
    await until('userError', () => r.driver.status().state === 'userError');
    expect(r.driver.status().detail).toMatch(/cover open: close the printer cover/);
    expect(r.driver.status().lastError?.code).toBe('coverOpen');
    await expect(r.driver.execute('print', { ticket: { number: 'B007' }, requestId: 'cv-1' }, { signal: noAbort(), timeoutMs: 10_000 })).rejects.toMatchObject({
      code: 'userError',
      message: expect.stringMatching(/cover open.*stays queued/),
    });
    expect(r.driver.jobs(1)[0]).toMatchObject({ state: 'queued', attempts: 0 });
    expect(r.printer.tickets).toHaveLength(0);

    await r.printer.act('cover', { state: 'closed' });
    await until('job confirmed', () => r.driver.jobs(1)[0].state === 'confirmed');
    expect(r.printer.tickets).toHaveLength(1);
    expect(r.printer.tickets[0].text).toContain('B007');
    // It never started before, so it is a first print: no reprint mark.
    expect(r.printer.tickets[0].reprint).toBe(false);
    expect(r.updates.map((u) => u.state)).toEqual(['queued', 'printing', 'confirmed']);
  });

  it('a repeated requestId never prints twice (while the first is printing, and after it is done)', async () => {
    const r = await rig({ sim: { speedMmPerSec: 60 } });
    const opts = { signal: noAbort(), timeoutMs: 30_000 };
    const [a, b] = await Promise.all([
      r.driver.execute('print', { ticket: {}, requestId: 'dup-1' }, opts),
      r.driver.execute('print', { ticket: { number: 'Z999' }, requestId: 'dup-1' }, opts),
    ]);
    expect(a).toEqual(b);
    const c = await r.driver.execute('print', { ticket: {}, requestId: 'dup-1' }, opts);
    expect(c).toEqual(a);
    expect(r.printer.tickets).toHaveLength(1);
    expect(r.printer.tickets[0].text).not.toContain('Z999');
    expect(r.driver.jobs(10)).toHaveLength(1);
  });

  it('honours XOFF/XON: a large raster job is held back while the printer buffer is full, and nothing overflows', async () => {
    // A slow print speed: the printer takes bytes (4.6 KB/s) slower than the wire brings them (11.5 KB/s), so its
    // 16 KB buffer fills. (The sim queues raster data in whole 1 KB bands, so its buffer must be well above 8 KB for
    // XOFF to leave room for the bytes in flight.)
    const r = await rig({ sim: { bufferSize: 16_384, speedMmPerSec: 8 } });
    const width = 576, height = 480;
    const data = new Uint8Array((width / 8) * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width / 8; x++) data[y * (width / 8) + x] = (x + y) % 2 ? 0xaa : 0x55;
    const payload = new EscPosEncoder().initialize().image({ width, height, data }).feed(2).cut('full').encode();
    const result = await r.driver.execute('print', { dataBase64: Buffer.from(payload).toString('base64'), requestId: 'raster-1' }, {
      signal: noAbort(),
      timeoutMs: 120_000,
    });
    expect(result).toMatchObject({ state: 'confirmed', reprints: 0 });
    const snap = r.printer.snapshot() as { overflowBytes: number; droppedBytes: number };
    expect(snap.overflowBytes).toBe(0);
    expect(snap.droppedBytes).toBe(0);
    expect(r.driver.status().counters.xoff).toBeGreaterThan(0);
    expect(r.printer.tickets).toHaveLength(1);
    const t = r.printer.tickets[0];
    expect(t.interrupted).toBe(false);
    // Every byte of the image arrived, in order (the ticket's bytes may start with the driver's start-up ESC @).
    expect(Buffer.from(t.bytes.subarray(t.bytes.length - payload.length)).equals(Buffer.from(payload))).toBe(true);
  }, 180_000);

  it("the client's timeout answers timeOut but the job goes on and is confirmed", async () => {
    const r = await rig({ sim: { speedMmPerSec: 20 } });
    const ac = new AbortController();
    // Give up as soon as the bytes are on their way: the ticket then takes seconds to print.
    const off = r.driver.onJobSent(() => ac.abort());
    const print = r.driver.execute('print', { ticket: {}, requestId: 'to-1' }, { signal: ac.signal, timeoutMs: 1000 });
    await expect(print).rejects.toMatchObject({ code: 'timeOut', message: expect.stringContaining('the job goes on') });
    off();
    expect(r.driver.jobs(1)[0].state).toBe('printing');
    await until('job confirmed', () => r.driver.jobs(1)[0].state === 'confirmed');
    expect(r.printer.tickets).toHaveLength(1);
    expect(r.updates.map((u) => u.state)).toEqual(['queued', 'printing', 'confirmed']);
  });

  it('cancelPrint drops a queued job before it prints; printTestPage prints the test page', async () => {
    const r = await rig();
    await r.printer.act('cover', { state: 'open' });
    await until('userError', () => r.driver.status().state === 'userError');
    const opts = { signal: noAbort(), timeoutMs: 30_000 };
    await expect(r.driver.execute('print', { ticket: { number: 'X001' }, requestId: 'cx-1' }, opts)).rejects.toMatchObject({ code: 'userError' });
    await expect(r.driver.execute('cancelPrint', { requestId: 'cx-1' }, opts)).resolves.toMatchObject({ state: 'canceled', requestId: 'cx-1' });
    await expect(r.driver.execute('cancelPrint', {}, opts)).rejects.toMatchObject({ code: 'invalidRequest', message: expect.stringContaining('exactly one of jobId, requestId') });
    await r.printer.act('cover', { state: 'closed' });
    await until('online', () => r.driver.status().state === 'online');
    await expect(r.driver.execute('printTestPage', { requestId: 'tp-1' }, opts)).resolves.toMatchObject({ state: 'confirmed', reprints: 0 });
    // The canceled job never printed, and asking again for it says canceled instead of printing it.
    expect(r.printer.tickets).toHaveLength(1);
    expect(r.printer.tickets[0].text).toContain('TEST PAGE');
    expect(r.printer.tickets[0].text).not.toContain('X001');
    await expect(r.driver.execute('print', { ticket: { number: 'X001' }, requestId: 'cx-1' }, opts)).rejects.toMatchObject({ code: 'canceled' });
    expect(r.driver.jobs(10).map((j) => [j.requestId, j.state])).toEqual([
      ['tp-1', 'confirmed'],
      ['cx-1', 'canceled'],
    ]);
  });

  it('bad print arguments are refused with invalidRequest naming the field', async () => {
    const r = await rig();
    const opts = { signal: noAbort(), timeoutMs: 5000 };
    await expect(r.driver.execute('print', {}, opts)).rejects.toMatchObject({ code: 'invalidRequest', message: expect.stringContaining('exactly one of ticket') });
    await expect(r.driver.execute('print', { ticket: { waiting: -3 } }, opts)).rejects.toMatchObject({ code: 'invalidRequest', message: expect.stringContaining('waiting') });
    await expect(r.driver.execute('print', { dataBase64: '***' }, opts)).rejects.toMatchObject({ code: 'invalidRequest', message: expect.stringContaining('dataBase64') });
    expect(r.driver.jobs(10)).toEqual([]);
  });

  it('a cutter jam is a hardwareError with words; a print then answers hardwareError and prints once it is cleared', async () => {
    const r = await rig();
    await r.printer.act('cutter-error', {});
    await until('hardwareError', () => r.driver.status().state === 'hardwareError');
    expect(r.driver.status().detail).toMatch(/auto-cutter error/);
    expect(r.driver.status().lastError?.code).toBe('cutterError');
    const opts = { signal: noAbort(), timeoutMs: 30_000 };
    await expect(r.driver.execute('print', { ticket: {}, requestId: 'cut-1' }, opts)).rejects.toMatchObject({
      code: 'hardwareError',
      message: expect.stringMatching(/auto-cutter error.*stays queued/),
    });
    await r.printer.act('clear-error', {});
    await until('job confirmed', () => r.driver.jobs(1)[0].state === 'confirmed');
    expect(r.printer.tickets.map((t) => t.reprint)).toEqual([false]);
    expect(r.driver.status().state).toBe('online');
  });
});
