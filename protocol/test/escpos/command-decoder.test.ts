import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EscPosCommandDecoder, EscPosEncoder, ESCPOS_RASTER_BAND_BYTES, ESCPOS_TEXT_RUN_MAX, buildStandardTicket, fromHex,
  type EscPosCommand,
} from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const vectors = loadVectors('escpos');

/** Decodes all bytes in one push; strips `raw` so expectations read as the command table. */
function decode(bytes: Uint8Array | string, dec = new EscPosCommandDecoder()) {
  const input = typeof bytes === 'string' ? fromHex(bytes) : bytes;
  return dec.push(input).map(strip);
}

function strip(c: EscPosCommand): Record<string, unknown> {
  const { raw: _raw, ...rest } = c;
  return rest;
}

/** Merges neighbouring text commands (a run may be split by the run limit) for comparisons. */
function mergeText(cmds: Record<string, unknown>[]) {
  const out: Record<string, unknown>[] = [];
  for (const c of cmds) {
    const last = out[out.length - 1];
    if (c.type === 'text' && last?.type === 'text' && last.chinese === c.chinese) last.text = `${last.text}${c.text}`;
    else out.push({ ...c });
  }
  return out;
}

describe('EscPosCommandDecoder: the spec table', () => {
  it('decodes every command of escpos.md "Commands (hex)"', () => {
    const hex = [
      '1B 40', '1C 26', '1C 2E', '0A', '1B 64 03', '1B 4A 18', '1B 32', '1B 33 28', '1B 45 01', '1B 45 00', '1B 2D 02',
      '1D 42 01', '1B 61 01', '1D 21 33', '1D 28 6B 04 00 31 41 32 00', '1D 28 6B 03 00 31 43 06',
      '1D 28 6B 03 00 31 45 31', '1D 28 6B 06 00 31 50 30 41 42 43', '1D 28 6B 03 00 31 51 30', '1D 68 50', '1D 77 02',
      '1D 48 02', '1D 6B 49 05 7B 42 41 31 32', '1D 76 30 00 01 00 02 00 80 01', '1D 56 00', '1D 56 01', '1D 56 41 10',
      '1D 56 42 03', '1D 28 48 06 00 30 30 30 30 30 31', '1D 61 0E', '10 04 01', '10 04 04', '10 05 01', '10 05 02',
    ].join(' ');
    const dec = new EscPosCommandDecoder();
    expect(decode(hex, dec)).toEqual([
      { type: 'initialize' },
      { type: 'chineseMode', on: true },
      { type: 'chineseMode', on: false },
      { type: 'lineFeed' },
      { type: 'feedLines', lines: 3 },
      { type: 'feedDots', dots: 24 },
      { type: 'lineSpacing', dots: null },
      { type: 'lineSpacing', dots: 40 },
      { type: 'bold', on: true },
      { type: 'bold', on: false },
      { type: 'underline', mode: 2 },
      { type: 'reverse', on: true },
      { type: 'align', align: 'center' },
      { type: 'charSize', width: 4, height: 4 },
      { type: 'qrModel', model: 2 },
      { type: 'qrModuleSize', size: 6 },
      { type: 'qrErrorLevel', level: 'M' },
      { type: 'qrStore', data: Uint8Array.of(0x41, 0x42, 0x43), text: 'ABC' },
      { type: 'qrPrint' },
      { type: 'barcodeHeight', dots: 80 },
      { type: 'barcodeWidth', width: 2 },
      { type: 'barcodeHri', position: 2 },
      { type: 'barcode', system: 73, data: fromHex('7B 42 41 31 32') },
      { type: 'raster', mode: 0, widthBytes: 1, height: 2, firstRow: 0, rows: 2, data: Uint8Array.of(0x80, 0x01) },
      { type: 'cut', partial: false },
      { type: 'cut', partial: true },
      { type: 'cut', partial: false, feedDots: 16 },
      { type: 'cut', partial: true, feedDots: 3 },
      { type: 'processId', id: '0001' },
      { type: 'asbEnable', mask: 0x0e },
      { type: 'realtimeStatus', n: 1 },
      { type: 'realtimeStatus', n: 4 },
      { type: 'realtimeRecovery', n: 1 },
      { type: 'realtimeRecovery', n: 2 },
    ]);
    expect(dec.counters).toMatchObject({ discardedBytes: 0, lengthErrors: 0, unknownCommands: 0, frames: 34 });
  });

  it('keeps each command\'s exact wire bytes in raw', () => {
    const bytes = fromHex('1B 40 41 42 0A 1D 56 42 03');
    const cmds = new EscPosCommandDecoder().push(bytes);
    expect(cmds.map((c) => Array.from(c.raw))).toEqual([[0x1b, 0x40], [0x41, 0x42], [0x0a], [0x1d, 0x56, 0x42, 0x03]]);
  });

  it('decodes the chinese_line vector: GB18030 text in Chinese mode', () => {
    const v = vectors.chinese_line;
    expect(decode(v.bytes)).toEqual([
      { type: 'chineseMode', on: true },
      { type: 'text', text: v.text, chinese: true },
      { type: 'chineseMode', on: false },
      { type: 'lineFeed' },
    ]);
  });

  it('decodes the size_4x4 and qr_store_standard_ticket vectors', () => {
    expect(decode(vectors.size_4x4)).toEqual([{ type: 'charSize', width: 4, height: 4 }]);
    const [qr] = decode(vectors.qr_store_standard_ticket);
    expect(qr).toMatchObject({ type: 'qrStore', text: 'https://hall.example/q/A012?d=20261125' });
  });

  it('decodes 4-byte GB18030 sequences (outside GBK) and the middle dot', () => {
    // U+20BB7 𠮷 is 4 bytes in GB18030 (95 34 B2 35); · is A1 A4; € is A2 E3.
    expect(decode('1C 26 95 34 B2 35 A1 A4 A2 E3 41 1C 2E')).toEqual([
      { type: 'chineseMode', on: true },
      { type: 'text', text: '𠮷·€A', chinese: true },
      { type: 'chineseMode', on: false },
    ]);
  });

  it('reads bytes >= 0x80 as code page 437 when Chinese mode is off', () => {
    expect(decode('82 9C 41 0A')).toEqual([{ type: 'text', text: 'é£A', chinese: false }, { type: 'lineFeed' }]);
  });

  it('ends a text run at the next non-text byte, not at the end of a chunk', () => {
    const dec = new EscPosCommandDecoder();
    expect(dec.push(fromHex('41 42'))).toEqual([]);
    expect(dec.push(fromHex('43'))).toEqual([]);
    expect(dec.push(fromHex('1B 45 01')).map(strip)).toEqual([{ type: 'text', text: 'ABC', chinese: false },
      { type: 'bold', on: true }]);
  });

  it('reads UTF-8 QR payloads by bytes: the length field counts bytes, not characters', () => {
    const bytes = new EscPosEncoder().qrStore('政务A').encode();
    expect(bytes[3] | (bytes[4] << 8)).toBe(7 + 3); // 2 x 3 UTF-8 bytes + 1, + cn fn m
    expect(decode(bytes)).toMatchObject([{ type: 'qrStore', text: '政务A' }]);
  });

  it('accepts the ASCII-digit parameter forms printers accept (ESC a 0x31, GS V 0x31, ESC E 0x31)', () => {
    expect(decode('1B 61 32 1D 56 31 1B 45 31 1B 2D 31')).toEqual([
      { type: 'align', align: 'right' }, { type: 'cut', partial: true }, { type: 'bold', on: true },
      { type: 'underline', mode: 1 },
    ]);
  });
});

