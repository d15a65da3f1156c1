// EscPosStatusDecoder against escpos.md "Printer -> host" and the shared status_replies vectors.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EscPosStatusDecoder, concatBytes, fromHex, mergeEscPosStatus, type EscPosPrinterStatus, type EscPosRealtimeN, type EscPosReply,
} from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const r = loadVectors('escpos').status_replies as Record<string, string>;

function decodeOne(hex: string, n?: EscPosRealtimeN) {
  const d = new EscPosStatusDecoder();
  if (n) d.expectRealtime(n);
  const out = d.push(fromHex(hex));
  expect(out).toHaveLength(1);
  return { reply: out[0], status: d.status, counters: d.counters };
}

describe('status_replies vectors decode as their names say', () => {
  it('healthy_dle_eot_1: online, nothing waiting', () => {
    const { reply, status } = decodeOne(r.healthy_dle_eot_1, 1);
    expect(reply).toMatchObject({ kind: 'realtime', n: 1, byte: 0x16, fields: { online: true, waitingForRecovery: false, feedButton: false } });
    expect(status?.online).toBe(true);
  });
  it('healthy_dle_eot_4: paper ok', () => {
    expect(decodeOne(r.healthy_dle_eot_4, 4).reply).toMatchObject({ kind: 'realtime', n: 4, fields: { paper: 'ok' } });
  });
  it('paper_end_dle_eot_4: paper out', () => {
    const { reply, status } = decodeOne(r.paper_end_dle_eot_4, 4);
    expect(reply).toMatchObject({ fields: { paper: 'out' } });
    expect(status?.paper).toBe('out');
    expect(status?.raw.realtime[4]).toBe(0x72);
  });
  it('cover_open_dle_eot_2: cover open', () => {
    expect(decodeOne(r.cover_open_dle_eot_2, 2).status).toMatchObject({ coverOpen: true });
  });
  it('asb_paper_end: paper out, online, no errors', () => {
    const { reply } = decodeOne(r.asb_paper_end);
    expect(reply).toMatchObject({ kind: 'asb', bytes: [0x10, 0, 0x0c, 0], fields: { paper: 'out', online: true, coverOpen: false } });
  });
  it('asb_cover_open_offline: cover open and offline', () => {
    expect(decodeOne(r.asb_cover_open_offline).status).toMatchObject({ coverOpen: true, online: false, paper: 'ok' });
  });
  it('process_id_0001', () => {
    expect(decodeOne(r.process_id_0001).reply).toEqual({ kind: 'processId', id: '0001' });
  });
});

describe('EscPosStatusDecoder bit tables', () => {
  const cases: Array<[EscPosRealtimeN, number, object]> = [
    [1, 0x1e, { online: false }],
    [1, 0x32, { online: true, waitingForRecovery: true }],
    [1, 0x52, { feedButton: true }],
    [2, 0x32, { coverOpen: false, paper: 'out' }],
    [3, 0x16, { recoverableError: true, cutterError: false }],
    [3, 0x1a, { cutterError: true }],
    [3, 0x32, { unrecoverableError: true }],
    [3, 0x52, { autoRecoverableError: true }],
    [3, 0x12, { recoverableError: false, cutterError: false, unrecoverableError: false, autoRecoverableError: false }],
    [4, 0x1e, { paper: 'low' }],
    [4, 0x7e, { paper: 'out' }],
  ];
  for (const [n, b, fields] of cases) {
    it(`DLE EOT ${n} -> 0x${b.toString(16)}`, () => expect(decodeOne(b.toString(16), n).reply).toMatchObject({ fields }));
  }
  it('ASB byte 1 errors and byte 2 near end', () => {
    expect(decodeOne('10 2C 03 00').reply).toMatchObject({
      fields: { cutterError: true, recoverableError: true, unrecoverableError: true, autoRecoverableError: false, paper: 'low' },
    });
    expect(decodeOne('10 41 00 00').reply).toMatchObject({ fields: { autoRecoverableError: true, waitingForRecovery: true } });
  });
});

