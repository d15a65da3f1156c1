/**
 * The A4 certificate copy as a PDF (what a hall clerk, a bank or a school checks): A4 portrait, real text in an
 * embedded CJK font subset (searchable and copyable), the certificate's facts as a table, the statutory sentence
 * (hall-rules.md "Electronic certificates"), the identifier, the signed verification QR drawn as vector squares
 * (the same `/verify?p=<payload>` as the 80 mm copy), the purpose line the citizen picked (仅供…使用), the printing
 * kiosk and time, and a footer that makes a second printing of the same copy recognisable.
 *
 * pdfkit rather than pdf-lib: pdfkit subsets CFF-flavoured OpenType collections (Debian's Noto Sans CJK .ttc) through
 * fontkit and wraps CJK text at any character, which is what long certificate fields need; pdf-lib cannot open a
 * font collection and its CFF subsetting garbles glyphs.
 *
 * A character the font does not have is never left blank: it is drawn as 〓 (the typesetter's "missing character"
 * mark, in every CJK font) and reported in `missing` so the caller logs it (the field and the code point, never the
 * text around it).
 */
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { KIOSK_COPY_PURPOSES, type KioskCertificateCopy, type KioskCopyPurpose } from '@onedoor/protocol';

/** The purposes a citizen may pick (the kiosk contract's list); the line reads 仅供<purpose>使用. */
export const COPY_PURPOSES = KIOSK_COPY_PURPOSES;
export type CopyPurpose = KioskCopyPurpose;

export interface A4CopyInput {
  copy: KioskCertificateCopy;
  /** What the QR encodes: `<publicUrl>/verify?p=<payload>` (as the 80 mm copy). */
  verifyUrl: string;
  purpose: CopyPurpose;
  hallName: string;
  /** The kiosk that printed it (its id and name as the hall knows it). */
  kioskName: string;
  /** 1 for the first printing; 2, 3... when the same copy (same job) is printed again. */
  printing: number;
  /** The bridge's job id, printed small so a clerk can match two printings of one copy. */
  jobRef: string;
}

export interface FontSpec {
  path: string;
  /** PostScript name of the face in a collection (.ttc/.otc). */
  name?: string;
}

export interface MissingCharacter {
  field: string;
  codePoint: string;
}

export interface A4CopyPdf {
  pdf: Uint8Array;
  missing: MissingCharacter[];
}

export const MISSING_MARK = '〓';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;

export class FontError extends Error {}

const fontCache = new Map<string, { bytes: Buffer; font: fontkit.Font; family: string | undefined }>();

function loadFont(spec: FontSpec): { bytes: Buffer; font: fontkit.Font; family: string | undefined } {
  const key = `${spec.path}#${spec.name ?? ''}`;
  const hit = fontCache.get(key);
  if (hit) return hit;
  let bytes: Buffer;
  try {
    bytes = readFileSync(spec.path);
  } catch (err) {
    throw new FontError(`cannot read the CJK font ${spec.path}: ${(err as Error).message} (install fonts-noto-cjk or set fontPath)`);
  }
  const isCollection = bytes.subarray(0, 4).toString('latin1') === 'ttcf';
  let font: fontkit.Font | null;
  try {
    const opened = fontkit.create(bytes, isCollection ? spec.name : undefined);
    font = 'hasGlyphForCodePoint' in opened ? opened : (opened.fonts[0] ?? null);
  } catch (err) {
    throw new FontError(`cannot open the font ${spec.path}: ${(err as Error).message}`);
  }
  if (!font) throw new FontError(`the font collection ${spec.path} has no face named ${spec.name ?? '(none)'}`);
  const entry = { bytes, font, family: isCollection ? (font.postscriptName ?? undefined) : undefined };
  fontCache.set(key, entry);
  return entry;
}

