// GB18030 encoder against iconv-lite, an independent implementation (a test-only reference: protocol/src never
// imports it). The only allowed differences are the 18 codes GB18030-2022 re-mapped (see gb18030.ts).
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { encodeGb18030, GB18030_EDITION_2022_CODE_POINTS, toHex } from '@onedoor/protocol';

const ref = (s: string) => toHex(new Uint8Array(iconv.encode(s, 'gb18030')));
const ours = (s: string) => toHex(encodeGb18030(s));
const pinned = new Set(GB18030_EDITION_2022_CODE_POINTS);

function mismatches(from: number, to: number): string[] {
  const bad: string[] = [];
  for (let cp = from; cp <= to; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (pinned.has(cp) || cp === 0xe5e5) continue; // U+E5E5: iconv-lite reuses U+F5F9's code, checked below
    const s = String.fromCodePoint(cp);
    let o: string;
    try { o = ours(s); } catch (e) { o = (e as Error).message; }
    if (o !== ref(s)) bad.push(`U+${cp.toString(16)}: ${ours(s)} vs ${ref(s)}`);
  }
  return bad;
}

describe('encodeGb18030', () => {
  it('matches iconv-lite on every CJK Unified Ideograph (U+4E00-U+9FFF) and Extension A', () => {
    expect(mismatches(0x4e00, 0x9fff)).toEqual([]);
    expect(mismatches(0x3400, 0x4dbf)).toEqual([]);
  });

  it('matches iconv-lite on the whole BMP outside the pinned 2022 codes', () => {
    expect(mismatches(0x80, 0xffff)).toEqual([]);
  });

  it('matches iconv-lite on 4-byte characters, supplementary planes included', () => {
    for (const s of ['\u00e9', '\u20ac', '\u{20000}', '\u{2A6D6}', '\u{1F600}', '\u{10FFFF}', '\u{10000}', '\u0080', '\uffff']) {
      expect(ours(s), s).toBe(ref(s));
    }
    expect(ours('\u00e9')).toBe('A8 A6'); // é is a 2-byte (pinyin) code, not 4-byte
    expect(ours('\u00c0')).toBe('81 30 86 38'); // À is 4-byte
    expect(ours('\u{20000}')).toBe('95 32 82 36');
    expect(mismatches(0x10000, 0x10400)).toEqual([]);
    expect(mismatches(0x20000, 0x20400)).toEqual([]);
  });

  it('sends the 2-byte code for the GB18030-2022 re-mapped characters and their old Private Use points', () => {
    expect(ours('\u9fb4')).toBe('FE 59');
    expect(ours('\ue81e')).toBe('FE 59');
    expect(ours('\ufe10')).toBe('A6 D9');
    expect(ours('\ue78d')).toBe('A6 D9');
    // iconv-lite (2005 edition) decodes our bytes to the Private Use point: same glyph, older label.
    expect(iconv.decode(Buffer.from([0xfe, 0x59]), 'gb18030')).toBe('\ue81e');
    expect(GB18030_EDITION_2022_CODE_POINTS).toHaveLength(36);
  });

  it('sends A3A0 for U+E5E5 (GB18030), which no decoder can teach the table', () => {
    expect(ours('\ue5e5')).toBe('A3 A0');
    expect(ref('\ue5e5')).toBe(ref('\uf5f9')); // the reference's quirk that excludes it from the comparison
  });

  it('round-trips mixed text through iconv-lite', () => {
    const text = '广东省政务服务中心 A012 · 前面还有 7 人等候 😀 𠀀 é';
    expect(iconv.decode(Buffer.from(encodeGb18030(text)), 'gb18030')).toBe(text);
  });

  it('refuses lone surrogates', () => {
    expect(() => encodeGb18030('a\ud83d')).toThrow(/lone surrogate U\+D83D/);
  });
});
