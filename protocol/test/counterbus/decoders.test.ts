// Streaming decoders: chunking, noise, damaged frames, bounded buffer, the outstanding-request filter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../src/hex.ts';
import {
  buildModbusReply, buildModbusRequest, counterReadEventsRequest, MODBUS_MAX_FRAME, ModbusReplyDecoder,
  ModbusRequestDecoder, type ModbusReply, type ModbusRequest,
} from '../../src/counterbus/index.ts';
import { arbReply, arbRequest } from './arbitraries.ts';

type Decoder<F> = ModbusRequestDecoder | ModbusReplyDecoder;

/** Splits `bytes` at the given cut points (any order, any value). */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) { out.push(bytes.subarray(prev, c)); prev = c; }
  return out;
}

function feed<F>(d: { push(c: Uint8Array): F[]; buffered: number }, parts: Uint8Array[]): F[] {
  const out: F[] = [];
  for (const p of parts) {
    out.push(...d.push(p));
    expect(d.buffered).toBeLessThan(MODBUS_MAX_FRAME);
  }
  return out;
}

/** A stream segment: a good frame, a run of noise, or a frame with one byte damaged. */
const segment = (arbFrame: fc.Arbitrary<Uint8Array>) =>
  fc.oneof(
    { weight: 3, arbitrary: arbFrame.map((bytes) => ({ good: true as const, bytes })) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 20 }).map((bytes) => ({ good: false as const, bytes })) },
    {
      weight: 1,
      arbitrary: fc.tuple(arbFrame, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([f, at, x]) => {
        const bytes = f.slice();
        bytes[at % bytes.length] ^= x;
        return { good: false as const, bytes };
      }),
    },
  );

/**
 * Every undamaged frame comes out, in order. The one exception RTU allows: noise that happens to carry a valid
 * CRC (about 1 in 65536 plausible candidates) is taken for a frame and may overlap the good frame after it; then a
 * frame that is not one of ours must have come out.
 */
function expectEveryGoodFrame(goods: Uint8Array[], decoded: Uint8Array[]): void {
  const want = goods.map((g) => toHex(g));
  const got = decoded.map((g) => toHex(g));
  let k = 0;
  let spurious = 0;
  for (const g of got) {
    if (k < want.length && g === want[k]) k++;
    else spurious++;
  }
  if (k < want.length) expect(spurious, `lost ${want[k]} with no spurious frame to explain it`).toBeGreaterThan(0);
}

function noiseProperty<F>(
  make: () => Decoder<F>,
  arbFrame: fc.Arbitrary<Uint8Array>,
  encode: (f: F) => Uint8Array,
): void {
  fc.assert(
    fc.property(fc.array(segment(arbFrame), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (segs, cuts) => {
      const d = make();
      const stream = concatBytes(segs.map((s) => s.bytes));
      const frames = [...feed(d as never, chunks(stream, cuts)), ...d.lineSilent()] as F[];
      expect(d.buffered).toBe(0);
      expectEveryGoodFrame(segs.filter((s) => s.good).map((s) => s.bytes), frames.map(encode));
      expect(d.counters.frames).toBe(frames.length);
    }),
    { numRuns: 300 },
  );
}

describe('ModbusRequestDecoder (slave side)', () => {
  const reqBytes = arbRequest.map(buildModbusRequest);

  it('decodes any sequence of requests split into any chunks, with no errors counted', () => {
    fc.assert(fc.property(fc.array(arbRequest, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 40 }), (reqs, cuts) => {
      const d = new ModbusRequestDecoder();
      const stream = concatBytes(reqs.map(buildModbusRequest));
      expect(feed(d, chunks(stream, cuts))).toEqual(reqs);
      expect(d.counters).toMatchObject({ frames: reqs.length, checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 });
      expect(d.buffered).toBe(0);
    }));
  });

  it('never throws and keeps its buffer under one frame on arbitrary bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (parts) => {
      const d = new ModbusRequestDecoder();
      feed(d, parts);
      d.lineSilent();
      expect(d.buffered).toBe(0);
    }));
  });

  it('decodes every undamaged request among noise and damaged frames', () => {
    noiseProperty(() => new ModbusRequestDecoder(), reqBytes, (r: ModbusRequest) => buildModbusRequest(r));
  });

  it('slides one byte on a CRC mismatch, so a frame right after a damaged one is not lost', () => {
    const a = buildModbusRequest(counterReadEventsRequest(1));
    const b = buildModbusRequest(counterReadEventsRequest(2));
    const bad = a.slice(); bad[5] ^= 0x40;
    const d = new ModbusRequestDecoder();
    expect(d.push(concatBytes([bad, b]))).toEqual([counterReadEventsRequest(2)]);
    expect(d.counters.checksumErrors).toBeGreaterThanOrEqual(1);
    expect(d.counters.discardedBytes).toBe(8);
  });

  it('holds a frame behind a noise header that asks for more bytes until more come or the line goes silent', () => {
    // "01 10 00 00 00 7F FE" looks like the start of a 263-byte write-multiple request.
    const noise = fromHex('01 10 00 00 00 7F FE');
    const good = buildModbusRequest(counterReadEventsRequest(5));
    const d = new ModbusRequestDecoder();
    expect(d.push(concatBytes([noise, good]))).toEqual([]);
    expect(d.lineSilent()).toEqual([counterReadEventsRequest(5)]);
    expect(d.counters.discardedBytes).toBe(noise.length);
  });

  it('remembers the bytes of each delivered frame when asked to (for hex logs)', () => {
    const d = new ModbusRequestDecoder({ keepFrameBytes: true });
    const bytes = buildModbusRequest(counterReadEventsRequest(1));
    const [req] = d.push(concatBytes([fromHex('FF'), bytes]));
    expect(toHex(d.frameBytes(req)!)).toBe('01 04 00 00 00 11 30 06');
    expect(new ModbusRequestDecoder().frameBytes(req)).toBeUndefined();
  });

  it('reset drops a partial frame and keeps the counters', () => {
    const good = buildModbusRequest(counterReadEventsRequest(1));
    const d = new ModbusRequestDecoder();
    d.push(good.subarray(0, 5));
    d.reset();
    expect(d.buffered).toBe(0);
    expect(d.push(good)).toEqual([counterReadEventsRequest(1)]);
    expect(d.counters.frames).toBe(1);
  });
});

