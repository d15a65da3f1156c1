// The technician console's frame log (README "For technicians: the console"): the ring is bounded,
// the actor feeds it through its tap without a failing tap costing a command, and what the
// describers keep of an ID reader's read reply holds no card data.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  buildModbusRequest,
  buildSamFindCard,
  buildSamReadBase,
  fromHex,
  SamFrame,
  toHex,
} from '@onedoor/protocol';
import { loadVectors } from '../../protocol/test/vectors.ts';
import { DeviceActor } from '../src/devices/actor.ts';
import { describeRxFrame, describeSamReply, describeTxBytes } from '../src/devices/frameDescribe.ts';
import { FrameLog, framesOf } from '../src/devices/frameLog.ts';
import type { ByteChannel, TransportEventMap } from '../src/transport/index.ts';
import { LineDecoder } from './helpers/lineDecoder.ts';

type ReadVector = { frame: string; expect: Record<string, string> };
const vectors = loadVectors<Record<string, ReadVector> & { responses: Record<string, string> }>('id-reader');
const READS = Object.keys(vectors).filter((k) => k.startsWith('read_base_ok_'));

/** In-memory channel: a unit test of the actor's pure bookkeeping (the PTY tests cover the real line). */
class MemoryChannel extends EventEmitter<TransportEventMap> implements ByteChannel {
  readonly path = 'mem://test';
  isOpen = true;
  written: Uint8Array[] = [];
  async write(bytes: Uint8Array): Promise<void> {
    this.written.push(bytes);
  }
  reply(text: string): void {
    this.emit('data', new TextEncoder().encode(text));
  }
}

describe('FrameLog ring', () => {
  it('keeps only the newest `capacity` entries, oldest first, and filters by seq', () => {
    const log = new FrameLog(50);
    for (let i = 1; i <= 120; i++) log.add(i % 2 ? 'tx' : 'rx', i, { hex: String(i), summary: `frame ${i}` });
    const all = log.entries();
    expect(all).toHaveLength(50);
    expect(all[0].seq).toBe(71);
    expect(all.at(-1)!.seq).toBe(120);
    expect(all.map((e) => e.seq)).toEqual([...Array(50).keys()].map((i) => 71 + i));
    expect(log.entries(117).map((e) => e.summary)).toEqual(['frame 118', 'frame 119', 'frame 120']);
    expect(log.lastSeq).toBe(120);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new FrameLog(0)).toThrow(/capacity/);
    expect(() => new FrameLog(2.5)).toThrow(/capacity/);
  });

  it('framesOf gives [] for a driver without a frame log', () => {
    expect(framesOf({})).toEqual([]);
    const log = new FrameLog(3);
    log.add('rx', 1, { hex: '01', summary: 'x' });
    expect(framesOf({ frames: (after: number) => log.entries(after) })).toHaveLength(1);
  });
});

describe('actor tap', () => {
  it('sees each command once (whole bytes, with its label) and every decoded frame, solicited or not', async () => {
    const ch = new MemoryChannel();
    const seen: string[] = [];
    const actor = new DeviceActor<string>({
      id: 'dev',
      channel: ch,
      decoder: new LineDecoder(),
      writeChunkSize: 2,
      tap: { tx: (b, label) => seen.push(`tx ${label} ${Buffer.from(b).toString('latin1').trim()}`), rx: (f) => seen.push(`rx ${f}`) },
    });
    const p = actor.request({ label: 'ping', bytes: new TextEncoder().encode('PING 1\n'), accept: (f) => f === 'PONG 1', timeoutMs: 60_000 });
    await new Promise((r) => setImmediate(r));
    ch.reply('EVT x\nPONG 1\n');
    await expect(p).resolves.toBe('PONG 1');
    expect(ch.written.length).toBeGreaterThan(1); // written in slices, tapped once
    expect(seen).toEqual(['tx ping PING 1', 'rx EVT x', 'rx PONG 1']);
    actor.close();
  });

  it('a throwing tap costs no command and no frame', async () => {
    const ch = new MemoryChannel();
    const unsolicited: string[] = [];
    const actor = new DeviceActor<string>({
      id: 'dev',
      channel: ch,
      decoder: new LineDecoder(),
      onUnsolicited: (f) => unsolicited.push(f),
      tap: {
        tx: () => {
          throw new Error('tap tx broken');
        },
        rx: () => {
          throw new Error('tap rx broken');
        },
      },
    });
    const p = actor.request({ label: 'ping', bytes: new TextEncoder().encode('PING 2\n'), accept: (f) => f === 'PONG 2', timeoutMs: 60_000 });
    await new Promise((r) => setImmediate(r));
    ch.reply('EVT y\nPONG 2\n');
    await expect(p).resolves.toBe('PONG 2');
    expect(unsolicited).toEqual(['EVT y']);
    actor.close();
  });
});