describe('EscPosCommandDecoder: B1 encoder round trip', () => {
  it('decodes the standard ticket to the commands that built it', () => {
    const cmds = mergeText(decode(buildStandardTicket()));
    const types = cmds.map((c) => c.type);
    expect(types[0]).toBe('initialize');
    expect(cmds).toContainEqual({ type: 'text', text: '广东省政务服务中心', chinese: true });
    expect(cmds).toContainEqual({ type: 'text', text: 'A012', chinese: false });
    expect(cmds).toContainEqual({ type: 'charSize', width: 4, height: 4 });
    expect(cmds).toContainEqual(expect.objectContaining({ type: 'qrStore', text: 'https://hall.example/q/A012?d=20261125' }));
    expect(types.slice(-3)).toEqual(['feedLines', 'cut', 'processId']);
    expect(cmds[cmds.length - 1]).toEqual({ type: 'processId', id: '0001' });
  });

  it('round-trips arbitrary text through EscPosEncoder.text (ASCII, CJK, 4-byte, mixed)', () => {
    const textArb = fc.string({ unit: fc.oneof(
      fc.constantFrom(...'Aa0 ~[]{}'.split('')),
      fc.constantFrom(...'政务服务中心综合受理·，。'.split('')),
      fc.constantFrom('𠮷', '€', 'é'),
    ), maxLength: 40 });
    fc.assert(fc.property(textArb, (text) => {
      const cmds = decode(new EscPosEncoder().text(text).newline().encode());
      const printed = cmds.filter((c) => c.type === 'text').map((c) => c.text).join('');
      expect(printed).toBe(text);
      expect(cmds[cmds.length - 1]).toEqual({ type: 'lineFeed' });
    }));
  });
});

