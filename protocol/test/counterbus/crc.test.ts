import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/hex.ts';
import { appendModbusCrc, modbusCrc16, modbusCrcOk } from '../../src/counterbus/index.ts';

describe('CRC-16/MODBUS', () => {
  it('has the catalogue check value 0x4B37 for "123456789"', () => {
    expect(modbusCrc16(new TextEncoder().encode('123456789'))).toBe(0x4b37);
  });
  it('is 0xFFFF (the init value) over no bytes', () => {
    expect(modbusCrc16(new Uint8Array(0))).toBe(0xffff);
  });
  it('matches the textbook read request 01 03 00 00 00 01 -> 84 0A (low byte first)', () => {
    expect(Array.from(appendModbusCrc(fromHex('01 03 00 00 00 01')).slice(-2))).toEqual([0x84, 0x0a]);
  });
  it('computes over a sub-range and checks a frame inside a larger buffer', () => {
    const buf = fromHex('FF FF 01 03 00 00 00 01 84 0A EE');
    expect(modbusCrc16(buf, 2, 8)).toBe(0x0a84);
    expect(modbusCrcOk(buf, 2, 8)).toBe(true);
    expect(modbusCrcOk(buf, 1, 8)).toBe(false);
  });
  it('a frame with its CRC appended has CRC residue 0', () => {
    expect(modbusCrc16(appendModbusCrc(fromHex('11 22 33 44 55')))).toBe(0);
  });
});
