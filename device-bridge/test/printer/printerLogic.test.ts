// Pure parts of the printer driver: status -> DeviceStatus words, job rendering with the reprint mark, paced writes.
import { EscPosCommandDecoder, ESCPOS_HEALTHY_STATUS, buildStandardTicket, type EscPosStatusFields } from '@onedoor/protocol';
import { describe, expect, it } from 'vitest';
import { writePaced } from '../../src/devices/printer/pacedWriter.ts';
import { PRINT_REPRINT_MARK, buildTestPageJob, buildTicketJob, parsePrintRecipe, renderPrintJob } from '../../src/devices/printer/printJobRender.ts';
import { parsePrinterOptions } from '../../src/devices/printer/printerOptions.ts';
import { printerCondition } from '../../src/devices/printer/printerStatus.ts';

const status = (patch: Partial<EscPosStatusFields>): EscPosStatusFields => ({ ...ESCPOS_HEALTHY_STATUS, ...patch });

describe('printerCondition', () => {
  it('healthy: online, paper full; near end is still online with a word', () => {
    expect(printerCondition(status({}))).toMatchObject({ state: 'online', paper: 'full', canPrint: true, detail: 'ready', causes: [] });
    expect(printerCondition(status({ paper: 'low' }))).toMatchObject({ state: 'online', paper: 'low', canPrint: true, detail: expect.stringContaining('near end') });
  });

  it('paper out and cover open are userError with words for each cause', () => {
    expect(printerCondition(status({ online: false, paper: 'out' }))).toMatchObject({
      state: 'userError', paper: 'out', canPrint: false, causes: ['paperOut'], detail: expect.stringContaining('paper out: load a new paper roll'),
    });
    const both = printerCondition(status({ online: false, coverOpen: true, paper: 'out' }));
    expect(both.causes).toEqual(['coverOpen', 'paperOut']);
    expect(both.detail).toMatch(/cover open.*; paper out/);
    expect(printerCondition(status({ online: false, feedButton: true }))).toMatchObject({ state: 'userError', causes: ['offline'] });
  });

  it('cutter and unrecoverable errors are hardwareError, named before user causes', () => {
    const c = printerCondition(status({ online: false, cutterError: true, coverOpen: true }));
    expect(c).toMatchObject({ state: 'hardwareError', canPrint: false, causes: ['cutterError', 'coverOpen'] });
    expect(c.detail).toMatch(/^auto-cutter error/);
    expect(printerCondition(status({ unrecoverableError: true })).causes).toEqual(['unrecoverableError']);
  });
});

describe('renderPrintJob', () => {
  const decode = (b: Uint8Array) => new EscPosCommandDecoder().push(b);

  it('a ticket recipe renders as the standard ticket with the job process ID last, and the mark only on a reprint', () => {
    const job = { ...buildTicketJob({ number: 'C003' }), payload: null, processId: 'Ab12' };
    const first = renderPrintJob(job, { reprint: false });
    expect(first).toEqual(buildStandardTicket({ number: 'C003', processId: 'Ab12' }));
    const again = renderPrintJob(job, { reprint: true });
    expect(again).toEqual(buildStandardTicket({ number: 'C003', processId: 'Ab12', reprintMark: PRINT_REPRINT_MARK }));
    const cmds = decode(again);
    expect(cmds[cmds.length - 1]).toMatchObject({ type: 'processId', id: 'Ab12' });
    expect(cmds[cmds.length - 2]).toMatchObject({ type: 'cut' });
  });

  it('raw bytes print as given plus the process ID; a reprint puts a mark line first', () => {
    const payload = Uint8Array.of(0x1b, 0x40, 0x41, 0x0a, 0x1d, 0x56, 0x01);
    const plain = renderPrintJob({ payload, recipe: null, processId: 'ZZ00' }, { reprint: false });
    expect(Array.from(plain.subarray(0, payload.length))).toEqual(Array.from(payload));
    expect(decode(plain).map((c) => c.type)).toEqual(['initialize', 'text', 'lineFeed', 'cut', 'processId']);
    const marked = decode(renderPrintJob({ payload, recipe: null, processId: 'ZZ00' }, { reprint: true }));
    expect(marked.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('')).toContain('REPRINT');
    expect(marked[marked.length - 1]).toMatchObject({ type: 'processId', id: 'ZZ00' });
  });

  it('the test page names the printer and ends with cut + process ID', () => {
    const cmds = decode(renderPrintJob({ ...buildTestPageJob('kiosk-printer', new Date(0)), payload: null, processId: '0009' }, { reprint: false }));
    const text = cmds.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join(' ');
    expect(text).toContain('kiosk-printer');
    expect(text).toContain('1970-01-01T00:00:00.000Z');
    expect(cmds.slice(-2).map((c) => c.type)).toEqual(['cut', 'processId']);
  });

  it('bad recipes and options are refused with the field named', () => {
    expect(() => buildTicketJob({ waiting: -1 })).toThrow(/waiting/);
    expect(() => parsePrintRecipe({ kind: 'standardTicket', ticket: { colour: 'red' } })).toThrow(/ticket/);
    expect(() => parsePrintRecipe({ kind: 'poster' })).toThrow(/print recipe/);
    expect(() => parsePrinterOptions('p1', { pollIntervalMs: 5 })).toThrow(/printer p1 options: pollIntervalMs/);
    expect(parsePrinterOptions('p1', {})).toMatchObject({ pollIntervalMs: 1500, maxAttempts: 5, jobDbFile: 'print-jobs.sqlite' });
  });
});

describe('writePaced', () => {
  /** A fake clock: sleeping advances it, sending takes no time. */
  function clock() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }

  it('writes every byte in order in slices, never more than aheadBytes + one slice ahead of the wire', async () => {
    const c = clock();
    const byteMs = 10_000 / 9600;
    const sent: Array<{ at: number; bytes: number[] }> = [];
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    await writePaced(bytes, { baud: 9600, sliceBytes: 50, aheadBytes: 100, flowGate: () => undefined, now: c.now, sleep: c.sleep,
      send: async (s) => void sent.push({ at: c.now(), bytes: Array.from(s) }) });
    expect(sent.flatMap((s) => s.bytes)).toEqual(Array.from(bytes));
    let written = 0;
    for (const s of sent) {
      const onWire = s.at / byteMs; // bytes the wire has carried by then (it started at 0)
      expect(written - onWire).toBeLessThanOrEqual(100 + 1e-6);
      written += s.bytes.length;
    }
    // And it kept the line busy: the last slice went when the wire was within aheadBytes of done.
    expect(sent[sent.length - 1].at).toBeGreaterThanOrEqual((950 - 100) * byteMs - 1e-6);
  });

  it('waits on the flow gate (XOFF) before a slice and stops when aborted', async () => {
    const c = clock();
    let release!: () => void;
    let held = true;
    const gate = new Promise<void>((r) => (release = r));
    const sent: number[] = [];
    const ac = new AbortController();
    const p = writePaced(new Uint8Array(300), { baud: 115200, sliceBytes: 100, flowGate: () => (held && sent.length === 1 ? gate : undefined),
      now: c.now, sleep: c.sleep, signal: ac.signal, send: async (s) => void sent.push(s.length) });
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([100]);
    held = false;
    release();
    await p;
    expect(sent).toEqual([100, 100, 100]);
    ac.abort();
    await expect(writePaced(new Uint8Array(10), { baud: 9600, flowGate: () => undefined, signal: ac.signal, send: async () => {} })).rejects.toThrow(/aborted/);
  });
});