describe('EscPosCommandDecoder: streaming', () => {
  const ticket = () => {
    const img = { width: 576, height: 40, data: new Uint8Array(72 * 40).map((_, i) => (i * 37) & 0xff) };
    return new EscPosEncoder().initialize().text('综合受理 · 前面还有 7 人等候').newline().qrCode('https://x.example/政务')
      .code128('A012').image(img).raw([0x1b, 0x74, 0x11]).feed(2).cut('partial').processId('AB12').encode();
  };

  it('yields the same commands for any chunking (a command or character split anywhere)', () => {
    const bytes = ticket();
    const whole = decode(bytes);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const dec = new EscPosCommandDecoder();
      const got: Record<string, unknown>[] = [];
      let from = 0;
      for (const p of [...points, bytes.length]) {
        got.push(...dec.push(bytes.subarray(from, p)).map(strip));
        from = p;
      }
      expect(got).toEqual(whole);
    }));
  });

  it('byte by byte equals all at once, including the raw bytes', () => {
    const bytes = ticket();
    const dec = new EscPosCommandDecoder();
    const one = [...bytes].flatMap((b) => dec.push(Uint8Array.of(b)));
    const all = new EscPosCommandDecoder().push(bytes);
    expect(one).toEqual(all);
    // Every byte is accounted for: the raw bytes of the commands are the input, in order.
    expect(Buffer.concat(all.map((c) => c.raw))).toEqual(Buffer.from(bytes));
  });

  it('delivers a large raster image in bands of whole rows and reassembles it exactly', () => {
    const height = 100;
    const data = new Uint8Array(72 * height).map((_, i) => (i * 131) & 0xff);
    const cmds = new EscPosCommandDecoder().push(new EscPosEncoder().image({ width: 576, height, data }).newline().encode());
    const bands = cmds.filter((c) => c.type === 'raster');
    expect(bands.length).toBe(Math.ceil(height / Math.floor(ESCPOS_RASTER_BAND_BYTES / 72)));
    let next = 0;
    for (const b of bands) {
      expect(b.firstRow).toBe(next);
      expect(b.data.length).toBeLessThanOrEqual(ESCPOS_RASTER_BAND_BYTES);
      next += b.rows;
    }
    expect(next).toBe(height);
    expect(Buffer.concat(bands.map((b) => b.data))).toEqual(Buffer.from(data));
    expect(cmds[cmds.length - 1].type).toBe('lineFeed');
  });

  it('cuts very long text runs at the run limit without losing characters', () => {
    const text = '政'.repeat(ESCPOS_TEXT_RUN_MAX); // 2 bytes each: twice the limit
    const cmds = decode(new EscPosEncoder().text(text).encode());
    const runs = cmds.filter((c) => c.type === 'text');
    expect(runs.length).toBe(2);
    expect(runs.map((r) => r.text).join('')).toBe(text);
  });

  it('holds a GB18030 character split across chunks until it is complete', () => {
    const dec = new EscPosCommandDecoder();
    expect(dec.push(fromHex('1C 26 D7'))).toMatchObject([{ type: 'chineseMode', on: true }]);
    expect(dec.push(fromHex('DB BA'))).toEqual([]);
    expect(dec.push(fromHex('CF 0A')).map(strip)).toEqual([{ type: 'text', text: '综合', chinese: true }, { type: 'lineFeed' }]);
  });
});

