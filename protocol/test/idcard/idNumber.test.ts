// ID number check character, validation, masking; code tables; status table; Holder helpers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SamStatusError,
  SensitiveBytes,
  holderLogView,
  idCardNationName,
  idCardSexName,
  idNumberCheckChar,
  isHolderExpired,
  isRealDate,
  maskIdNumber,
  samStatusInfo,
  validateIdNumber,
  type Holder,
} from '@onedoor/protocol';

describe('idNumberCheckChar (GB 11643-1999)', () => {
  it('matches the vector numbers', () => {
    expect(idNumberCheckChar('44010619900307123')).toBe('1');
    expect(idNumberCheckChar('93184019850101001')).toBe('3'); // 2023 foreign card, 9-prefixed
    expect(idNumberCheckChar('81000019920815002')).toBe('7'); // J permit
  });
  it('produces X when the sum is 2 mod 11', () => {
    // 11010519491231002X is the number printed in GB 11643-1999 itself.
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
  });
  it('throws a clear error without 17 leading digits, and does not echo the number', () => {
    expect(() => idNumberCheckChar('4401061990')).toThrow(/17 leading digits/);
  });
});

describe('validateIdNumber', () => {
  it('accepts good numbers, lower-case x included', () => {
    expect(validateIdNumber('440106199003071231')).toEqual({ ok: true });
    expect(validateIdNumber('11010519491231002x', { birthDate: '1949-12-31' })).toEqual({ ok: true });
    expect(validateIdNumber('931840198501010013', { birthDate: '19850101' })).toEqual({ ok: true });
  });
  const bad: [string, { birthDate?: string }, string][] = [
    ['44010619900307123', {}, 'length'],
    ['4401061990030712311', {}, 'length'],
    ['4401061990030712A1', {}, 'characters'],
    ['44010619900307123Y', {}, 'characters'],
    ['440106199003071232', {}, 'checkChar'],
    ['440106199002301234', {}, 'birthDate'], // 30 February, correct check character
    ['440106199003071231', { birthDate: '1990-03-08' }, 'birthMismatch'],
  ];
  for (const [n, opts, reason] of bad) {
    it(`refuses ${maskIdNumber(n)} for ${reason}, with zh and en text`, () => {
      if (reason === 'birthDate') expect(idNumberCheckChar(n)).toBe(n[17]); // the fixture isolates the date
      const r = validateIdNumber(n, opts);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(reason);
        expect(r.zh.length).toBeGreaterThan(3);
        expect(r.en.length).toBeGreaterThan(3);
      }
    });
  }
  it('every number built with its own check character validates; any other last character fails', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.integer({ min: 100000, max: 999999 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom(...'0123456789X'.split('')), (d, region, seq, other) => {
        const birth = d.toISOString().slice(0, 10).replace(/-/g, '');
        const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
        const check = idNumberCheckChar(first17);
        expect(validateIdNumber(first17 + check, { birthDate: birth })).toEqual({ ok: true });
        if (other !== check) expect(validateIdNumber(first17 + other)).toMatchObject({ ok: false, reason: 'checkChar' });
      }),
    );
  });
  it('never throws on odd input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => void validateIdNumber(s)));
    expect(validateIdNumber(undefined as never).ok).toBe(false);
  });
  it('isRealDate knows leap years', () => {
    expect(isRealDate('20000229')).toBe(true);
    expect(isRealDate('19000229')).toBe(false);
    expect(isRealDate('20231301')).toBe(false);
  });
});

describe('maskIdNumber (hall-rules.md "Privacy")', () => {
  it('keeps first 4 and last 4 of an 18-character number, hiding the birth date', () => {
    expect(maskIdNumber('440106199003071231')).toBe('4401**********1231');
  });
  it('keeps at most a quarter at each end of shorter numbers', () => {
    expect(maskIdNumber('USA440090010')).toBe('USA******010');
    expect(maskIdNumber('H12345678')).toBe('H1*****78');
    expect(maskIdNumber('ABC')).toBe('***');
    expect(maskIdNumber('')).toBe('');
  });
  it('always hides at least half the characters and keeps the length', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789X'.split('')), maxLength: 30 }), (s) => {
        const m = maskIdNumber(s);
        expect(m).toHaveLength(s.length);
        expect([...m].filter((c) => c === '*').length).toBeGreaterThanOrEqual(Math.ceil(s.length / 2));
      }),
    );
  });
});

describe('code tables and status', () => {
  it('sex and nation names, unknown codes reported', () => {
    expect(idCardSexName('2')).toMatchObject({ zh: '女', known: true });
    expect(idCardSexName('7').known).toBe(false);
    expect(idCardNationName('05').zh).toBe('维吾尔');
    expect(idCardNationName('98').zh).toBe('外国血统中国籍人士');
    expect(idCardNationName('77')).toMatchObject({ known: false });
  });
  it('every SW3 in the spec table is known; others are unknown with their hex', () => {
    for (const c of [0x90, 0x9f, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x37, 0x3f, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81]) {
      expect(samStatusInfo(c).known).toBe(true);
    }
    expect(samStatusInfo(0x5a)).toMatchObject({ known: false, hex: '5A', en: 'unknown status 0x5A', zh: '未知状态 0x5A' });
    for (let c = 0; c < 256; c++) expect(samStatusInfo(c).hex).toMatch(/^[0-9A-F]{2}$/);
    const e = new SamStatusError(0x5a, 'read card');
    expect(e.message).toBe('read card: SAM status 0x5A: unknown status 0x5A (未知状态 0x5A)');
  });
});

describe('Holder helpers', () => {
  const h: Holder = {
    cardType: 'resident', name: '张三丰', sex: '1', nation: '01', birthDate: '1990-03-07', address: '广州',
    idNumber: '440106199003071231', issuer: '天河分局', validFrom: '2015-06-11', validUntil: '2035-06-11',
  };
  it('expiry: before today expires, 长期 never does', () => {
    expect(isHolderExpired(h, '2035-06-11')).toBe(false);
    expect(isHolderExpired(h, '2035-06-12')).toBe(true);
    expect(isHolderExpired({ ...h, validUntil: '长期' }, '2999-01-01')).toBe(false);
    expect(isHolderExpired({ ...h, validUntil: 'garbage' }, '2000-01-01')).toBe(true);
  });
  it('log view carries only the masked number', () => {
    expect(holderLogView(h)).toEqual({ cardType: 'resident', name: '张三丰', number: '4401**********1231' });
  });
  it('SensitiveBytes hides content from JSON, String and util.inspect', async () => {
    const { inspect } = await import('node:util');
    const s = new SensitiveBytes(new Uint8Array([1, 2, 3]), 'photo');
    expect(JSON.stringify({ s })).toBe('{"s":"[photo: 3 bytes withheld]"}');
    expect(inspect({ s })).toContain('[photo: 3 bytes withheld]');
    expect(inspect({ s })).not.toContain('1, 2, 3');
  });
});