/** Hex (as the describers print it) of n bytes of `bytes` starting at `from`. */
const hexAt = (bytes: Uint8Array, from: number, n: number) => toHex(bytes.subarray(from, from + n)).toUpperCase();

describe('ID reader frames are masked (no card text, photo or number in the log)', () => {
  it.each(READS)('%s: only preamble, LEN, SW1-3 and the lengths are kept', (name) => {
    const v = vectors[name];
    const raw = fromHex(v.frame);
    const d = describeRxFrame('idreader', new SamFrame(raw));
    const kept = `${d.hex} ${d.summary}`;
    // id-reader-sam.md "Read response layout": text starts at 14 (30 01). No 4-byte window of the text is kept.
    for (let at = 14; at + 4 <= raw.length - 1; at += 4) expect(d.hex).not.toContain(hexAt(raw, at, 4));
    for (const field of ['name', 'nameZh', 'nameEn', 'idNumber', 'address', 'issuer', 'birthDate']) {
      const value = v.expect[field];
      if (typeof value === 'string' && value.length > 0) expect(kept).not.toContain(value);
    }
    const number = v.expect.idNumber ?? v.expect.permitNumber;
    if (number) expect(kept).not.toContain(number.slice(4, -4));
    expect(d.length).toBe(raw.length);
    expect(d.hex.startsWith('AA AA AA 96 69')).toBe(true);
    expect(d.summary).toMatch(/SW3 90 success, read reply: text \d+ B, photo \d+ B/);
    expect(d.summary).toContain('masked');
  });

  it('select reply data (the card serial) is masked; find and SAM status replies are shown whole', () => {
    const select = describeSamReply(fromHex(vectors.responses.select_ok));
    expect(select.hex).toMatch(/\[8 B masked\]$/);
    const find = describeSamReply(fromHex(vectors.responses.find_ok));
    expect(find.hex).toBe(vectors.responses.find_ok.toUpperCase());
    expect(find.summary).toMatch(/^SW3 9F card found/);
    expect(describeSamReply(fromHex(vectors.responses.sam_selftest_failed)).summary).toMatch(/^SW3 60/);
  });

  it('host commands are named', () => {
    expect(describeTxBytes('idreader', buildSamFindCard(), 'find card').summary).toBe('find card: find (20 01)');
    expect(describeTxBytes('idreader', buildSamReadBase(), 'command').summary).toBe('readBase (30 01)');
  });
});

describe('printer and counter bus frames', () => {
  it('print data keeps its size and first 8 bytes only; status commands are named', () => {
    const job = new TextEncoder().encode('\x1b@张三丰 4401061990030712 ticket text that must not be logged');
    const d = describeTxBytes('printer', job, 'print job 7');
    expect(d.hex).toMatch(/^1B 40 .* \(\+\d+ B not logged\)$/);
    expect(d.hex.split(' … ')[0].split(' ')).toHaveLength(8);
    expect(d.summary).toBe(`print job 7: print data, ${job.length} B`);
    expect(describeTxBytes('printer', Uint8Array.of(0x10, 0x04, 0x04), 'status').summary).toBe('status: DLE EOT 4 (status)');
    expect(describeRxFrame('printer', { kind: 'processId', id: '0007' }).summary).toBe('process ID 0007 (job confirmed)');
  });

  it('Modbus requests and replies are decoded', () => {
    const req = buildModbusRequest({ kind: 'read', unit: 3, fn: 4, address: 0x10, quantity: 17 });
    expect(describeTxBytes('counterbus', req, 'poll unit 3').summary).toBe('poll unit 3: unit 3: read input 0x0010 ×17');
    const rep = describeRxFrame('counterbus', { kind: 'registers', unit: 3, fn: 4, values: [1, 0x1234] });
    expect(rep.summary).toBe('unit 3: 2 registers [0001 1234]');
    expect(rep.hex.startsWith('03 04 04 00 01 12 34')).toBe(true);
    expect(describeRxFrame('counterbus', { kind: 'exception', unit: 2, fn: 6, code: 2 }).summary).toMatch(/^unit 2: exception to 06/);
  });
});
