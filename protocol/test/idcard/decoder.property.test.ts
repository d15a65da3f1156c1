// Property tests of SamFrameDecoder: random input, damaged streams and random chunking (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SAM_MAX_FRAME_BYTES,
  SAM_PREAMBLE,
  SamFrameDecoder,
  buildSamCommand,
  buildSamResponse,
  concatBytes,
  toHex,
  type SamFrame,
} from '@onedoor/protocol';

/** Bytes biased towards the preamble's values so that false starts actually happen. */
const noisyByte = fc.oneof(fc.constantFrom(...SAM_PREAMBLE, 0x00, 0x05, 0x08), fc.integer({ min: 0, max: 255 }));
const noisyBytes = (maxLength: number) => fc.array(noisyByte, { maxLength }).map((a) => Uint8Array.from(a));

const commandFrame = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), noisyBytes(12))
  .map(([c, p, d]) => buildSamCommand(c, p, d));
const responseFrame = fc
  .tuple(fc.integer({ min: 0, max: 255 }), noisyBytes(40))
  .map(([sw3, d]) => buildSamResponse(sw3, d));
// A read-sized response (1280 data bytes + the 4 length bytes), as on the real wire.
const readFrame = fc.uint8Array({ minLength: 1284, maxLength: 1284 }).map((d) => buildSamResponse(0x90, d));
const anyFrame = fc.oneof({ weight: 4, arbitrary: commandFrame }, { weight: 4, arbitrary: responseFrame }, { weight: 1, arbitrary: readFrame });

/** Cuts `bytes` into chunks at the given (sorted, deduplicated) cut points. */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

/** Feeds chunks, checking after every push that the buffer stays within one maximal frame. */
function feed(d: SamFrameDecoder, chunks: Uint8Array[]): SamFrame[] {
  const frames: SamFrame[] = [];
  for (const c of chunks) {
    frames.push(...d.push(c));
    expect(d.bufferedBytes).toBeLessThan(SAM_MAX_FRAME_BYTES);
  }
  return frames;
}

const accounted = (frames: SamFrame[], d: SamFrameDecoder) =>
  frames.reduce((n, f) => n + f.raw.length, 0) + d.counters.discardedBytes + d.bufferedBytes;

describe('SamFrameDecoder properties', () => {
  it('random bytes in random chunks: never throws, buffer bounded, every byte accounted for', () => {
    fc.assert(
      fc.property(noisyBytes(6000), fc.array(fc.nat(), { maxLength: 30 }), (bytes, cuts) => {
        const d = new SamFrameDecoder();
        const frames = feed(d, chunk(bytes, cuts));
        expect(accounted(frames, d)).toBe(bytes.length);
        expect(d.counters.frames).toBe(frames.length);
      }),
      { numRuns: 300 },
    );
  });

  it('a clean stream in random chunks decodes to exactly the frames sent, with no errors', () => {
    fc.assert(
      fc.property(fc.array(anyFrame, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (sent, cuts) => {
        const d = new SamFrameDecoder();
        const got = feed(d, chunk(concatBytes(sent), cuts));
        expect(got.map((f) => toHex(f.raw))).toEqual(sent.map((f) => toHex(f)));
        expect(d.counters).toEqual({ frames: sent.length, checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 });
        expect(d.bufferedBytes).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  // Damage: garbage between frames, and some frames flipped, cut short or given an extra byte.
  type Damage = { kind: 'none' } | { kind: 'flip' | 'drop' | 'insert'; at: number; value: number };
  const damage: fc.Arbitrary<Damage> = fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    fc.record({ kind: fc.constantFrom('flip' as const, 'drop' as const, 'insert' as const), at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
  );
  const piece = fc.record({ garbage: noisyBytes(8), frame: anyFrame, damage });

  function damaged(frame: Uint8Array, dmg: Damage): Uint8Array {
    if (dmg.kind === 'none') return frame;
    const at = dmg.at % frame.length;
    const out = Array.from(frame);
    if (dmg.kind === 'flip') out[at] ^= dmg.value;
    else if (dmg.kind === 'drop') out.splice(at, 1);
    else out.splice(at, 0, dmg.value);
    return Uint8Array.from(out);
  }

  it('damaged streams: every frame the damage did not touch is still decoded', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 40 }), (pieces, cuts) => {
        const parts: Uint8Array[] = [];
        const intact: { offset: number; hex: string; length: number }[] = [];
        let offset = 0;
        for (const p of pieces) {
          const bytes = damaged(p.frame, p.damage);
          parts.push(p.garbage, bytes);
          offset += p.garbage.length;
          if (p.damage.kind === 'none') intact.push({ offset, hex: toHex(bytes), length: bytes.length });
          offset += bytes.length;
        }
        // Later traffic: a damaged LEN may claim bytes beyond the end; filler lets the decoder get past it.
        parts.push(new Uint8Array(SAM_MAX_FRAME_BYTES));
        const stream = concatBytes(parts);

        const d = new SamFrameDecoder();
        const got = feed(d, chunk(stream, cuts));
        expect(accounted(got, d)).toBe(stream.length);

        const byOffset = new Map(got.map((f) => [f.streamOffset, toHex(f.raw)]));
        // XOR is a weak check: a damaged frame passes it by chance (about 1 in 256) and may then swallow the
        // bytes of a following frame. Such a frame is not one we sent; only frames it overlaps are excused.
        const spurious = got.filter((f) => !intact.some((i) => i.offset === f.streamOffset && i.hex === toHex(f.raw)));
        for (const i of intact) {
          const excused = spurious.some((s) => s.streamOffset < i.offset + i.length && i.offset < s.streamOffset + s.raw.length);
          if (!excused) expect(byOffset.get(i.offset)).toBe(i.hex);
        }
        // Damage is counted: with nothing spurious, every damaged frame surfaces as at least one error or discard.
        const damagedCount = pieces.filter((p) => p.damage.kind !== 'none').length;
        if (damagedCount > 0 && spurious.length === 0) {
          expect(d.counters.checksumErrors + d.counters.lengthErrors + d.counters.discardedBytes).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('after reset a partial frame is dropped and the next frame decodes', () => {
    const d = new SamFrameDecoder();
    const f = buildSamResponse(0x90);
    expect(d.push(f.subarray(0, 6))).toEqual([]);
    d.reset();
    expect(d.bufferedBytes).toBe(0);
    expect(d.push(f).map((x) => toHex(x.raw))).toEqual([toHex(f)]);
  });

  it('counts impossible LEN values as length errors and resynchronises one byte later', () => {
    const good = buildSamResponse(0x9f, new Uint8Array(4));
    const tooShort = Uint8Array.from([...SAM_PREAMBLE, 0x00, 0x02, 0x00, 0x00]);
    const tooLong = Uint8Array.from([...SAM_PREAMBLE, 0xff, 0xff]);
    const d = new SamFrameDecoder();
    const got = d.push(concatBytes([tooShort, tooLong, good]));
    expect(got.map((f) => toHex(f.raw))).toEqual([toHex(good)]);
    expect(d.counters.lengthErrors).toBe(2);
    // A response decoder also refuses LEN 3 (no room for SW1 SW2 SW3).
    const r = new SamFrameDecoder({ direction: 'response' });
    expect(r.push(buildSamCommand(0x20, 0x01))).toEqual([]);
    expect(r.counters.lengthErrors).toBe(1);
  });

  it('rejects a bad direction option with a message', () => {
    expect(() => new SamFrameDecoder({ direction: 'sideways' as never })).toThrow(/direction/);
  });
});
