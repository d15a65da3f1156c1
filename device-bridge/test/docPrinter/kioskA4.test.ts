// The kiosk's certificate copy on the A4 printer, through the real bridge: reader and ticket printer simulators,
// the A4 printer is CUPS's ippeveprinter. The copy is A4 by default where one is configured; its kept PDF holds
// the copy's facts and purpose, its QR opens /verify which calls it valid; the slip stays available; paper out is
// said in words and the copy comes out once after the refill.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateVerifyAnswer, KioskSessionEvent } from '@onedoor/protocol';
import { IppEvePrinterSim } from '@onedoor/simulators';
import { startKioskRig, until, type KioskRig } from '../kiosk/kioskRig.ts';
import { FONT, decodeQr, pdfPng, pdfText } from './fixtures.ts';

describe('A4 certificate copy from the kiosk', () => {
  const sim = new IppEvePrinterSim({ spoolDir: mkdtempSync(join(tmpdir(), 'od-ippeve-')) });
  let rig: KioskRig;
  let session: KioskSessionEvent;
  let identifier: string;

  beforeAll(async () => {
    await sim.start();
    rig = await startKioskRig({ devices: [{ id: 'a4', kind: 'docprinter', path: sim.uri,
      options: { fontPath: FONT.path, fontName: FONT.name, pollIntervalMs: 150, jobPollMs: 50 } }] });
    await until('A4 printer online', () => rig.bridge.devices.get('a4')?.status().state === 'online');
    session = await rig.startSession();
    const list = await rig.command(session.token, 'certificates.list');
    identifier = list.result![0]!.identifier;
  }, 180_000);
  afterAll(async () => {
    await rig?.close();
    await sim.stop();
  }, 60_000);

  it('prints the A4 copy by default: the kept PDF holds the facts, purpose and kiosk; its QR verifies at /api/verify', async () => {
    const before = sim.printedFiles().length;
    const r = await rig.command(session.token, 'certificates.print', { id: identifier, purpose: 'school' });
    expect(r.code).toBe('success');
    expect(r.result).toMatchObject({ format: 'a4', print: { code: 'success', state: 'confirmed', pending: false } });
    const copy = r.result!.copy;
    expect(sim.printedFiles().length).toBe(before + 1);
    const file = sim.printedFiles().at(-1)!;
    const text = pdfText(file).replace(/\s+/g, '');
    for (const s of [copy.typeName, copy.holderName, copy.maskedNumber, copy.issuerName, copy.identifier, '仅供办理入学手续使用', 'reader', '第1次打印']) {
      expect(text).toContain(s.replace(/\s+/g, ''));
    }
    const url = decodeQr(pdfPng(file, 150));
    expect(url).toBe(`${rig.bridge.url}/verify?p=${copy.payload}`);
    const res = await fetch(`${rig.bridge.url}/api/verify?p=${encodeURIComponent(new URL(url!).searchParams.get('p')!)}`);
    expect(((await res.json()) as CertificateVerifyAnswer)).toMatchObject({ status: 'valid', identifier: copy.identifier });
  });

  it('the slip copy is still there when asked for', async () => {
    const n = rig.printer.tickets.length;
    const before = sim.printedFiles().length;
    const r = await rig.command(session.token, 'certificates.print', { id: identifier, format: 'slip' });
    expect(r.result).toMatchObject({ format: 'slip', print: { code: 'success' } });
    expect(rig.printer.tickets.length).toBe(n + 1);
    expect(sim.printedFiles().length).toBe(before);
  });

  it('paper out: the screen is told in words, the job is held, and the copy comes out once after the refill', async () => {
    await sim.paperOut();
    await until('paper out seen', () => rig.bridge.devices.get('a4')?.status().state === 'userError');
    const before = sim.printedFiles().length;
    const r = await rig.command(session.token, 'certificates.print', { id: identifier, purpose: 'bank' });
    expect(r.code).toBe('success');
    const print = r.result!.print;
    expect(print).toMatchObject({ code: 'userError', pending: true, state: 'queued' });
    expect(print.message).toMatch(/paper out.*缺纸/);
    await new Promise((res) => setTimeout(res, 500));
    expect(sim.printedFiles().length).toBe(before);
    await sim.refill();
    await until('job confirmed after the refill', () => rig.jobs.find((j) => j.jobId === print.jobId && j.state === 'confirmed'));
    expect(sim.printedFiles().length).toBe(before + 1);
    expect(pdfText(sim.printedFiles().at(-1)!)).toContain('仅供办理银行业务使用');
  });

  it('bad arguments are invalidRequest: an unknown purpose or format', async () => {
    expect((await rig.command(session.token, 'certificates.print', { id: identifier, purpose: 'casino' as never })).code).toBe('invalidRequest');
    expect((await rig.command(session.token, 'certificates.print', { id: identifier, format: 'a3' as never })).code).toBe('invalidRequest');
  });
});
