// The A4 document printer driver against a real IPP printer: CUPS's ippeveprinter (simulators/ippPrinter). A copy
// is printed and read back from the printer's kept files; paper out, the printer going down and a bridge restart
// after the printer completed a job lose no copy and print none twice; a malformed reply, a URI that does not
// answer and a printer refusing PDF are each a clear error with the job kept and the driver still working.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IppEvePrinterSim } from '@onedoor/simulators';
import { IPP_GROUP, IPP_TAG, type IppMessage } from '@onedoor/protocol';
import { DocPrinterDriver, type DocPrintRecipe } from '../../src/devices/ippPrinter/index.ts';
import { jobPages } from '../../src/devices/ippPrinter/docPrinterDriver.ts';
import { SqlitePrintJobStore } from '../../src/store/printJobsSqlite.ts';
import { verifyCertificatePayload } from '../../src/hall/signing.ts';
import { FONT, decodeQr, hallKeys, pdfPng, pdfText, signedCopy } from './fixtures.ts';

const keys = hallKeys();
const logLines: string[] = [];
const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } }));

function recipe(over: Partial<DocPrintRecipe['input']> = {}, copyOver = {}): { recipe: DocPrintRecipe } {
  const copy = signedCopy(keys, copyOver);
  return { recipe: { kind: 'a4CertificateCopy', input: { copy, verifyUrl: `http://127.0.0.1:8080/verify?p=${encodeURIComponent(copy.payload)}`,
    purpose: 'government', hallName: '广东省政务服务中心', kioskName: 'kiosk-01', ...over } } };
}