describe('ModbusReplyDecoder (master side)', () => {
  const replyBytes = arbReply.map(buildModbusReply);

  it('decodes any sequence of replies split into any chunks, with no errors counted', () => {
    fc.assert(fc.property(fc.array(arbReply, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 40 }), (replies, cuts) => {
      const d = new ModbusReplyDecoder();
      expect(feed(d, chunks(concatBytes(replies.map(buildModbusReply)), cuts))).toEqual(replies);
      expect(d.counters).toMatchObject({ frames: replies.length, checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 });
    }));
  });

  it('never throws and keeps its buffer under one frame on arbitrary bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (parts) => {
      const d = new ModbusReplyDecoder();
      d.expectReplyTo(counterReadEventsRequest(1));
      feed(d, parts);
      d.lineSilent();
      expect(d.buffered).toBe(0);
    }));
  });

  it('decodes every undamaged reply among noise and damaged frames', () => {
    noiseProperty(() => new ModbusReplyDecoder(), replyBytes, (r: ModbusReply) => buildModbusReply(r));
  });

  it('with a request outstanding, passes only its answer and counts other good frames as unexpected', () => {
    const events = (unit: number): ModbusReply => ({ kind: 'registers', unit, fn: 4, values: new Array(17).fill(0) });
    const d = new ModbusReplyDecoder();
    d.expectReplyTo(counterReadEventsRequest(1));
    const out = d.push(concatBytes([buildModbusReply(events(2)), buildModbusReply(events(1))]));
    expect(out).toEqual([events(1)]);
    expect(d.counters.unexpected).toBe(1);
    expect(d.awaiting).toBeNull();
    // nothing outstanding any more: every well-formed reply passes
    expect(d.push(buildModbusReply(events(7)))).toEqual([events(7)]);
  });

  it('does not wait behind a noise header that cannot be the awaited answer', () => {
    const answer: ModbusReply = { kind: 'registers', unit: 1, fn: 4, values: new Array(17).fill(0x0101) };
    const d = new ModbusReplyDecoder();
    d.expectReplyTo(counterReadEventsRequest(1));
    // "09 03 F0" would be a 245-byte read reply from unit 9; the answer right after it comes out at once.
    expect(d.push(concatBytes([fromHex('09 03 F0'), buildModbusReply(answer)]))).toEqual([answer]);
    expect(d.counters.discardedBytes).toBe(3);
  });

  it('passes an exception reply as the answer to its request', () => {
    const d = new ModbusReplyDecoder();
    d.expectReplyTo(counterReadEventsRequest(2));
    expect(d.push(fromHex('02 84 02 32 C1'))).toEqual([{ kind: 'exception', unit: 2, fn: 4, code: 2 }]);
  });
});