describe('EscPosStatusDecoder stream handling', () => {
  it('separates interleaved kinds, answers DLE EOT in request order, merges status', () => {
    const d = new EscPosStatusDecoder();
    d.expectRealtime(1);
    d.expectRealtime(4);
    const out = d.push(fromHex('16 13 10 00 0C 00 11 72 37 22 41 42 43 44 00'));
    expect(out.map((x) => x.kind)).toEqual(['realtime', 'xoff', 'asb', 'xon', 'realtime', 'processId']);
    expect(out[0]).toMatchObject({ n: 1 });
    expect(out[4]).toMatchObject({ n: 4, fields: { paper: 'out' } });
    expect(out[5]).toEqual({ kind: 'processId', id: 'ABCD' });
    expect(d.status).toMatchObject({ online: true, paper: 'out', raw: { realtime: { 1: 0x16, 4: 0x72 }, asb: [0x10, 0, 0x0c, 0] } });
    expect(d.counters).toMatchObject({ frames: 6, discardedBytes: 0, lengthErrors: 0 });
  });

  it('reports an undeclared DLE EOT reply raw, without touching status', () => {
    const d = new EscPosStatusDecoder();
    expect(d.push(fromHex('72'))).toEqual([{ kind: 'realtime', byte: 0x72 }]);
    expect(d.status).toBeUndefined();
    expect(d.counters.unexpectedRealtime).toBe(1);
  });

  it('decodes a reply split at every byte boundary', () => {
    const bytes = fromHex('10 00 0C 00 37 22 30 30 30 31 00 16');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new EscPosStatusDecoder();
      const out = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      expect(out.map((x) => x.kind)).toEqual(['asb', 'processId', 'realtime']);
    }
  });

  it('XON/XOFF inside a partial ASB or process ID do not break it', () => {
    const d = new EscPosStatusDecoder();
    const out = d.push(fromHex('10 00 13 0C 00 37 22 30 11 30 30 31 00'));
    expect(out.map((x) => x.kind)).toEqual(['xoff', 'asb', 'xon', 'processId']);
  });

  it('resynchronises on stray bytes and broken frames, counting them', () => {
    const d = new EscPosStatusDecoder();
    // 00 FF: stray; 10 00 then 16: broken ASB, 16 is a reply; 37 22 30 32 then 10: broken process ID whose
    // inner 32 looks like a DLE EOT reply (rescanned), then a whole ASB.
    const out = d.push(fromHex('00 FF 10 00 16 37 22 30 32 10 00 00 00'));
    expect(out.map((x) => (x.kind === 'realtime' ? `rt${x.byte.toString(16)}` : x.kind))).toEqual(['rt16', 'rt32', 'asb']);
    expect(d.counters).toMatchObject({ frames: 3, lengthErrors: 2, discardedBytes: 2 + 2 + 3 });
  });

  it('a process ID must end in 00 and carry 0x30-0x7E', () => {
    const d = new EscPosStatusDecoder();
    expect(d.push(fromHex('37 22 41 42 43 44 01'))).toEqual([]);
    expect(d.push(fromHex('37 22 41 20 43 44 00'))).toEqual([]);
    expect(d.counters).toMatchObject({ lengthErrors: 2, discardedBytes: 14, frames: 0 });
  });

  it('reset drops a partial frame and outstanding requests but keeps counters', () => {
    const d = new EscPosStatusDecoder();
    d.expectRealtime(2);
    d.push(fromHex('16 10 00'));
    d.expectRealtime(3);
    d.reset();
    expect(d.pendingRealtime).toEqual([]);
    expect(d.push(fromHex('0C 00 12'))).toEqual([{ kind: 'realtime', byte: 0x12 }]);
    expect(d.counters.frames).toBe(2);
  });

  it('expectRealtime rejects n outside 1-4', () => {
    expect(() => new EscPosStatusDecoder().expectRealtime(5 as never)).toThrow(/n must be 1-4, got 5/);
  });
});

