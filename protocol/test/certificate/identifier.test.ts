// Certificate identifiers (hall-rules.md "Electronic certificates"): GB/T 36904 form, ISO/IEC 7064 MOD 37,36.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCertificateId, CertificateIdError, iso7064Mod37_36, MOD37_36_ALPHABET, verifyCertificateId,
} from '../../src/certificate/index.ts';

const EXAMPLE = '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0';
const alnum = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...MOD37_36_ALPHABET), minLength: min, maxLength: max });
const arbParts = fc.record({
  typeCode: alnum(21, 21),
  issuerCode: alnum(18, 18),
  serial: alnum(6, 32),
  version: fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
});

describe('ISO/IEC 7064 MOD 37,36', () => {
  it('gives the check of the hall-rules example', () => {
    expect(iso7064Mod37_36('11100000000013338W00911330105002500287C2025052201002')).toBe('0');
  });
  it('refuses characters outside 0-9 A-Z, naming the position', () => {
    expect(() => iso7064Mod37_36('12a4')).toThrow(/"a" at 2/);
  });
});

describe('certificate identifiers', () => {
  it('verifies the hall-rules example with check 0', () => {
    const v = verifyCertificateId(EXAMPLE);
    expect(v).toMatchObject({ check: '0', expectedCheck: '0', checkOk: true, warning: null });
    expect(v.parts).toEqual({ typeCode: '11100000000013338W009', issuerCode: '11330105002500287C', serial: '2025052201', version: '002' });
    expect(buildCertificateId({ ...v.parts, version: 2 })).toBe(EXAMPLE);
  });

  it('round-trips generated identifiers', () => {
    fc.assert(fc.property(arbParts, (parts) => {
      const id = buildCertificateId(parts);
      const v = verifyCertificateId(id);
      expect(v.parts).toEqual(parts);
      expect(v.checkOk).toBe(true);
    }));
  });

  it('detects every single-character change in the checked part or the check: a warning, not a rejection', () => {
    fc.assert(fc.property(arbParts, fc.nat(), fc.integer({ min: 1, max: 35 }), (parts, at, shift) => {
      const id = buildCertificateId(parts);
      const head = '1.2.156.3005.2.'.length;
      const positions = [...id].map((c, i) => i).filter((i) => i >= head && id[i] !== '.');
      const i = positions[at % positions.length];
      const isDigitField = i >= id.lastIndexOf('.', id.length - 3) && i < id.length - 2; // version: digits only
      const alphabet = isDigitField ? '0123456789' : MOD37_36_ALPHABET;
      const c = alphabet[(alphabet.indexOf(id[i]) + (shift % alphabet.length || 1)) % alphabet.length];
      const bad = id.slice(0, i) + c + id.slice(i + 1);
      const v = verifyCertificateId(bad);
      expect(v.checkOk).toBe(false);
      expect(v.warning).toMatch(/check character/);
    }), { numRuns: 500 });
  });

  it('names the malformed part', () => {
    const err = (id: string) => { try { verifyCertificateId(id); } catch (e) { return e as CertificateIdError; } throw new Error('no error'); };
    expect(err('1.2.156.3005.3.x').part).toBe('prefix');
    expect(err(EXAMPLE.replace('11100000000013338W009', '11100000000013338W0')).part).toBe('typeCode');
    expect(err(EXAMPLE.replace('11330105002500287C', '11330105002500287c')).part).toBe('issuerCode');
    expect(err(EXAMPLE.replace('2025052201', '2025')).part).toBe('serial');
    expect(err(EXAMPLE.replace('.002.', '.02A.')).part).toBe('version');
    expect(err(EXAMPLE.slice(0, -2) + '.*').part).toBe('check');
    expect(err(EXAMPLE.slice(0, -2)).message).toMatch(/4 fields/);
    expect(() => buildCertificateId({ typeCode: 'X', issuerCode: '11330105002500287C', serial: '123456', version: 1 })).toThrow(/typeCode/);
  });
});