describe('EscPosCommandDecoder: bad and unknown input', () => {
  it('skips unknown ESC/GS/FS commands whole and keeps what follows', () => {
    const dec = new EscPosCommandDecoder();
    // ESC t 17 (code page), GS ( L pL pH + 4 bytes, ESC p 0 25 250 (drawer kick), FS ! 0, then our text.
    const cmds = decode('1B 74 11 1D 28 4C 04 00 30 45 20 20 1B 70 00 19 FA 1C 21 00 41 0A', dec);
    expect(cmds).toEqual([
      { type: 'unknown', length: 3 }, { type: 'unknown', length: 9 }, { type: 'unknown', length: 5 },
      { type: 'unknown', length: 3 }, { type: 'text', text: 'A', chinese: false }, { type: 'lineFeed' },
    ]);
    expect(dec.counters.unknownCommands).toBe(4);
    expect(dec.counters.discardedBytes).toBe(0);
  });

  it('skips a long unknown GS ( payload as it streams past, without buffering it', () => {
    const dec = new EscPosCommandDecoder();
    const payload = new Uint8Array(60000).fill(0x0a); // would be 60000 line feeds if it leaked
    const len = payload.length;
    const out = [
      ...dec.push(Uint8Array.of(0x1d, 0x28, 0x45, len & 0xff, len >> 8)),
      ...dec.push(payload.subarray(0, 30000)),
      ...dec.push(payload.subarray(30000)),
      ...dec.push(fromHex('42 0A')),
    ].map(strip);
    expect(out).toEqual([{ type: 'unknown', length: len + 5 }, { type: 'text', text: 'B', chinese: false }, { type: 'lineFeed' }]);
  });

  it('drops an unrecognised ESC X as two bytes and decodes what follows', () => {
    const dec = new EscPosCommandDecoder();
    expect(decode('1B 07 41 0A', dec)).toEqual([{ type: 'unknown', length: 2 }, { type: 'text', text: 'A', chinese: false },
      { type: 'lineFeed' }]);
  });

  it('counts stray control bytes and broken GB18030 as discarded, keeping the good characters', () => {
    const dec = new EscPosCommandDecoder();
    // 00 stray; in Chinese mode: D7 0A is a broken lead (the LF still counts), FF is no lead.
    const cmds = decode('00 1C 26 D7 0A FF BA CF 1C 2E 0D 0A', dec);
    expect(cmds).toEqual([
      { type: 'chineseMode', on: true }, { type: 'lineFeed' }, { type: 'text', text: '合', chinese: true },
      { type: 'chineseMode', on: false }, { type: 'lineFeed' },
    ]);
    expect(dec.counters.discardedBytes).toBe(3); // 00, D7, FF (CR is a no-op, not garbage)
  });

  it('counts impossible length fields of subset commands as length errors and resynchronises', () => {
    const dec = new EscPosCommandDecoder();
    // QR module size with pL = 4 (must be 3): skipped by its stated length; GS ( H process ID with pL = 2.
    const cmds = decode('1D 28 6B 04 00 31 43 06 00 1D 28 48 02 00 30 30 41 0A', dec);
    expect(cmds).toEqual([{ type: 'text', text: 'A', chinese: false }, { type: 'lineFeed' }]);
    expect(dec.counters.lengthErrors).toBe(2);
    expect(dec.counters.discardedBytes).toBe(9 + 7);
  });

  it('skips a raster image with an impossible size by its header, so its data is not read as commands', () => {
    const dec = new EscPosCommandDecoder();
    const cmds = decode('1D 76 30 00 00 01 01 00 41 0A', dec); // width 256 bytes: over the limit; 256 bytes follow
    expect(cmds).toEqual([]);
    expect(dec.push(new Uint8Array(254).fill(0x0a))).toEqual([]); // still the image's data
    expect(dec.push(fromHex('42 0A')).map(strip)).toEqual([{ type: 'text', text: 'B', chinese: false }, { type: 'lineFeed' }]);
    expect(dec.counters.lengthErrors).toBe(1);
  });

  it('never throws and keeps its buffer bounded on random bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
      const dec = new EscPosCommandDecoder();
      for (const c of chunks) dec.push(c);
      // The biggest partial command is a QR store (<= 7089 + 8 bytes); a text run is cut at its limit.
      expect(dec.bufferedBytes).toBeLessThanOrEqual(7089 + 8 + ESCPOS_TEXT_RUN_MAX);
    }));
  });

  it('reset() drops a partial command but keeps counters and modes', () => {
    const dec = new EscPosCommandDecoder();
    dec.push(fromHex('1C 26 1D 28 6B 06 00 31 50'));
    dec.reset();
    expect(decode('D7 DB 0A', dec)).toEqual([{ type: 'text', text: '综', chinese: true }, { type: 'lineFeed' }]);
    expect(dec.counters.frames).toBe(3);
  });
});
