// The host-side scanner decoder: code splitting with every suffix rule, bounds, replies between codes, garbage,
// silence as an input (fast-check fuzz and chunking properties as for the other codecs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../src/hex.ts';
import {
  buildQrReply, isQrCodeByte, QR_MAX_CODE_BYTES, qrCodePreview, qrCodeText, QrScannerDecoder, type QrScannerFrame,
} from '../../src/qrscanner/index.ts';

/** Splits `bytes` at the given cut points (any order, any value). */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) { out.push(bytes.subarray(prev, c)); prev = c; }
  return out;
}

const arbCode = fc.uint8Array({ minLength: 1, maxLength: QR_MAX_CODE_BYTES }).map((b) => b.map((x) => (isQrCodeByte(x) ? x : 0x41)));
const arbSuffix = fc.constantFrom('0D', '0A', '0D 0A').map(fromHex);
const arbReply = fc.record({ status: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 40 }) });

type Item = { code: Uint8Array; suffix: Uint8Array } | { reply: { status: number; data: Uint8Array } };
const arbItem: fc.Arbitrary<Item> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ code: arbCode, suffix: arbSuffix }) },
  { weight: 1, arbitrary: arbReply.map((reply) => ({ reply })) },
);
const wire = (it: Item) => ('code' in it ? concatBytes([it.code, it.suffix]) : buildQrReply(it.reply));
const view = (f: QrScannerFrame) => (f.kind === 'code' ? `code ${toHex(f.bytes)}` : `reply ${f.status} ${toHex(f.data)}`);
const want = (it: Item) => ('code' in it ? `code ${toHex(it.code)}` : `reply ${it.reply.status} ${toHex(it.reply.data)}`);

function feed(d: QrScannerDecoder, parts: Uint8Array[], at = 0): QrScannerFrame[] {
  const out: QrScannerFrame[] = [];
  for (const p of parts) {
    out.push(...d.push(p, at));
    expect(d.buffered).toBeLessThanOrEqual(QR_MAX_CODE_BYTES);
  }
  return out;
}

describe('QrScannerDecoder: codes and replies in any chunks', () => {
  it('delivers every code (CR, LF or CR LF) and every reply in order, whatever the chunking, with nothing counted as bad', () => {
    fc.assert(fc.property(fc.array(arbItem, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (items, cuts) => {
      const d = new QrScannerDecoder();
      const out = feed(d, chunks(concatBytes(items.map(wire)), cuts));
      expect(out.map(view)).toEqual(items.map(want));
      expect(d.counters).toMatchObject({ frames: items.length, garbage: 0, overLength: 0, checksumErrors: 0, discardedBytes: 0 });
      expect(d.buffered).toBe(0);
    }), { numRuns: 200 });
  });

  it('never throws and stays bounded on arbitrary bytes; every delivered code holds only code bytes and fits the bound', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 12 }), (parts) => {
      const d = new QrScannerDecoder();
      const out = [...feed(d, parts), ...d.idle(10_000)];
      for (const f of out) {
        if (f.kind !== 'code') continue;
        expect(f.bytes.length).toBeGreaterThan(0);
        expect(f.bytes.length).toBeLessThanOrEqual(QR_MAX_CODE_BYTES);
        expect([...f.bytes].every(isQrCodeByte)).toBe(true);
      }
      expect(d.buffered).toBe(0);
    }), { numRuns: 300 });
  });

  it('reads the next code after any garbage once the line was quiet (suffix CR: stale partials are dropped)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), arbCode, fc.array(fc.nat(), { maxLength: 10 }), (garbage, code, cuts) => {
      const d = new QrScannerDecoder();
      feed(d, chunks(garbage, cuts), 0);
      const out = d.push(concatBytes([code, fromHex('0D')]), 1000);
      expect(out.filter((f) => f.kind === 'code').map(view).at(-1)).toBe(`code ${toHex(code)}`);
    }), { numRuns: 200 });
  });
});