async function until(cond: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const drivers: DocPrinterDriver[] = [];
function driverFor(uri: string, dataDir = mkdtempSync(join(tmpdir(), 'od-docp-')), options: Record<string, unknown> = {}): DocPrinterDriver {
  const d = new DocPrinterDriver({ id: 'a4', kind: 'docprinter', path: uri, baud: 9600,
    options: { fontPath: FONT.path, fontName: FONT.name, pollIntervalMs: 150, jobPollMs: 50, requestTimeoutMs: 1500, ...options } },
  { log, dataDir });
  drivers.push(d);
  return d;
}
afterEach(async () => {
  await Promise.allSettled(drivers.splice(0).map((d) => d.stop()));
});

describe('docprinter driver with ippeveprinter', () => {
  const sim = new IppEvePrinterSim({ spoolDir: mkdtempSync(join(tmpdir(), 'od-ippeve-')) });
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());

  it('prints a copy: confirmed only when IPP says completed; the kept PDF holds the fields and the identifier; its QR verifies', async () => {
    const d = driverFor(sim.uri);
    await d.start();
    await until(() => d.status().state === 'online', 'printer online');
    const before = sim.printedFiles().length;
    const r = recipe();
    const { job } = d.submit(r, { requestId: 'print-1' });
    const done = await d.waitForJob(job.id);
    expect(done).toMatchObject({ jobId: job.id, state: 'confirmed', reprints: 0 });
    const files = sim.printedFiles();
    expect(files.length).toBe(before + 1);
    const text = pdfText(files.at(-1)!).replace(/\s+/g, '');
    for (const s of ['营业执照', '张三', '4401**********1234', '广州市市场监督管理局', r.recipe.input.copy.identifier, '仅供办理政务服务事项使用', '第1次打印']) {
      expect(text).toContain(s);
    }
    const url = decodeQr(pdfPng(files.at(-1)!, 150));
    expect(url).toBe(r.recipe.input.verifyUrl);
    expect((await verifyCertificatePayload(url!, { publicKey: keys.publicKey, today: '2026-11-25' })).status).toBe('valid');
    // The same requestId again: the same job, nothing printed again.
    expect(d.submit(r, { requestId: 'print-1' })).toMatchObject({ created: false, job: { id: job.id } });
    await new Promise((res) => setTimeout(res, 300));
    expect(sim.printedFiles().length).toBe(before + 1);
  });

  it('paper out: the job is held with the words "paper out", and printed once after the refill', async () => {
    const d = driverFor(sim.uri);
    await d.start();
    await until(() => d.status().state === 'online', 'printer online');
    await sim.paperOut();
    await until(() => d.status().state === 'userError', 'paper out seen');
    expect(d.status()).toMatchObject({ paper: 'out', detail: expect.stringMatching(/paper out.*缺纸/) });
    const before = sim.printedFiles().length;
    const { job } = d.submit(recipe());
    await expect(d.waitForJob(job.id)).rejects.toMatchObject({ code: 'userError', message: expect.stringMatching(/paper out/) });
    await new Promise((res) => setTimeout(res, 600));
    expect(sim.printedFiles().length).toBe(before);
    expect(d.jobs(1)[0]).toMatchObject({ jobId: job.id, state: 'queued' });
    await sim.refill();
    await until(() => d.jobs(1)[0]!.state === 'confirmed', 'job confirmed after the refill');
    expect(sim.printedFiles().length).toBe(before + 1);
    expect(d.jobs(1)[0]).toMatchObject({ attempts: 1, reprints: 0 });
  });

  it('printer down: offline in words, the job kept, printed once when the printer is back', async () => {
    const d = driverFor(sim.uri);
    await d.start();
    await until(() => d.status().state === 'online', 'printer online');
    const before = sim.printedFiles().length;
    await sim.stop();
    await until(() => d.status().state === 'offline', 'printer offline');
    expect(d.status().detail).toMatch(/does not answer/);
    const { job } = d.submit(recipe());
    await expect(d.waitForJob(job.id)).rejects.toMatchObject({ code: 'deviceNotReady' });
    await sim.start();
    await until(() => d.jobs(1)[0]!.state === 'confirmed', 'job confirmed when the printer is back');
    expect(sim.printedFiles().length).toBe(before + 1);
  });

  it('a bridge restart after the printer completed a job it had not confirmed: found by name at the printer, not printed again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'od-docp-'));
    const d1 = driverFor(sim.uri, dataDir);
    await d1.start();
    await until(() => d1.status().state === 'online', 'printer online');
    const { job } = d1.submit(recipe());
    await d1.waitForJob(job.id);
    await d1.stop();
    const count = sim.printedFiles().length;
    // As if the bridge died between the printer's `completed` and our record of it.
    const store = new SqlitePrintJobStore(join(dataDir, 'docprint-jobs.sqlite'));
    store.update(job.id, { state: 'printing' });
    store.close();
    const d2 = driverFor(sim.uri, dataDir);
    await d2.start();
    await until(() => d2.jobs(1)[0]!.state === 'confirmed', 'job confirmed from the printer\'s record');
    expect(d2.jobs(1)[0]).toMatchObject({ attempts: 1, reprints: 0 });
    expect(sim.printedFiles().length).toBe(count);
  });

  it('a job the printer lost (it was restarted) is printed again, marked as the second printing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'od-docp-'));
    const store = new SqlitePrintJobStore(join(dataDir, 'docprint-jobs.sqlite'));
    const { job } = store.add({ deviceId: 'a4', recipe: recipe().recipe });
    store.update(job.id, { state: 'printing', attempts: 1 });
    store.close();
    const d = driverFor(sim.uri, dataDir);
    const before = sim.printedFiles().length;
    await d.start();
    await until(() => d.jobs(1)[0]!.state === 'confirmed', 'reprinted job confirmed');
    expect(d.jobs(1)[0]).toMatchObject({ attempts: 2, reprints: 1 });
    expect(sim.printedFiles().length).toBe(before + 1);
    expect(pdfText(sim.printedFiles().at(-1)!)).toContain('第2次打印');
  });

  it('logs a character outside the font with its field and code point (never the name), and prints 〓', async () => {
    const d = driverFor(sim.uri);
    await d.start();
    await until(() => d.status().state === 'online', 'printer online');
    const { job } = d.submit(recipe({}, { holderName: '王𪚥' }));
    await d.waitForJob(job.id);
    expect(pdfText(sim.printedFiles().at(-1)!)).toContain('王〓');
    const line = logLines.find((l) => l.includes('U+2A6A5'));
    expect(line).toMatch(/"field":"holderName"/);
    expect(line).not.toContain('王');
  });

  it('cancel drops a held job: it never prints', async () => {
    const d = driverFor(sim.uri);
    await d.start();
    await until(() => d.status().state === 'online', 'printer online');
    await sim.paperOut();
    await until(() => d.status().state === 'userError', 'paper out seen');
    const { job } = d.submit(recipe());
    const before = sim.printedFiles().length;
    await d.execute('cancelPrint', { jobId: job.id }, { signal: new AbortController().signal, timeoutMs: 1000 });
    await sim.refill();
    await until(() => d.status().state === 'online', 'printer back');
    await new Promise((res) => setTimeout(res, 500));
    expect(d.jobs(1)[0]).toMatchObject({ state: 'canceled' });
    expect(sim.printedFiles().length).toBe(before);
  });
});

