// EscPosEncoder against escpos.md "Commands (hex)" and the shared vectors (loaded, never copied).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EscPosEncoder, fromHex, monoBitmapFromRgba, toHex } from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const v = loadVectors('escpos');
const hex = (f: (e: EscPosEncoder) => EscPosEncoder) => toHex(f(new EscPosEncoder()).encode());

describe('EscPosEncoder vectors', () => {
  it('chinese_line: Chinese mode on, GB18030, off, LF', () => {
    expect(hex((e) => e.line(v.chinese_line.text))).toBe(toHex(fromHex(v.chinese_line.bytes)));
  });
  it('size_4x4', () => {
    expect(hex((e) => e.size(4, 4))).toBe(toHex(fromHex(v.size_4x4)));
  });
  it('qr_store_standard_ticket', () => {
    expect(hex((e) => e.qrStore('https://hall.example/q/A012?d=20261125'))).toBe(toHex(fromHex(v.qr_store_standard_ticket)));
  });
});

describe('EscPosEncoder commands (spec table)', () => {
  const cases: Array<[string, (e: EscPosEncoder) => EscPosEncoder, string]> = [
    ['initialize', (e) => e.initialize(), '1B 40'],
    ['line feed', (e) => e.newline(), '0A'],
    ['feed n lines', (e) => e.feed(3), '1B 64 03'],
    ['feed n dots', (e) => e.feedDots(24), '1B 4A 18'],
    ['line spacing default', (e) => e.lineSpacing(), '1B 32'],
    ['line spacing n', (e) => e.lineSpacing(30), '1B 33 1E'],
    ['bold on/off', (e) => e.bold().bold(false), '1B 45 01 1B 45 00'],
    ['underline', (e) => e.underline(0).underline(1).underline(2).underline(true), '1B 2D 00 1B 2D 01 1B 2D 02 1B 2D 01'],
    ['reverse', (e) => e.reverse(true).reverse(false), '1D 42 01 1D 42 00'],
    ['align', (e) => e.align('left').align('center').align('right'), '1B 61 00 1B 61 01 1B 61 02'],
    ['size 1x1, 8x8, 2x1', (e) => e.size(1).size(8, 8).size(2, 1), '1D 21 00 1D 21 77 1D 21 10'],
    ['QR model 2', (e) => e.qrModel2(), '1D 28 6B 04 00 31 41 32 00'],
    ['QR module size', (e) => e.qrModuleSize(16), '1D 28 6B 03 00 31 43 10'],
    ['QR level', (e) => e.qrErrorLevel('L').qrErrorLevel('H'), '1D 28 6B 03 00 31 45 30 1D 28 6B 03 00 31 45 33'],
    ['QR print', (e) => e.qrPrint(), '1D 28 6B 03 00 31 51 30'],
    ['QR sequence', (e) => e.qrCode('A', { moduleSize: 3, level: 'Q' }),
      '1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 03 1D 28 6B 03 00 31 45 32 1D 28 6B 04 00 31 50 30 41 1D 28 6B 03 00 31 51 30'],
    ['barcode height/width/HRI', (e) => e.barcodeHeight(80).barcodeWidth(3).barcodeHri(2), '1D 68 50 1D 77 03 1D 48 02'],
    ['CODE128 set B', (e) => e.code128('A012'), '1D 6B 49 06 7B 42 41 30 31 32'],
    ['CODE128 escapes {', (e) => e.code128('a{b'), '1D 6B 49 06 7B 42 61 7B 7B 62'],
    ['cut full/partial', (e) => e.cut('full').cut('partial'), '1D 56 00 1D 56 01'],
    ['feed and cut', (e) => e.feedAndCut(5).feedAndCut(7, 'partial'), '1D 56 41 05 1D 56 42 07'],
    ['process ID', (e) => e.processId('0001'), '1D 28 48 06 00 30 30 30 30 30 31'],
    ['ASB flags', (e) => e.enableAsb({ online: true, error: true, paper: true }).enableAsb(0), '1D 61 0E 1D 61 00'],
    ['DLE EOT', (e) => e.realtimeStatus(1).realtimeStatus(4), '10 04 01 10 04 04'],
    ['recovery', (e) => e.realtimeRecover(1).realtimeRecover(2), '10 05 01 10 05 02'],
    ['ASCII text stays plain', (e) => e.text('A012 7\t'), '41 30 31 32 20 37 09'],
    ['mode wraps only non-ASCII runs', (e) => e.text('前 7 人'), '1C 26 C7 B0 1C 2E 20 37 20 1C 26 C8 CB 1C 2E'],
    ['4-byte GB18030 in Chinese mode', (e) => e.text('\u{20000}'), '1C 26 95 32 82 36 1C 2E'],
  ];
  for (const [name, f, bytes] of cases) it(name, () => expect(hex(f)).toBe(bytes));

  it('raster image: x in bytes, y in dots, data as given', () => {
    const data = Uint8Array.from([0x80, 0x01, 0xff, 0x00]); // 9 dots wide -> 2 bytes per row, 2 rows
    expect(hex((e) => e.image({ width: 9, height: 2, data }))).toBe('1D 76 30 00 02 00 02 00 80 01 FF 00');
    const wide = new Uint8Array(72 * 300);
    expect(toHex(new EscPosEncoder().image({ width: 576, height: 300, data: wide }).encode().subarray(0, 8)))
      .toBe('1D 76 30 00 48 00 2C 01');
  });

  it('QR store length counts UTF-8 bytes, also above 255 bytes', () => {
    const text = '广东'.repeat(100); // 200 chars, 600 bytes
    const bytes = new EscPosEncoder().qrStore(text).encode();
    expect(bytes[3] + bytes[4] * 256).toBe(603);
    expect(bytes.length).toBe(8 + 600);
  });

  it('QR length = UTF-8 length + 3 for any Unicode payload', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 700 }), (s) => {
      const bytes = new EscPosEncoder().qrStore(s).encode();
      const n = new TextEncoder().encode(s).length;
      expect(bytes[3] + bytes[4] * 256).toBe(n + 3);
      expect(Array.from(bytes.subarray(8))).toEqual(Array.from(new TextEncoder().encode(s)));
    }), { numRuns: 300 });
  });

  it('is fluent and encode() can be called repeatedly', () => {
    const e = new EscPosEncoder().initialize();
    expect(e.encode()).toEqual(e.encode());
    expect(e.bold().length).toBe(5);
  });
});

