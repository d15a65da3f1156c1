/**
 * Citizen ID numbers (id-reader-sam.md, "ID number (GB 11643-1999)") and masking (hall-rules.md, "Privacy").
 */

// GB 11643-1999: weights over the first 17 digits and the check alphabet indexed by (sum mod 11).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The 18th character for the first 17 digits of a number (the rest of the input, if any, is ignored). */
export function idNumberCheckChar(number: string): string {
  if (!/^\d{17}/.test(number)) throw new Error(`ID number check needs 17 leading digits, got "${maskIdNumber(number)}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (number.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export type IdNumberProblem = 'length' | 'characters' | 'checkChar' | 'birthDate' | 'birthMismatch';

export type IdNumberValidation =
  | { ok: true }
  | { ok: false; reason: IdNumberProblem; zh: string; en: string };

const REASONS: Record<IdNumberProblem, [zh: string, en: string]> = {
  length: ['证件号码应为18位', 'the number must have 18 characters'],
  characters: ['证件号码前17位应为数字，最后一位为数字或X', 'the first 17 characters must be digits and the last a digit or X'],
  checkChar: ['证件号码校验位不正确', 'the check character is wrong'],
  birthDate: ['证件号码中的出生日期无效', 'the birth date inside the number is not a real date'],
  birthMismatch: ['证件号码与出生日期不一致', 'the number does not match the birth date on the card'],
};

function fail(reason: IdNumberProblem): IdNumberValidation {
  const [zh, en] = REASONS[reason];
  return { ok: false, reason, zh, en };
}

/** True when `yyyymmdd` (8 digits) is a real calendar date. */
export function isRealDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1800 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Validates an 18-character number: length, characters, check character, the embedded birth date (positions 7-14)
 * is a real date, and, when `birthDate` (ISO `YYYY-MM-DD` or `YYYYMMDD`) is given, that it agrees with the card's
 * birth field. Works for resident cards, J permits (810000/820000/830000 prefixes) and the 9-prefixed 2023 foreign
 * permanent residence number, which use the same check (spec "ID number"). Never throws.
 */
export function validateIdNumber(number: string, opts: { birthDate?: string } = {}): IdNumberValidation {
  if (typeof number !== 'string' || number.length !== 18) return fail('length');
  const n = number.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(n)) return fail('characters');
  if (idNumberCheckChar(n) !== n[17]) return fail('checkChar');
  const birth = n.slice(6, 14);
  if (!isRealDate(birth)) return fail('birthDate');
  if (opts.birthDate !== undefined && opts.birthDate.replace(/-/g, '') !== birth) return fail('birthMismatch');
  return { ok: true };
}

/**
 * Masks a number for display, print and logs (hall-rules.md "Privacy": keep the first 4 and last 4 characters,
 * e.g. `4401**********1231`). For shorter numbers (permits, passes) at most a quarter is shown at each end so that
 * at least half stays hidden: `H12345678` -> `H1*****78`. Empty or tiny inputs become all stars.
 */
export function maskIdNumber(number: string): string {
  const s = String(number ?? '');
  const keep = Math.min(4, Math.floor(s.length / 4));
  if (keep === 0) return '*'.repeat(s.length);
  return s.slice(0, keep) + '*'.repeat(s.length - 2 * keep) + s.slice(s.length - keep);
}
