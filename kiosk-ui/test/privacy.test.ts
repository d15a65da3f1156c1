import { describe, expect, it } from 'vitest';
import type { CardHolderView } from '@onedoor/protocol';
import { loadVectors } from '../../protocol/test/vectors.ts';
import {
  containsFullIdNumber,
  displayIdNumber,
  holderForSession,
  isMaskedIdNumber,
  maskIdNumber,
} from '../src/kiosk/privacy.ts';

/** Every card number in the shared reader vectors (resident, permits, long-term), never copied into the repo. */
function vectorNumbers(): string[] {
  const vectors = loadVectors<Record<string, { expect?: { idNumber?: string; permitNumber?: string } }>>('id-reader');
  return Object.entries(vectors)
    .filter(([name]) => name.startsWith('read_base_ok'))
    .map(([, v]) => v.expect?.idNumber ?? v.expect?.permitNumber)
    .filter((n): n is string => typeof n === 'string');
}

describe('masking guard (hall-rules.md, Privacy: first 4 + last 4 visible)', () => {
  it('masks the spec example exactly', () => {
    expect(maskIdNumber('440106199003071231')).toBe('4401**********1231');
  });

  it('masks every number in the reader vectors, hiding the birth date, and recognises the full forms', () => {
    const numbers = vectorNumbers();
    expect(numbers.length).toBeGreaterThanOrEqual(5);
    for (const number of numbers) {
      const masked = maskIdNumber(number);
      expect(masked).toHaveLength(number.length);
      expect(masked.slice(0, 4)).toBe(number.slice(0, 4));
      expect(masked.slice(-4)).toBe(number.slice(-4));
      expect(isMaskedIdNumber(masked)).toBe(true);
      expect(containsFullIdNumber(`号码 ${number} 已读取`)).toBe(true);
      expect(containsFullIdNumber(masked)).toBe(false);
      if (/^\d{17}/.test(number)) expect(masked).not.toContain(number.slice(6, 14));
    }
  });

  it('passes an already masked number through and re-masks a full one (a bridge bug never reaches the screen)', () => {
    expect(displayIdNumber('4401**********1231')).toBe('4401**********1231');
    expect(displayIdNumber('440106199003071231')).toBe('4401**********1231');
    expect(displayIdNumber('4401******071231')).toBe('4401********1231');
    expect(displayIdNumber('1234')).toBe('****');
    expect(displayIdNumber('')).toBe('');
  });

  it('keeps only display fields from a holder view: no photo, no full number', () => {
    const view = {
      cardType: 'resident',
      name: '张三丰',
      idNumberMasked: '440106199003071231',
      validUntil: '2035-06-11',
      photo: 'base64-photo',
      idNumber: '440106199003071231',
    } as CardHolderView;
    const holder = holderForSession(view);
    expect(holder).toEqual({
      cardType: 'resident',
      name: '张三丰',
      idNumberMasked: '4401**********1231',
      validUntil: '2035-06-11',
      refusal: null,
    });
    expect(JSON.stringify(holder)).not.toContain('440106199003071231');
    expect(JSON.stringify(holder)).not.toContain('photo');
  });

  it('carries the bridge\'s refusal (valid: false / expired) with its words, unless they hold a full number', () => {
    const base = { cardType: 'resident', name: '张三丰', idNumberMasked: '4401**********1231' } as const;
    expect(holderForSession({ ...base, expired: true }).refusal).toEqual({ code: 'expired', words: null });
    const invalid = { reason: 'birthMismatch', zh: '出生日期与证件号码不符', en: 'Birth date does not match the number.' };
    expect(holderForSession({ ...base, valid: false, invalid }).refusal).toEqual({
      code: 'birthMismatch',
      words: { zh: invalid.zh, en: invalid.en },
    });
    const leaky = { reason: 'checkChar', zh: '号码 440106199003071231 校验位错误', en: 'bad check' };
    expect(holderForSession({ ...base, valid: false, invalid: leaky }).refusal).toEqual({ code: 'checkChar', words: null });
    expect(holderForSession({ ...base, valid: false }).refusal).toEqual({ code: 'invalid', words: null });
    expect(holderForSession({ ...base, valid: true }).refusal).toBeNull();
  });

  it('drops a name that carries a full number', () => {
    const holder = holderForSession({ cardType: 'resident', name: '张三 440106199003071231', idNumberMasked: '4401**********1231' });
    expect(holder.name).toBe('');
  });
});
