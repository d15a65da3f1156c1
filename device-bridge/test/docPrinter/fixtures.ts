// Shared data of the A4 copy tests: a copy signed with a real hall key (so /verify's check applies), a font spec,
// and the poppler tools (pdftotext, pdftoppm) and a QR decoder to read back what was printed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { buildCertificateId, maskIdNumber, type KioskCertificateCopy } from '@onedoor/protocol';
import { holderHashOf, loadOrCreateHallKeys, signCertificateCopy, type HallSigningKeys } from '../../src/hall/signing.ts';
import { statutoryCopySentence } from '../../src/hall/certificates.ts';
import { DEFAULT_CJK_FONT, DEFAULT_CJK_FONT_NAME } from '../../src/devices/ippPrinter/options.ts';

// jsqr is CommonJS with an ES-style default in its types: at run time the default import is the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

export const FONT = { path: DEFAULT_CJK_FONT, name: DEFAULT_CJK_FONT_NAME };
export const HOLDER_NUMBER = '440106199001011234';

export function hallKeys(): HallSigningKeys {
  return loadOrCreateHallKeys(mkdtempSync(join(tmpdir(), 'od-a4-keys-')));
}

export function signedCopy(keys: HallSigningKeys, over: Partial<KioskCertificateCopy> = {}): KioskCertificateCopy {
  const printedAt = Date.UTC(2026, 10, 25, 2, 0, 0);
  const copyExpires = '2027-02-23';
  const issuerName = over.issuerName ?? '广州市市场监督管理局';
  const identifier = over.identifier ?? buildCertificateId({ typeCode: '11440000MB2C9247XJ001', issuerCode: '12440100MB2C93284Q', serial: '202611250001', version: 1 });
  const payload = signCertificateCopy({ identifier, holderHash: holderHashOf(keys.salt, HOLDER_NUMBER), printedAt: printedAt / 1000,
    copyExpires, keyId: keys.keyId }, keys);
  return {
    identifier, typeName: '营业执照', issuerName, holderName: '张三', maskedNumber: maskIdNumber(HOLDER_NUMBER),
    issuedOn: '2024-03-01', expiresOn: null, printedAt, printedAtText: '2026-11-25 10:00', copyExpires,
    statement: statutoryCopySentence(issuerName, copyExpires), payload, ...over,
  };
}

export function pdfText(pdf: Uint8Array | string): string {
  const file = typeof pdf === 'string' ? pdf : join(mkdtempSync(join(tmpdir(), 'od-a4-')), 'c.pdf');
  if (typeof pdf !== 'string') writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** The first page rendered by pdftoppm at `dpi`, as a PNG buffer. */
export function pdfPng(pdf: Uint8Array | string, dpi: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'od-a4-'));
  const file = typeof pdf === 'string' ? pdf : join(dir, 'c.pdf');
  if (typeof pdf !== 'string') writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-singlefile', '-f', '1', '-l', '1', file, join(dir, 'page')]);
  return readFileSync(join(dir, 'page.png'));
}

/** The QR code's text found in a rendered page, or null. */
export function decodeQr(png: Buffer): string | null {
  const img = PNG.sync.read(png);
  const r = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  return r?.data ?? null;
}
