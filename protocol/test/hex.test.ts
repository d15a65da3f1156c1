import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../src/hex.ts';

describe('hex helpers', () => {
  it('round-trips bytes through the spec notation', () => {
    const b = fromHex('AA AA AA 96 69 00 03 20 01 22');
    expect(Array.from(b)).toEqual([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22]);
    expect(toHex(b)).toBe('AA AA AA 96 69 00 03 20 01 22');
  });
  it('rejects an odd digit count with a message', () => {
    expect(() => fromHex('AA A')).toThrow(/odd number/);
  });
  it('concatenates', () => {
    expect(toHex(concatBytes([fromHex('01'), fromHex('02 03')]))).toBe('01 02 03');
  });
});