describe('EscPosEncoder rejects bad arguments with a message naming them', () => {
  const bad: Array<[string, (e: EscPosEncoder) => unknown, RegExp]> = [
    ['size 0', (e) => e.size(0), /size: width must be an integer 1-8, got 0/],
    ['size 9 height', (e) => e.size(1, 9), /size: height must be an integer 1-8, got 9/],
    ['size 1.5', (e) => e.size(1.5), /width/],
    ['feed 256', (e) => e.feed(256), /feed: lines/],
    ['QR module 17', (e) => e.qrModuleSize(17), /qrModuleSize: dots must be an integer 1-16/],
    ['QR level X', (e) => e.qrErrorLevel('X' as never), /L, M, Q or H/],
    ['QR empty', (e) => e.qrStore(''), /empty/],
    ['QR lone surrogate', (e) => e.qrStore('a\ud800'), /lone surrogate/],
    ['QR too long', (e) => e.qrStore('1'.repeat(7090)), /7090 bytes/],
    ['barcode width 7', (e) => e.barcodeWidth(7), /barcodeWidth: width must be an integer 2-6/],
    ['barcode HRI 4', (e) => e.barcodeHri(4 as never), /barcodeHri/],
    ['barcode height 0', (e) => e.barcodeHeight(0), /barcodeHeight/],
    ['CODE128 non-ASCII', (e) => e.code128('A0é'), /code set B/],
    ['CODE128 empty', (e) => e.code128(''), /empty/],
    ['CODE128 too long', (e) => e.code128('x'.repeat(254)), /more than 255/],
    ['image bad length', (e) => e.image({ width: 9, height: 2, data: new Uint8Array(3) }), /2 bytes per row x 2 rows = 4 bytes, got 3/],
    ['image too wide', (e) => e.image({ width: 577, height: 1, data: new Uint8Array(73) }), /width must be an integer 1-576/],
    ['image zero height', (e) => e.image({ width: 8, height: 0, data: new Uint8Array(0) }), /height/],
    ['process ID 3 chars', (e) => e.processId('001'), /exactly 4 ASCII characters 0x30-0x7E/],
    ['process ID space', (e) => e.processId('00 1'), /exactly 4/],
    ['process ID DEL', (e) => e.processId('000\x7f'), /exactly 4/],
    ['ASB bit 0', (e) => e.enableAsb(1), /only bits 1-3/],
    ['DLE EOT 5', (e) => e.realtimeStatus(5 as never), /realtimeStatus: n must be an integer 1-4/],
    ['recover 3', (e) => e.realtimeRecover(3 as never), /realtimeRecover/],
    ['cut kind', (e) => e.cut('half' as never), /full or partial/],
    ['align', (e) => e.align('middle' as never), /left, center or right/],
    ['ESC in text', (e) => e.text('a\x1b@'), /control character 0x1b/],
    ['lone surrogate in text', (e) => e.text('\udc00'), /lone surrogate/],
    ['raw 256', (e) => e.raw([1, 256]), /raw: byte must be an integer 0-255, got 256/],
  ];
  for (const [name, f, msg] of bad) it(name, () => expect(() => f(new EscPosEncoder())).toThrow(msg));
  it('1-16 module size and 4-char IDs at the edges are accepted', () => {
    expect(() => new EscPosEncoder().qrModuleSize(1).qrModuleSize(16).processId('~~~~').processId('0000')).not.toThrow();
  });
});

describe('monoBitmapFromRgba', () => {
  it('packs dark pixels MSB-first, pads rows to bytes, treats transparent as paper', () => {
    const px = (r: number, g: number, b: number, a = 255) => [r, g, b, a];
    // 9 x 2: row 0 black at x=0 and x=8; row 1 grey 100 (dark) at x=1, light grey at x=2, transparent black at x=3.
    const rgba = [
      ...px(0, 0, 0), ...Array(7).fill(px(255, 255, 255)).flat(), ...px(0, 0, 0),
      ...px(255, 255, 255), ...px(100, 100, 100), ...px(200, 200, 200), ...px(0, 0, 0, 0), ...Array(5).fill(px(255, 255, 255)).flat(),
    ];
    const bmp = monoBitmapFromRgba(rgba, 9, 2);
    expect(bmp).toMatchObject({ width: 9, height: 2 });
    expect(toHex(bmp.data)).toBe('80 80 40 00');
    expect(toHex(monoBitmapFromRgba(rgba, 9, 2, 90).data)).toBe('80 80 00 00');
    expect(() => monoBitmapFromRgba(rgba, 8, 2)).toThrow(/expected 64 RGBA bytes for 8x2, got 72/);
  });
});

describe('EscPosEncoder.raw', () => {
  it('appends large byte arrays as given', () => {
    const big = new Uint8Array(300_000).map((_, i) => i & 0xff);
    expect(new EscPosEncoder().raw(big).encode()).toEqual(big);
  });
});
