// The A4 certificate copy document: golden text (pdftotext) and golden page (pdftoppm, small pixel tolerance), real
// embedded CJK text, wrapping of long fields, a visible replacement for characters outside the font, and a QR that
// decodes to a payload the /verify check calls valid. UPDATE_GOLDEN=1 rewrites the golden files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { MISSING_MARK, renderA4CertificateCopy, type A4CopyInput } from '../../src/devices/ippPrinter/certificatePdf.ts';
import { verifyCertificatePayload } from '../../src/hall/signing.ts';
import { FONT, decodeQr, hallKeys, pdfPng, pdfText, signedCopy } from './fixtures.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function input(over: Partial<A4CopyInput> = {}, copyOver = {}): A4CopyInput {
  const keys = hallKeys();
  const copy = signedCopy(keys, copyOver);
  return { copy, verifyUrl: `http://127.0.0.1:8080/verify?p=${encodeURIComponent(copy.payload)}`, purpose: 'bank',
    hallName: '广东省政务服务中心', kioskName: 'kiosk-01 一楼大厅', printing: 1, jobRef: 'pj-7', ...over };
}

/** Fraction of pixels whose grey level differs by more than 64 (anti-aliasing differences stay under it). */
function pixelDiff(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  if (x.width !== y.width || x.height !== y.height) return 1;
  let diff = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    const g1 = (x.data[i]! + x.data[i + 1]! + x.data[i + 2]!) / 3;
    const g2 = (y.data[i]! + y.data[i + 1]! + y.data[i + 2]!) / 3;
    if (Math.abs(g1 - g2) > 64) diff++;
  }
  return diff / (x.width * x.height);
}

describe('A4 certificate copy PDF', () => {
  it('matches the golden text and the golden page (fixed payload so the QR is the same every run)', async () => {
    const base = input();
    const fixed = { ...base, copy: { ...base.copy, payload: 'ODC1.golden.payload' }, verifyUrl: 'http://127.0.0.1:8080/verify?p=ODC1.golden.payload' };
    const { pdf, missing } = await renderA4CertificateCopy(fixed, FONT);
    expect(missing).toEqual([]);
    const text = pdfText(pdf);
    const png = pdfPng(pdf, 50);
    const textFile = join(GOLDEN, 'a4-copy.txt');
    const pngFile = join(GOLDEN, 'a4-copy.png');
    if (update || !existsSync(textFile)) {
      writeFileSync(textFile, text);
      writeFileSync(pngFile, png);
    }
    expect(text).toBe(readFileSync(textFile, 'utf8'));
    expect(pixelDiff(png, readFileSync(pngFile))).toBeLessThan(0.005);
    // One A4 portrait page with the font embedded as a subset (pdffonts: emb yes, sub yes).
    const dir = mkdtempSync(join(tmpdir(), 'od-a4-'));
    writeFileSync(join(dir, 'c.pdf'), pdf);
    const info = execFileSync('pdfinfo', [join(dir, 'c.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    expect(execFileSync('pdffonts', [join(dir, 'c.pdf')], { encoding: 'utf8' })).toMatch(/\+NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
  });

  it('holds the fields, the statutory sentence, the purpose, the kiosk and the identifier as real text', async () => {
    const i = input();
    const text = pdfText((await renderA4CertificateCopy(i, FONT)).pdf);
    for (const s of ['营业执照', '张三', '4401**********1234', '广州市市场监督管理局', '2024年3月1日', '长期', i.copy.identifier,
      i.copy.statement.slice(0, 20), '仅供办理银行业务使用', 'kiosk-01 一楼大厅', '2026-11-25 10:00', '第1次打印']) {
      expect(text.replace(/\s+/g, '')).toContain(s.replace(/\s+/g, ''));
    }
    expect(text).not.toContain('440106199001011234');
  });

  it('the QR in the rendered page decodes to the verify URL whose payload the /verify check calls valid', async () => {
    const keys = hallKeys();
    const copy = signedCopy(keys);
    const verifyUrl = `http://127.0.0.1:8080/verify?p=${encodeURIComponent(copy.payload)}`;
    const { pdf } = await renderA4CertificateCopy({ ...input(), copy, verifyUrl }, FONT);
    const decoded = decodeQr(pdfPng(pdf, 150));
    expect(decoded).toBe(verifyUrl);
    const verdict = await verifyCertificatePayload(decoded!, { publicKey: keys.publicKey, today: '2026-11-25' });
    expect(verdict.status).toBe('valid');
  });

  it('wraps a field longer than a line inside its cell: every character is on the page, one page', async () => {
    const issuerName = '广东省广州市天河区' + '某某街道'.repeat(30) + '市场监督管理所';
    const { pdf } = await renderA4CertificateCopy(input({}, { issuerName }), FONT);
    const flat = pdfText(pdf).replace(/\s+/g, '');
    expect(flat).toContain(issuerName);
    const dir = mkdtempSync(join(tmpdir(), 'od-a4-'));
    writeFileSync(join(dir, 'c.pdf'), pdf);
    expect(execFileSync('pdfinfo', [join(dir, 'c.pdf')], { encoding: 'utf8' })).toMatch(/Pages:\s+1\n/);
  });

  it('draws a character outside the font as a visible 〓 (never blank) and reports the field and code point', async () => {
    const { pdf, missing } = await renderA4CertificateCopy(input({}, { holderName: '张𪚥三' }), FONT);
    expect(missing).toEqual([{ field: 'holderName', codePoint: 'U+2A6A5' }]);
    expect(pdfText(pdf)).toContain(`张${MISSING_MARK}三`);
  });

  it('a second printing of the same copy says so in the header and the footer', async () => {
    const text = pdfText((await renderA4CertificateCopy(input({ printing: 2 }), FONT)).pdf);
    expect(text).toContain('补打 第2次打印');
    expect(text).toContain('第2次打印（补打件');
  });
});
