/** The printer's pure parts: composer (modes, line buffer), text format, CODE128, 1-bit PNG and dot-exact drawing. */
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { EscPosCommandDecoder, EscPosEncoder } from '@onedoor/protocol';
import {
  TicketComposer, buildCode128, encodePng1Bit, renderTicketBits, ticketToText, type PaperBlock,
} from '../../src/printer/index.ts';

function compose(bytes: Uint8Array): PaperBlock[] {
  const composer = new TicketComposer();
  return new EscPosCommandDecoder().push(bytes).flatMap((c) => composer.apply(c));
}
const enc = () => new EscPosEncoder();

describe('composer and text format', () => {
  it('wraps a long line at the print width: 48 half-width or 24 full-width characters', () => {
    const blocks = compose(enc().line('x'.repeat(50)).line('政'.repeat(25)).encode());
    expect(ticketToText(blocks)).toBe(['x'.repeat(48), 'xx', '政'.repeat(24), '政'].join('\n'));
  });

  it('lines are as tall as the line spacing or the tallest character; ESC 3 sets the spacing', () => {
    const blocks = compose(enc().line('a').size(1, 4).line('b').size(1, 1).lineSpacing(50).line('c').lineSpacing()
      .line('d').encode());
    expect(blocks.map((b) => b.height)).toEqual([30, 96, 50, 30]);
  });

  it('ESC d n with text prints it as the first of n lines; without text feeds n blank lines', () => {
    expect(ticketToText(compose(enc().text('a').feed(3).encode()))).toBe('a\n\n');
    expect(ticketToText(compose(enc().feed(2).encode()))).toBe('\n');
  });

  it('takes alignment when the first character enters the line', () => {
    const blocks = compose(enc().align('center').text('a').align('right').text('b').newline().text('c').newline().encode());
    expect(ticketToText(blocks)).toBe('[C]ab\n[R]c');
  });

  it('marks sizes where they change, closes styles at line end and around size changes, escapes [', () => {
    const text = ticketToText(compose(enc().bold().text('[x]').size(2, 2).text('Y').size(1, 1).bold(false).text('z')
      .newline().text('w').newline().encode()));
    expect(text).toBe('[B][[x][/B][2x2][B]Y[/B][1x1]z\nw');
  });

  it('ESC @ resets modes', () => {
    expect(ticketToText(compose(enc().bold().size(3, 3).align('right').initialize().line('n').encode()))).toBe('n');
  });

  it('names QR codes with level and module size, and skips a QR print with no data', () => {
    const blocks = compose(enc().qrModuleSize(4).qrErrorLevel('H').qrPrint().qrStore('政务').qrPrint().encode());
    expect(ticketToText(blocks)).toBe('[QR H4:政务]');
  });
});

describe('CODE128', () => {
  it('has the 107 symbol patterns of the standard: 11 modules, 3 bars each (stop: 13, 4 bars), all distinct', async () => {
    const { CODE128_PATTERNS } = await import('../../src/printer/code128.ts');
    expect(CODE128_PATTERNS).toHaveLength(107);
    expect(new Set(CODE128_PATTERNS).size).toBe(107);
    CODE128_PATTERNS.forEach((p, v) => {
      expect([...p].reduce((a, d) => a + Number(d), 0)).toBe(v === 106 ? 13 : 11);
      expect(p.length).toBe(v === 106 ? 7 : 6);
    });
  });

  it('computes the mod-103 check symbol (code set B and C)', () => {
    const b = buildCode128(new TextEncoder().encode('{BPJJ123C'));
    // 104 + 1*48 + 2*42 + 3*42 + 4*17 + 5*18 + 6*19 + 7*35 = 879; 879 mod 103 = 55
    expect(b.values).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55, 106]);
    expect(b.text).toBe('PJJ123C');
    const c = buildCode128(new TextEncoder().encode('{C1234{BA'));
    expect(c.values).toEqual([105, 12, 34, 100, 33, (105 + 12 + 2 * 34 + 3 * 100 + 4 * 33) % 103, 106]);
    expect(c.modules).toBe(11 * 6 + 13);
  });

  it('rejects data without a code set or with odd digits in set C', () => {
    expect(() => buildCode128(new TextEncoder().encode('A012'))).toThrow(/code set selection/);
    expect(() => buildCode128(new TextEncoder().encode('{C123'))).toThrow(/digit pairs/);
  });
});

describe('1-bit PNG and dot-exact drawing', () => {
  it('writes a 1-bit grayscale PNG that decodes to the same pixels (width not a multiple of 8)', () => {
    const width = 13, height = 3;
    const pixels = Uint8Array.from({ length: width * height }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const png = PNG.sync.read(encodePng1Bit({ width, height, pixels }));
    expect(png).toMatchObject({ width, height, depth: 1, colorType: 0 });
    for (let i = 0; i < pixels.length; i++) expect(png.data[i * 4] === 0 ? 1 : 0).toBe(pixels[i]);
  });

  it('draws a raster image bit for bit, MSB leftmost, centred by ESC a', () => {
    const data = Uint8Array.of(0b10000001, 0b01000000, 0b00000001, 0b00000010);
    const bits = renderTicketBits(compose(enc().align('center').image({ width: 16, height: 2, data }).encode()));
    const left = (576 - 16) / 2;
    const row = (y: number) => Array.from(bits.pixels.subarray(y * 576 + left, y * 576 + left + 16)).join('');
    expect(row(0)).toBe('1000000101000000');
    expect(row(1)).toBe('0000000100000010');
    expect(bits.pixels.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('draws every QR module as a moduleSize square of the qrcode matrix', () => {
    const text = 'https://hall.example/q/A012?d=20261125';
    const bits = renderTicketBits(compose(enc().qrCode(text, { moduleSize: 6, level: 'M' }).encode()));
    const m = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    expect(bits.height).toBe(m.size * 6);
    for (let r = 0; r < m.size; r++) {
      for (let c = 0; c < m.size; c++) {
        for (const [dy, dx] of [[0, 0], [5, 5], [2, 3]]) {
          expect(bits.pixels[(r * 6 + dy) * 576 + c * 6 + dx]).toBe(m.get(r, c) ? 1 : 0);
        }
      }
    }
  });

  it('draws CODE128 bars at the module width, full bar height', () => {
    const blocks = compose(enc().barcodeWidth(2).barcodeHeight(40).code128('A012').encode());
    const bits = renderTicketBits(blocks);
    const sym = buildCode128(new TextEncoder().encode('{BA012'));
    const expected = sym.pattern.map((w, i) => (i % 2 === 0 ? '1' : '0').repeat(w * 2)).join('');
    for (const y of [0, 39]) {
      expect(Array.from(bits.pixels.subarray(y * 576, y * 576 + expected.length)).join('')).toBe(expected);
    }
    expect(bits.height).toBe(40);
  });

  it('draws Chinese text with ink inside each glyph cell (a real CJK font, not boxes or blanks)', () => {
    const bits = renderTicketBits(compose(enc().line('政务').encode()));
    const ink = (x0: number) => {
      let n = 0;
      for (let y = 0; y < 24; y++) for (let x = x0; x < x0 + 24; x++) n += bits.pixels[y * 576 + x];
      return n;
    };
    const a = ink(0), b = ink(24);
    expect(a).toBeGreaterThan(60);
    expect(b).toBeGreaterThan(60);
    expect(a).not.toBe(b); // two different glyphs, not a tofu box drawn twice
  });
});
