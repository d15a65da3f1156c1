// The standard queue ticket (escpos.md "The standard queue ticket"): golden bytes, layout, parameters, raster form.
// Regenerate the golden after a deliberate change with: UPDATE_GOLDEN=1 npx vitest run protocol/test/escpos/ticket.test.ts
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildStandardTicket, buildStandardTicketRaster, encodeGb18030, EscPosEncoder, fromHex, standardTicketLayout, toHex,
  type MonoBitmap, type TicketTextLine,
} from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const golden = resolve(dirname(fileURLToPath(import.meta.url)), '../golden/standard-ticket');
const v = loadVectors('escpos');

/** Offset, 16 bytes in hex, ASCII: for reviewing the golden in a diff. */
function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.subarray(o, o + 16);
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${o.toString(16).padStart(4, '0')}  ${toHex(row).padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n') + '\n';
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Asserts the needles occur in this order; returns their offsets. */
function inOrder(hay: Uint8Array, needles: Uint8Array[]): number[] {
  let at = 0;
  return needles.map((n) => {
    const i = indexOf(hay, n, at);
    expect(i, `${toHex(n)} after offset ${at}`).toBeGreaterThanOrEqual(0);
    at = i + n.length;
    return i;
  });
}

const line = (s: string) => new EscPosEncoder().line(s).encode();

describe('buildStandardTicket', () => {
  const ticket = buildStandardTicket();

  it('matches the golden file byte for byte', () => {
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(`${golden}.bin`, ticket);
      writeFileSync(`${golden}.hex`, hexDump(ticket));
    }
    expect(toHex(ticket)).toBe(toHex(new Uint8Array(readFileSync(`${golden}.bin`))));
    expect(readFileSync(`${golden}.hex`, 'utf8')).toBe(hexDump(ticket));
  });

  it('contains the qr_store_standard_ticket vector', () => {
    expect(indexOf(ticket, fromHex(v.qr_store_standard_ticket))).toBeGreaterThan(0);
  });

  it('has the spec layout in order', () => {
    inOrder(ticket, [
      fromHex('1B 40'), fromHex('1B 61 01'),
      fromHex('1B 45 01'), line('广东省政务服务中心'), fromHex('1B 45 00'), fromHex('0A'),
      fromHex(v.size_4x4), line('A012'),
      fromHex('1D 21 00'), line('综合受理 · 前面还有 7 人等候'), line('2026-11-25 09:31'),
      fromHex('1D 28 6B 04 00 31 41 32 00'), fromHex('1D 28 6B 03 00 31 43 06'), fromHex('1D 28 6B 03 00 31 45 31'),
      fromHex(v.qr_store_standard_ticket), fromHex('1D 28 6B 03 00 31 51 30'),
      line('请留意叫号，过号需重新取号。办理完毕请对本次服务作出评价。'),
      fromHex('1B 64 03'), fromHex('1D 56 01'), fromHex('1D 28 48 06 00 30 30 30 30 30 31'),
    ]);
    expect(toHex(ticket.subarray(ticket.length - 11))).toBe('1D 28 48 06 00 30 30 30 30 30 31');
    // The vector chinese_line is the category's first run exactly.
    expect(indexOf(ticket, fromHex(v.chinese_line.bytes).subarray(0, 12))).toBeGreaterThan(0);
  });

  it('is parameterised by every field', () => {
    const t = buildStandardTicket({
      hallName: '佛山市禅城区行政服务中心', number: 'B105', category: '不动产登记', waiting: 12, time: '2026-12-01 14:05',
      qrUrl: 'https://hall.example/q/B105?d=20261201', footer: '谢谢', processId: 'B105',
    });
    inOrder(t, [line('佛山市禅城区行政服务中心'), line('B105'), line('不动产登记 · 前面还有 12 人等候'),
      line('2026-12-01 14:05'), new EscPosEncoder().qrStore('https://hall.example/q/B105?d=20261201').encode(),
      line('谢谢'), new EscPosEncoder().processId('B105').encode()]);
  });

  it('prints a reprint mark first, bold and reversed, and is otherwise unchanged', () => {
    const t = buildStandardTicket({ reprintMark: '补打 REPRINT' });
    const [mark, hall] = inOrder(t, [fromHex('1B 45 01 1D 42 01'), line('补打 REPRINT'), fromHex('1D 42 00'), line('广东省政务服务中心')]);
    expect(mark).toBe(5);
    expect(hall).toBeGreaterThan(mark);
    expect(indexOf(buildStandardTicket(), encodeGb18030('补打'))).toBe(-1);
  });

  it('lists the services of a visit in order under the category line; one service prints as before', () => {
    const t = buildStandardTicket({ steps: ['综合受理', '社保医保'] });
    inOrder(t, [line('综合受理 · 前面还有 7 人等候'), line('本号办理以下业务（按顺序）'), line('1. 综合受理'), line('2. 社保医保'),
      line('2026-11-25 09:31')]);
    expect(buildStandardTicket({ steps: ['综合受理'] })).toEqual(buildStandardTicket());
  });

  it('rejects bad data with a message naming the field', () => {
    expect(() => buildStandardTicket({ waiting: -1 })).toThrow(/waiting must be a non-negative integer/);
    expect(() => buildStandardTicket({ number: '' })).toThrow(/number must be a non-empty string/);
    expect(() => buildStandardTicket({ processId: 'TOO-LONG' })).toThrow(/processId: must be exactly 4 ASCII/);
    expect(() => buildStandardTicket({ hallName: 'a\x1bb' })).toThrow(/control character/);
  });
});

describe('buildStandardTicketRaster', () => {
  // A pure stand-in renderer: one 8-dot band per line per size step, row bytes = the line's length (checkable).
  const seen: TicketTextLine[][] = [];
  const render = (lines: TicketTextLine[], width: number): MonoBitmap => {
    seen.push(lines);
    const height = lines.reduce((h, l) => h + 8 * l.size, 0);
    return { width, height, data: new Uint8Array((width / 8) * height).fill(lines.length) };
  };

  it('sends the text as 576-dot raster images around native QR, cut and process ID, with no Chinese mode', () => {
    const t = buildStandardTicketRaster({}, render);
    expect(seen.map((g) => g.map((l) => l.text))).toEqual([
      ['广东省政务服务中心', '', 'A012', '综合受理 · 前面还有 7 人等候', '2026-11-25 09:31'],
      ['请留意叫号，过号需重新取号。办理完毕请对本次服务作出评价。'],
    ]);
    expect(seen[0][2]).toMatchObject({ size: 4, align: 'center' });
    expect(seen[0][0]).toMatchObject({ bold: true });
    const h1 = 8 * (1 + 1 + 4 + 1 + 1);
    inOrder(t, [fromHex('1B 40 1B 61 01'), fromHex(`1D 76 30 00 48 00 ${toHex(Uint8Array.of(h1 & 0xff, h1 >> 8))}`),
      fromHex(v.qr_store_standard_ticket), fromHex('1D 76 30 00 48 00 08 00'), fromHex('1B 64 03 1D 56 01'),
      fromHex('1D 28 48 06 00 30 30 30 30 30 31')]);
    expect(indexOf(t, fromHex('1C 26'))).toBe(-1);
    expect(t.length).toBe(buildStandardTicketRaster({}, render).length);
  });
});