describe('docprinter driver: bad printers', () => {
  let server: Server;
  let reply: Buffer = Buffer.alloc(0);
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/ipp' }).end(reply));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a truncated / malformed IPP reply: hardwareError naming it, the job kept, the driver still polling', async () => {
    reply = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x23, 0x00, 0x0d]); // cut inside a name
    const port = (server.address() as { port: number }).port;
    const d = driverFor(`ipp://127.0.0.1:${port}/ipp/print`);
    await d.start();
    await until(() => d.status().state === 'hardwareError', 'hardwareError');
    expect(d.status().detail).toMatch(/malformed IPP message at byte \d+/);
    const { job } = d.submit(recipe());
    await expect(d.waitForJob(job.id)).rejects.toMatchObject({ code: 'hardwareError', message: expect.stringMatching(/malformed/) });
    expect(d.jobs(1)[0]).toMatchObject({ jobId: job.id, state: 'queued' });
    const polls = d.status().counters.polls!;
    await until(() => d.status().counters.polls! > polls + 2, 'still polling');
  });

  it('a URI that does not answer: offline with the words, the job kept', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const d = driverFor(`ipp://127.0.0.1:${port}/ipp/print`);
    await d.start();
    await until(() => d.status().state === 'offline', 'offline');
    expect(d.status().detail).toMatch(/does not answer: ECONNREFUSED/);
    const { job } = d.submit(recipe());
    await expect(d.waitForJob(job.id)).rejects.toMatchObject({ code: 'deviceNotReady' });
    expect(d.jobs(1)[0]).toMatchObject({ state: 'queued' });
  });

  it('a printer that refuses PDF: the job fails with the printer\'s words (kept in the table), the driver goes on', async () => {
    const sim = new IppEvePrinterSim({ spoolDir: mkdtempSync(join(tmpdir(), 'od-ippeve-')), formats: 'image/pwg-raster' });
    await sim.start();
    try {
      const d = driverFor(sim.uri);
      await d.start();
      await until(() => d.status().state === 'online', 'printer online');
      const { job } = d.submit(recipe());
      const err = await d.waitForJob(job.id).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'hardwareError', message: expect.stringMatching(/refused: client-error-.*unsupported: document-format/) });
      expect(d.jobs(1)[0]).toMatchObject({ jobId: job.id, state: 'failed' });
      expect(d.status().lastError).toMatchObject({ code: 'jobRefused' });
      expect(sim.printedFiles()).toEqual([]);
    } finally {
      await sim.stop();
    }
  });
});

describe('docprinter page progress', () => {
  // ippeveprinter with a print command that takes 400 ms a page and reports job-impressions and
  // job-impressions-completed as it goes (simulators/ippPrinter "pageMs"), as a real printer's job does.
  const sim = new IppEvePrinterSim({ spoolDir: mkdtempSync(join(tmpdir(), 'od-ippeve-pages-')), pageMs: 400 });
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());

  it('reads pages done and in all from the IPP job and announces each change before the job is confirmed', async () => {
    const d = driverFor(sim.uri);
    const updates: Array<{ state: string; pages?: { done: number; total: number | null } }> = [];
    d.onJobUpdate((u) => updates.push({ state: u.state, pages: u.pages }));
    await d.start();
    await until(() => d.status().state === 'online', 'online');
    const { job } = d.submit(recipe());
    await until(() => d.jobs(1)[0]?.state === 'confirmed', 'job confirmed');
    const withPages = updates.filter((u) => u.pages);
    // The copy is one A4 page: the printer says so (until its print command has counted the pages it says
    // nothing: total null), and page 1 is under way (0 done) before the job completes.
    expect(withPages).toContainEqual({ state: 'printing', pages: { done: 0, total: 1 } });
    for (const u of withPages) expect([null, 1]).toContain(u.pages!.total);
    const dones = withPages.map((u) => u.pages!.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(updates.findIndex((u) => u.pages)).toBeLessThan(updates.findIndex((u) => u.state === 'confirmed'));
    expect(updates.at(-1)).toMatchObject({ state: 'confirmed' });
    expect(d.jobs(1)[0].jobId).toBe(job.id);
  });
});

describe('jobPages', () => {
  const reply = (attrs: Record<string, number>): IppMessage => ({ version: [2, 0], code: 0, requestId: 1, data: new Uint8Array(0),
    groups: [{ tag: IPP_GROUP.job, attributes: Object.entries(attrs).map(([name, value]) => ({ name, tag: IPP_TAG.integer, values: [value] })) }] });
  it('done and total from job-impressions-completed / job-impressions; total null when missing or 0; null without progress', () => {
    expect(jobPages(reply({ 'job-impressions-completed': 1, 'job-impressions': 2 }))).toEqual({ done: 1, total: 2 });
    expect(jobPages(reply({ 'job-impressions-completed': 0 }))).toEqual({ done: 0, total: null });
    expect(jobPages(reply({ 'job-impressions-completed': 0, 'job-impressions': 0 }))).toEqual({ done: 0, total: null });
    expect(jobPages(reply({ 'job-state': 5 }))).toBeNull();
  });
});
