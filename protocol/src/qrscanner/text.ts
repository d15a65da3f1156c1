/**
 * What a code's bytes say, and what may be shown of them. qr-scanner.md "Decoded codes": ASCII/UTF-8 for the codes
 * this project prints and reads; a code holding Chinese text may arrive in GBK. A code can be a bearer token (a
 * mobile identity code, a hand-off link), so logs and the technician console get a short preview only.
 */
export type QrCodeEncoding = 'utf8' | 'gb18030';

const utf8 = new TextDecoder('utf-8', { fatal: true });
let gb: TextDecoder | undefined;

/** The code as text: UTF-8 when the bytes are valid UTF-8 (ASCII included), otherwise GB18030 (a superset of GBK). */
export function qrCodeText(bytes: Uint8Array): { text: string; encoding: QrCodeEncoding } {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf8' };
  } catch {
    gb ??= new TextDecoder('gb18030');
    return { text: gb.decode(bytes), encoding: 'gb18030' };
  }
}

/** Characters of a code a log line or the console may show. */
export const QR_PREVIEW_CHARS = 6;

/**
 * A short preview: the first few characters (enough to tell a URL from a token family, e.g. `https:` or `GDID1.`)
 * and the length, never the whole code: at most half of its characters, so a short code is not shown whole either.
 * Characters outside printable ASCII are shown as `·`.
 */
export function qrCodePreview(bytes: Uint8Array, chars = QR_PREVIEW_CHARS): string {
  const all = Array.from(qrCodeText(bytes).text);
  const head = all.slice(0, Math.min(chars, Math.floor(all.length / 2))).map((ch) => (/^[\x20-\x7e]$/.test(ch) ? ch : '·')).join('');
  return `${head}… (${bytes.length} B)`;
}
