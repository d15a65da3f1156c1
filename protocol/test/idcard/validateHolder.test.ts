// validateHolder: the kiosk's accept/refuse decision (hall-rules.md "One authentication").
import { describe, expect, it } from 'vitest';
import { SamFrameDecoder, fromHex, parseSamReadResponse, validateHolder, type Holder } from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const v = loadVectors<Record<string, { frame: string }>>('id-reader');
const holder = (name: string): Holder => parseSamReadResponse(new SamFrameDecoder().push(fromHex(v[name].frame))[0]).holder;

describe('validateHolder', () => {
  it('accepts the valid vector cards on a day inside their validity', () => {
    for (const name of ['read_base_ok_resident', 'read_base_ok_foreign_old', 'read_base_ok_foreign_2023', 'read_base_ok_long_term']) {
      expect(validateHolder(holder(name), '2026-11-25'), name).toEqual({ ok: true });
    }
    expect(validateHolder(holder('read_base_ok_hk_macau_taiwan'), '2024-12-31')).toEqual({ ok: true });
  });
  it('refuses an expired card (the J vector after 2025-01-01) and never a 长期 one', () => {
    expect(validateHolder(holder('read_base_ok_hk_macau_taiwan'), '2025-01-02')).toMatchObject({ ok: false, reason: 'expired' });
    expect(validateHolder(holder('read_base_ok_long_term'), '2999-12-31')).toEqual({ ok: true });
  });
  it('refuses a bad check character and a birth field that disagrees, with citizen wording', () => {
    const h = holder('read_base_ok_resident') as Extract<Holder, { cardType: 'resident' }>;
    const bad = validateHolder({ ...h, idNumber: '440106199003071232' }, '2026-01-01');
    expect(bad).toMatchObject({ ok: false, reason: 'checkChar' });
    if (!bad.ok) expect(bad.zh).toContain('校验位');
    expect(validateHolder({ ...h, birthDate: '1990-03-08' }, '2026-01-01')).toMatchObject({ ok: false, reason: 'birthMismatch' });
    expect(validateHolder({ ...h, idNumber: '' }, '2026-01-01')).toMatchObject({ ok: false, reason: 'missingNumber' });
  });
  it('old foreign permits: number present and a real birth date', () => {
    const h = holder('read_base_ok_foreign_old') as Extract<Holder, { cardType: 'foreignPermanentOld' }>;
    expect(validateHolder({ ...h, birthDate: '1975-02-30' }, '2026-01-01')).toMatchObject({ ok: false, reason: 'birthDateInvalid' });
    expect(validateHolder({ ...h, permitNumber: '' }, '2026-01-01')).toMatchObject({ ok: false, reason: 'missingNumber' });
  });
});
