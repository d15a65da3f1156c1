/**
 * GB18030 encoder for printer text (escpos.md: "Only one encoding for Chinese: GB18030 (a superset of GBK/GB2312)").
 *
 * Browser-safe: no Buffer, no iconv-lite at runtime. The encode table is built once, on first use, by decoding every
 * 2-byte code and every BMP 4-byte code with the platform's WHATWG `TextDecoder('gb18030')` and inverting the result.
 * Supplementary planes need no table: GB18030 maps U+10000.. linearly onto 4-byte codes from 0x90308130.
 *
 * Runtime independence: WHATWG adopted GB18030-2022 in 2023, which moved 18 two-byte codes from Private Use code
 * points to their standard characters (vertical punctuation U+FE10..FE19, ideographs U+9FB4..9FBB). Older runtimes
 * (and iconv-lite) still decode them as in GB18030-2005. We pin those 18 codes below so that the bytes we send do not
 * depend on the browser's age: both the standard character and the old Private Use code point encode to the 2-byte
 * code, whose glyph is the same in every printer font (only the Unicode label changed between the editions).
 */

/** 2-byte code -> [GB18030-2022 code point, GB18030-2005 Private Use code point]. */
const EDITION_2022_PINS: ReadonlyArray<readonly [number, number, number]> = [
  [0xa6d9, 0xfe10, 0xe78d], [0xa6da, 0xfe12, 0xe78e], [0xa6db, 0xfe11, 0xe78f], [0xa6dc, 0xfe13, 0xe790],
  [0xa6dd, 0xfe14, 0xe791], [0xa6de, 0xfe15, 0xe792], [0xa6df, 0xfe16, 0xe793], [0xa6ec, 0xfe17, 0xe794],
  [0xa6ed, 0xfe18, 0xe795], [0xa6f3, 0xfe19, 0xe796], [0xfe59, 0x9fb4, 0xe81e], [0xfe61, 0x9fb5, 0xe826],
  [0xfe66, 0x9fb6, 0xe82b], [0xfe67, 0x9fb7, 0xe82c], [0xfe6d, 0x9fb8, 0xe832], [0xfe7e, 0x9fb9, 0xe843],
  [0xfe90, 0x9fba, 0xe854], [0xfea0, 0x9fbb, 0xe864],
];

/** Code points whose GB18030 code differs between the 2005 edition (iconv-lite) and what we send (2022). */
export const GB18030_EDITION_2022_CODE_POINTS: readonly number[] = EDITION_2022_PINS.flatMap(([, cp, pua]) => [cp, pua]);

/** BMP code point -> code: 0 = not mapped, <= 0xFFFF a 2-byte code, otherwise a 4-byte code (big-endian). */
let bmpTable: Uint32Array | undefined;

/** Decodes `count` fixed-width codes laid out back to back; one UTF-16 unit each, or one call per code on mismatch. */
function decodeCodes(codes: Uint8Array, width: number, decoder: TextDecoder): string[] {
  const count = codes.length / width;
  const all = decoder.decode(codes);
  if (all.length === count) return Array.from(all);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(decoder.decode(codes.subarray(i * width, i * width + width)));
  return out;
}

function buildBmpTable(): Uint32Array {
  const table = new Uint32Array(0x10000);
  const decoder = new TextDecoder('gb18030');
  const put = (s: string, code: number) => {
    // First code wins (e.g. U+3000 is A1A1, not the duplicate A3A0); U+FFFD means "no character here".
    if (s.length !== 1) return;
    const cp = s.charCodeAt(0);
    if (cp < 0x80 || cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff) || table[cp] !== 0) return;
    table[cp] = code;
  };
  for (const [code, cp, pua] of EDITION_2022_PINS) { table[cp] = code; table[pua] = code; }
  // U+FFFD has a real code; it cannot be learnt by decoding because the decoder also returns it for "no character".
  table[0xfffd] = 0x8431a437;
  // U+E5E5 (Private Use) is A3A0 in GB18030; WHATWG decodes A3A0 as a second U+3000 and refuses to encode U+E5E5,
  // so the table cannot learn it. (iconv-lite gives 8339B136, which is U+F5F9's code: not usable as a reference.)
  table[0xe5e5] = 0xa3a0;

  // 2-byte codes: lead 0x81-0xFE, trail 0x40-0x7E and 0x80-0xFE.
  const two: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) two.push(lead, trail);
  const twoChars = decodeCodes(Uint8Array.from(two), 2, decoder);
  for (let i = 0; i < twoChars.length; i++) put(twoChars[i], (two[i * 2] << 8) | two[i * 2 + 1]);

  // 4-byte codes for the rest of the BMP: 0x81308130 .. 0x8431A439 (bytes 0x81-0xFE, 0x30-0x39 alternating).
  const four: number[] = [];
  outer: for (let b1 = 0x81; b1 <= 0x84; b1++)
    for (let b2 = 0x30; b2 <= 0x39; b2++)
      for (let b3 = 0x81; b3 <= 0xfe; b3++)
        for (let b4 = 0x30; b4 <= 0x39; b4++) {
          four.push(b1, b2, b3, b4);
          if (b1 === 0x84 && b2 === 0x31 && b3 === 0xa4 && b4 === 0x39) break outer;
        }
  const fourChars = decodeCodes(Uint8Array.from(four), 4, decoder);
  for (let i = 0; i < fourChars.length; i++) {
    const o = i * 4;
    put(fourChars[i], ((four[o] << 24) | (four[o + 1] << 16) | (four[o + 2] << 8) | four[o + 3]) >>> 0);
  }
  return table;
}

/** Appends the GB18030 bytes of one code point to `out`; throws for a lone surrogate or an unmapped code point. */
export function pushGb18030CodePoint(cp: number, out: number[]): void {
  if (cp < 0x80) { out.push(cp); return; }
  if (cp >= 0x10000) {
    if (cp > 0x10ffff) throw new Error(`GB18030: code point U+${cp.toString(16).toUpperCase()} is outside Unicode`);
    // GB18030 supplementary planes: linear from 0x90308130 (b1 0x90-0xE3, b2 0x30-0x39, b3 0x81-0xFE, b4 0x30-0x39).
    let i = cp - 0x10000;
    const b4 = 0x30 + (i % 10); i = Math.floor(i / 10);
    const b3 = 0x81 + (i % 126); i = Math.floor(i / 126);
    const b2 = 0x30 + (i % 10); i = Math.floor(i / 10);
    out.push(0x90 + i, b2, b3, b4);
    return;
  }
  if (cp >= 0xd800 && cp <= 0xdfff) {
    throw new Error(`GB18030: lone surrogate U+${cp.toString(16).toUpperCase()} in text (not a valid character)`);
  }
  bmpTable ??= buildBmpTable();
  const code = bmpTable[cp];
  if (code === 0) throw new Error(`GB18030: no code for U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  if (code <= 0xffff) out.push(code >>> 8, code & 0xff);
  else out.push(code >>> 24, (code >>> 16) & 0xff, (code >>> 8) & 0xff, code & 0xff);
}

/** Encodes a whole string as GB18030 (ASCII stays single bytes). Throws on lone surrogates. */
export function encodeGb18030(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) pushGb18030CodePoint(ch.codePointAt(0)!, out);
  return Uint8Array.from(out);
}