// ---- property tests ----

const replyArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  // DLE EOT: 0xx1xx10
  fc.integer({ min: 0, max: 255 }).map((x) => Uint8Array.of((x & ~0x93) | 0x12)),
  // ASB: 0xx1xx00 + 3 bytes with bits 7 and 4 clear
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 3, maxLength: 3 }))
    .map(([h, body]) => Uint8Array.from([(h & ~0x93) | 0x10, ...body.map((b) => b & 0x6f)])),
  fc.array(fc.integer({ min: 0x30, max: 0x7e }), { minLength: 4, maxLength: 4 }).map((d) => Uint8Array.from([0x37, 0x22, ...d, 0])),
  fc.constantFrom(Uint8Array.of(0x11), Uint8Array.of(0x13)),
);

function key(r: EscPosReply): string {
  switch (r.kind) {
    case 'realtime': return `rt:${r.byte}`;
    case 'asb': return `asb:${r.bytes.join(',')}`;
    case 'processId': return `pid:${r.id}`;
    default: return r.kind;
  }
}
function keyOf(bytes: Uint8Array): string {
  const d = new EscPosStatusDecoder();
  return key(d.push(bytes)[0]);
}
/** Splits bytes at the given (sorted, deduplicated) cut points. */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) { out.push(bytes.subarray(prev, p)); prev = p; }
  return out;
}
/**
 * Length of a complete reply that the spec's byte patterns (escpos.md "Printer -> host") allow at `p`, else 0.
 * Independent of the decoder: used to excuse replies that damaged bytes can legitimately swallow.
 */
function specReplyLengthAt(b: Uint8Array, p: number): number {
  // XON/XOFF pass through an open frame (flow control cannot wait for it), so they are skipped inside a reply.
  const at: number[] = [p];
  for (let q = p + 1; q < b.length && at.length < 7; q++) if (b[q] !== 0x11 && b[q] !== 0x13) at.push(q);
  const v = (i: number) => b[at[i]];
  if (b[p] === 0x37 && at.length === 7 && v(1) === 0x22) {
    for (let i = 2; i < 6; i++) if (v(i) < 0x30 || v(i) > 0x7e) return 0;
    return v(6) === 0x00 ? at[6] - p + 1 : 0;
  }
  if ((b[p] & 0x93) === 0x10 && at.length >= 4) {
    for (let i = 1; i < 4; i++) if (v(i) & 0x90) return 0;
    return at[3] - p + 1;
  }
  return 0;
}

function isSubsequence(needle: string[], hay: string[]): boolean {
  let i = 0;
  for (const h of hay) if (i < needle.length && h === needle[i]) i++;
  return i === needle.length;
}