/** `text` with every character the font lacks replaced by the missing mark; each one noted under `field`. */
function covered(font: fontkit.Font, field: string, text: string, missing: MissingCharacter[]): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || font.hasGlyphForCodePoint(cp)) out += cp < 0x20 ? ' ' : ch;
    else {
      missing.push({ field, codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` });
      out += MISSING_MARK;
    }
  }
  return out;
}

const chineseDay = (d: string): string => {
  const [y, m, dd] = d.split('-');
  return `${y}年${Number(m)}月${Number(dd)}日`;
};

/** The footer words for the `printing`-th printing of one copy. */
export function printingMark(printing: number): string {
  return printing <= 1 ? '第1次打印' : `第${printing}次打印（补打件：与第1次打印为同一份，内容相同）`;
}

export async function renderA4CertificateCopy(input: A4CopyInput, fontSpec: FontSpec): Promise<A4CopyPdf> {
  const { bytes, font, family } = loadFont(fontSpec);
  const missing: MissingCharacter[] = [];
  const c = input.copy;
  const t = (field: string, s: string) => covered(font, field, s, missing);

  const doc = new PDFDocument({
    size: 'A4', layout: 'portrait', margin: MARGIN, autoFirstPage: true, compress: true,
    info: { Title: `${c.typeName} 电子证照打印件`, Producer: 'OneDoor', Creator: 'OneDoor', CreationDate: new Date(c.printedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.registerFont('cjk', bytes, family);
  doc.font('cjk');
  const width = A4.width - 2 * MARGIN;

  // Header: hall, title, the second-printing mark where a clerk looks first.
  doc.fontSize(11).fillColor('#000').text(t('hallName', input.hallName), MARGIN, MARGIN, { width, align: 'center' });
  doc.moveDown(0.3);
  doc.fontSize(20).text(t('typeName', c.typeName), { width, align: 'center' });
  doc.fontSize(12).text('电子证照打印件', { width, align: 'center' });
  const tableTop = doc.y + 18;
  if (input.printing > 1) {
    doc.save().fontSize(12).fillColor('#b00000')
      .text(`补打 第${input.printing}次打印`, MARGIN, MARGIN, { width, align: 'right' }).restore();
    doc.fillColor('#000');
  }
  let y = tableTop;

  // The facts as a two-column table; a long value wraps inside its cell.
  const rows: Array<[string, string]> = [
    ['证照名称', t('typeName', c.typeName)],
    ['持证人', t('holderName', c.holderName)],
    ['证件号码', t('maskedNumber', c.maskedNumber)],
    ['发证机关', t('issuerName', c.issuerName)],
    ['发证日期', chineseDay(c.issuedOn)],
    ['有效期至', c.expiresOn ? chineseDay(c.expiresOn) : '长期'],
    ['证照标识', c.identifier],
    ['打印件有效期至', chineseDay(c.copyExpires)],
  ];
  const labelW = 110;
  const pad = 6;
  doc.fontSize(12).lineWidth(0.8).strokeColor('#000');
  for (const [label, value] of rows) {
    const h = Math.max(doc.heightOfString(label, { width: labelW - 2 * pad }), doc.heightOfString(value, { width: width - labelW - 2 * pad })) + 2 * pad;
    doc.rect(MARGIN, y, labelW, h).stroke();
    doc.rect(MARGIN + labelW, y, width - labelW, h).stroke();
    doc.text(label, MARGIN + pad, y + pad, { width: labelW - 2 * pad });
    doc.text(value, MARGIN + labelW + pad, y + pad, { width: width - labelW - 2 * pad });
    y += h;
  }

  // The statutory sentence and the purpose line.
  y += 16;
  doc.fontSize(12).text(t('statement', c.statement), MARGIN, y, { width });
  doc.moveDown(0.6);
  doc.fontSize(14).text(`仅供${COPY_PURPOSES[input.purpose]}使用`, { width });
  y = doc.y + 18;

  // The verification QR, vector modules (sharp at any printer resolution), with its words beside it.
  const qr = QRCode.create(input.verifyUrl, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const qrSize = 150;
  const cell = qrSize / (n + 8); // 4-module quiet zone each side
  const qx = MARGIN;
  doc.rect(qx, y, qrSize, qrSize).fill('#fff');
  doc.fillColor('#000');
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.get(r, col)) doc.rect(qx + (col + 4) * cell, y + (r + 4) * cell, cell, cell);
    }
  }
  doc.fill('#000');
  const tx = qx + qrSize + 16;
  doc.fontSize(11).text('扫描二维码核验本件真伪，', tx, y + 30, { width: width - qrSize - 16 });
  doc.text('或在核验页面输入证照标识：', { width: width - qrSize - 16 });
  doc.text(c.identifier, { width: width - qrSize - 16 });

  // Footer: printing kiosk and time, the printing count (a second printing is visibly one).
  const fy = A4.height - MARGIN - 40;
  doc.moveTo(MARGIN, fy - 6).lineTo(MARGIN + width, fy - 6).lineWidth(0.5).stroke();
  doc.fontSize(9).text(`打印自助机：${t('kioskName', input.kioskName)}    打印时间：${c.printedAtText}    编号：${input.jobRef}`, MARGIN, fy, { width });
  doc.text(printingMark(input.printing), { width });
  doc.end();
  await ended;
  return { pdf: new Uint8Array(Buffer.concat(chunks)), missing };
}