describe('QrScannerDecoder: bounds and garbage', () => {
  it('drops a code over 512 bytes (counted), resyncs at the suffix, and reads the next code', () => {
    fc.assert(fc.property(fc.integer({ min: QR_MAX_CODE_BYTES + 1, max: 2000 }), arbCode, fc.array(fc.nat(), { maxLength: 20 }), (n, next, cuts) => {
      const d = new QrScannerDecoder();
      const long = new Uint8Array(n).fill(0x5a);
      const out = feed(d, chunks(concatBytes([long, fromHex('0D 0A'), next, fromHex('0D')]), cuts));
      expect(out.map(view)).toEqual([`code ${toHex(next)}`]);
      expect(d.counters).toMatchObject({ overLength: 1, lengthErrors: 1, codes: 1, discardedBytes: n });
    }), { numRuns: 100 });
  });

  it('a code of exactly 512 bytes is read', () => {
    const d = new QrScannerDecoder();
    const code = new Uint8Array(QR_MAX_CODE_BYTES).fill(0x41);
    expect(d.push(concatBytes([code, fromHex('0D')])).map(view)).toEqual([`code ${toHex(code)}`]);
  });

  it('a segment holding bytes no code holds is dropped as garbage and the code after its suffix reads', () => {
    const d = new QrScannerDecoder();
    const out = d.push(fromHex('41 00 13 FF 42 0D 41 30 31 32 0D'));
    expect(out.map(view)).toEqual(['code 41 30 31 32']);
    expect(d.counters).toMatchObject({ garbage: 1, discardedBytes: 5, codes: 1 });
  });

  it('a 02 that is not a reply is dropped and the bytes after it read afresh', () => {
    const d = new QrScannerDecoder();
    expect(d.push(fromHex('02 41 42 43 0D')).map(view)).toEqual(['code 41 42 43']);
    expect(d.counters.garbage).toBe(1);
  });

  it('a reply arriving while garbage is pending (suffix CR) is still read; the garbage is dropped', () => {
    const d = new QrScannerDecoder();
    const out = d.push(concatBytes([fromHex('13 88 41 42'), buildQrReply({ status: 0, data: Uint8Array.of(3) }), fromHex('41 0D')]));
    expect(out.map(view)).toEqual(['reply 0 03', 'code 41']);
    expect(d.counters.garbage).toBe(1);
  });

  it('a noise 02 inside a code (suffix CR) loses that code whole: neither part comes out as a code', () => {
    const d = new QrScannerDecoder();
    const out = d.push(fromHex('41 42 43 02 44 45 46 0D 58 0D'));
    expect(out.map(view)).toEqual(['code 58']);
    expect(d.counters.codes).toBe(1);
  });

  it('a reply with a bad CRC is counted and never delivered as a reply or a code', () => {
    const d = new QrScannerDecoder();
    const bad = buildQrReply({ status: 0, data: Uint8Array.of(0) });
    bad[bad.length - 1] ^= 0x55;
    const out = d.push(concatBytes([bad, fromHex('0D 41 30 31 32 0D')]));
    expect(out.map(view)).toEqual(['code 41 30 31 32']);
    expect(d.counters.checksumErrors).toBe(1);
    expect(d.counters.replies).toBe(0);
  });

  it('with a suffix, a partial code cut off by a silence is garbage, not a code', () => {
    const d = new QrScannerDecoder({ staleMs: 500 });
    d.push(fromHex('41 42'), 0);
    expect(d.silenceDeadline).toBe(500);
    expect(d.idle(499)).toEqual([]);
    expect(d.idle(500)).toEqual([]);
    expect(d.counters).toMatchObject({ garbage: 1, codes: 0 });
    expect(d.push(fromHex('43 0D'), 600).map(view)).toEqual(['code 43']);
  });
});