describe('EscPosStatusDecoder properties', () => {
  it('random bytes in random chunks never throw and keep the buffer bounded', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 50 }), (bytes, cuts) => {
      const d = new EscPosStatusDecoder();
      let frames = 0;
      for (const c of chunk(bytes, cuts)) {
        frames += d.push(c).length;
        expect(d.bufferedBytes).toBeLessThanOrEqual(6);
      }
      expect(d.counters.frames).toBe(frames);
      expect(d.counters.discardedBytes).toBeLessThanOrEqual(bytes.length);
    }), { numRuns: 300 });
  });

  it('valid streams in any chunking decode every reply, in order, with nothing discarded', () => {
    fc.assert(fc.property(fc.array(replyArb, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 40 }), (replies, cuts) => {
      const d = new EscPosStatusDecoder();
      const got = chunk(concatBytes(replies), cuts).flatMap((c) => d.push(c)).map(key);
      expect(got).toEqual(replies.map(keyOf));
      expect(d.counters.discardedBytes).toBe(0);
    }), { numRuns: 300 });
  });

  it('status equals the fold of mergeEscPosStatus over the replies it emitted', () => {
    fc.assert(fc.property(fc.array(replyArb, { maxLength: 40 }), fc.array(fc.constantFrom(1, 2, 3, 4), { maxLength: 40 }),
      (replies, ns) => {
        const d = new EscPosStatusDecoder();
        for (const n of ns) d.expectRealtime(n as EscPosRealtimeN);
        const out = d.push(concatBytes(replies));
        expect(d.status).toEqual(out.reduce<EscPosPrinterStatus | undefined>(mergeEscPosStatus, undefined));
      }), { numRuns: 300 });
  });

  it('with corrupted replies and garbage between them, every undamaged reply is still decoded in order', () => {
    // Each item is a reply kept intact, a reply with bytes dropped or replaced (damaged), or inserted garbage.
    const item = fc.oneof(
      { weight: 6, arbitrary: replyArb.map((b) => ({ bytes: b, intact: true })) },
      { weight: 1, arbitrary: fc.tuple(replyArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
        .map(([b, at, x, drop]) => {
          const i = at % b.length;
          const bytes = drop ? Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + 1)]) : Uint8Array.from(b);
          if (!drop) bytes[i] = x;
          return { bytes, intact: false };
        }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => ({ bytes, intact: false })) },
      // A reply cut short (e.g. the line dropped out): the next replies' bytes land in its partial frame.
      { weight: 2, arbitrary: fc.tuple(replyArb, fc.nat()).filter(([b]) => b.length > 1)
        .map(([b, k]) => ({ bytes: b.subarray(0, 1 + (k % (b.length - 1))), intact: false })) },
    );
    fc.assert(fc.property(fc.array(item, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 40 }), (items, cuts) => {
      // A final ASB ends any frame left open by damage (a decoder cannot know a frame is broken before the next byte).
      const all = [...items, { bytes: fromHex('10 00 00 00'), intact: true }];
      const d = new EscPosStatusDecoder();
      const got = chunk(concatBytes(all.map((i) => i.bytes)), cuts).flatMap((c) => d.push(c)).map(key);
      // A reply that begins inside damaged bytes and is completed by the following bytes is, byte for byte, a
      // valid reply (e.g. `37 22 30 30 30` cut short, then the ASB `30 00 00 00`: `37 22 30 30 30 30 00` is a
      // process ID). No decoder can tell; the intact items such a spanning reply overlaps are excused.
      const stream = concatBytes(all.map((i) => i.bytes));
      const starts: number[] = [];
      let at = 0;
      for (const i of all) { starts.push(at); at += i.bytes.length; }
      const excused = new Set<number>();
      all.forEach((it, k) => {
        if (it.intact) return;
        const end = starts[k] + it.bytes.length;
        for (let q = starts[k]; q < end; q++) {
          const stop = q + specReplyLengthAt(stream, q);
          if (stop <= end) continue;
          for (let j = k + 1; j < all.length && starts[j] < stop; j++) if (all[j].intact) excused.add(j);
        }
      });
      const want = all.filter((i, k) => i.intact && !excused.has(k)).map((i) => keyOf(i.bytes));
      // XON/XOFF are reported the moment they arrive, even while a (possibly broken) frame is open, so they may
      // overtake a reply held in that frame: order is checked among the other replies, flow control by count.
      const flow = (k: string) => k === 'xon' || k === 'xoff';
      const [wantFrames, gotFrames] = [want.filter((k) => !flow(k)), got.filter((k) => !flow(k))];
      expect(isSubsequence(wantFrames, gotFrames), `want ${want.join(' ')}\n got ${got.join(' ')}`).toBe(true);
      for (const f of ['xon', 'xoff']) {
        expect(got.filter((k) => k === f).length).toBeGreaterThanOrEqual(want.filter((k) => k === f).length);
      }
    }), { numRuns: 500 });
  });
});