describe('QrScannerDecoder: suffix "none" (codes end on a silence of at least 50 ms)', () => {
  it('splits on silences >= 50 ms and never inside a code whose bytes come closer together', () => {
    const arbGapCode = fc.record({ code: arbCode, cuts: fc.array(fc.nat(), { maxLength: 6 }), gap: fc.integer({ min: 50, max: 2000 }) });
    fc.assert(fc.property(fc.array(arbGapCode, { minLength: 1, maxLength: 8 }), (items) => {
      const d = new QrScannerDecoder({ suffix: 'none' });
      const out: QrScannerFrame[] = [];
      let t = 0;
      for (const it of items) {
        for (const part of chunks(it.code, it.cuts)) {
          out.push(...d.push(part, t));
          t += 49; // bytes of one code: never 50 ms apart
        }
        t += it.gap;
      }
      out.push(...d.idle(t));
      expect(out.map(view)).toEqual(items.map((it) => `code ${toHex(it.code)}`));
    }), { numRuns: 200 });
  });

  it('exactly at 50 ms the code ends; at 49 ms it does not', () => {
    const d = new QrScannerDecoder({ suffix: 'none' });
    d.push(fromHex('41 42'), 1000);
    expect(d.idle(1049)).toEqual([]);
    expect(d.idle(1050).map(view)).toEqual(['code 41 42']);
  });

  it('a reply right after a code (no silence between) still ends the code and is read as a reply', () => {
    const d = new QrScannerDecoder({ suffix: 'none' });
    const out = d.push(concatBytes([fromHex('41 42'), buildQrReply({ status: 0, data: Uint8Array.of(0) })]), 0);
    expect(out.map(view)).toEqual(['code 41 42', 'reply 0 00']);
  });

  it('suffixes still split (a site may leave CR on), and the clock option supplies time when push is given none', () => {
    let now = 0;
    const d = new QrScannerDecoder({ suffix: 'none', now: () => now });
    expect(d.push(fromHex('41 0D 42')).map(view)).toEqual(['code 41']);
    now = 60;
    expect(d.idle().map(view)).toEqual(['code 42']);
  });

  it('an over-long code with no suffix is dropped and the silence resynchronises', () => {
    const d = new QrScannerDecoder({ suffix: 'none' });
    d.push(new Uint8Array(600).fill(0x41), 0);
    expect(d.idle(60)).toEqual([]);
    expect(d.counters.overLength).toBe(1);
    d.push(fromHex('42'), 100);
    expect(d.idle(200).map(view)).toEqual(['code 42']);
  });

  it('reset drops a partial segment and keeps the counters', () => {
    const d = new QrScannerDecoder();
    d.push(fromHex('41 42 0D 43'));
    d.reset();
    expect(d.buffered).toBe(0);
    expect(d.push(fromHex('44 0D')).map(view)).toEqual(['code 44']);
    expect(d.counters.codes).toBe(2);
  });
});

describe('code text and preview', () => {
  it('UTF-8 when valid, GB18030 otherwise (spec: Chinese text may arrive in GBK)', () => {
    expect(qrCodeText(new TextEncoder().encode('广东'))).toEqual({ text: '广东', encoding: 'utf8' });
    expect(qrCodeText(fromHex('B9 E3 B6 AB'))).toEqual({ text: '广东', encoding: 'gb18030' });
  });

  it('the preview shows at most 6 characters and never more than half the code', () => {
    expect(qrCodePreview(new TextEncoder().encode('GDID1.eyJ2IjoxfQ.c2ln'))).toBe('GDID1.… (21 B)');
    expect(qrCodePreview(new TextEncoder().encode('A012'))).toBe('A0… (4 B)');
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 100 }), (s) => {
      const bytes = new TextEncoder().encode(s);
      const shown = qrCodePreview(bytes).replace(/… \(\d+ B\)$/, '');
      expect(Array.from(shown).length).toBeLessThanOrEqual(Math.min(6, Math.floor(Array.from(s).length / 2)));
    }));
  });
});
