/**
 * The hall trusts a linked kiosk for its devices, not for people: every citizen a kiosk sends is checked again at the
 * hall before any hall function runs for them (hall-rules.md "One authentication": refuse an expired card, a number
 * that fails its check character, a card whose birth field and number disagree).
 *
 * - 18-character numbers (resident cards, J permits, 2023 foreign cards): length, digits, GB 11643 MOD 11-2 check
 *   character, a real birth date inside the number, equal to the birth date sent (protocol's validateIdNumber).
 *   The citizen the services get carries the birth date read from the number, so priority (elderly 65+) is derived
 *   from the number, never from what the kiosk claims.
 * - The old foreign permanent residence permit (id-reader-sam.md: 3 letters + digits, no check character in the
 *   spec): its shape only, and a real birth date not in the future.
 * - Expiry in the hall's own clock (`长期` never expires).
 * - The name: non-empty, at most 64 characters, letters with the separators names use (space, ·, ., comma, hyphen,
 *   apostrophe), no control or invisible characters.
 *
 * `nameMatchesRecords` then compares the name with what the hall's own records hold for that number (the certificate
 * library keeps the holder's name), so a real number with a made-up name reads nobody's data.
 */
import { ID_CARD_NO_EXPIRY, isRealDate, validateIdNumber } from '@onedoor/protocol';
import type { HallDay } from '../store/hallStore.ts';
import type { Citizen } from './citizen.ts';

export type LinkedCitizenProblem =
  | 'length' | 'characters' | 'checkChar' | 'birthDate' | 'birthMismatch' | 'expired' | 'name';

export type LinkedCitizenCheck =
  | { ok: true; citizen: Citizen }
  | { ok: false; reason: LinkedCitizenProblem; zh: string; en: string };

/** Old-style foreign permanent residence permit: 3 letters and digits (15 characters in the spec; the library's 12). */
const OLD_PERMIT = /^[A-Z]{3}\d{9,12}$/;
/** Letters and marks with the separators real names use (张三丰, 阿依古丽·买买提, O'BRIEN, SMITH, JOHN). */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} ·•.,'’-]*$/u;
export const MAX_NAME_CHARS = 64;

const TEXT: Record<LinkedCitizenProblem, [zh: string, en: string]> = {
  length: ['证件号码长度不正确，请重新放置证件或咨询工作人员', 'the card number has the wrong length; please place the card again or ask staff'],
  characters: ['证件号码含有无效字符，请咨询工作人员', 'the card number has characters a card number cannot have; please ask staff'],
  checkChar: ['证件号码校验位不正确，请咨询工作人员', 'the check character of the card number is wrong; please ask staff'],
  birthDate: ['证件号码中的出生日期无效，请咨询工作人员', 'the birth date in the card number is not a real date; please ask staff'],
  birthMismatch: ['证件号码与出生日期不一致，请咨询工作人员', 'the card number does not match the birth date; please ask staff'],
  expired: ['证件已过有效期，请使用有效证件或咨询工作人员', 'the card has expired; please use a valid card or ask staff'],
  name: ['证件姓名无法识别，请咨询工作人员', 'the name on the card cannot be used; please ask staff'],
};

function refuse(reason: LinkedCitizenProblem): LinkedCitizenCheck {
  const [zh, en] = TEXT[reason];
  return { ok: false, reason, zh, en };
}

const iso = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/** The name as the hall keeps it: NFC, trimmed, inner runs of spaces as one. */
export function normalizedName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** Checks a citizen sent by a kiosk on `today` (the hall's day); the citizen to use is the one returned. Never throws. */
export function checkLinkedCitizen(c: { number: string; name: string; birthDate: string; validUntil: string }, today: HallDay): LinkedCitizenCheck {
  const number = c.number.toUpperCase();
  let birthDate: string;
  if (number.length === 18) {
    const v = validateIdNumber(number, { birthDate: c.birthDate });
    if (!v.ok) return refuse(v.reason);
    birthDate = iso(number.slice(6, 14));
  } else if (number.length >= 12 && number.length <= 15 && /^[A-Z]{3}/.test(number)) {
    if (!OLD_PERMIT.test(number)) return refuse('characters');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c.birthDate) || !isRealDate(c.birthDate.replace(/-/g, ''))) return refuse('birthDate');
    birthDate = c.birthDate;
  } else {
    return refuse('length');
  }
  if (birthDate > today) return refuse('birthDate');
  if (c.validUntil !== ID_CARD_NO_EXPIRY) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c.validUntil) || !isRealDate(c.validUntil.replace(/-/g, ''))) return refuse('expired');
    if (c.validUntil < today) return refuse('expired');
  }
  const name = normalizedName(c.name);
  if (name.length === 0 || [...name].length > MAX_NAME_CHARS || !NAME.test(name)) return refuse('name');
  return { ok: true, citizen: { number, name, birthDate, validUntil: c.validUntil } };
}

/** Names compared the way people write them: case, spaces and the middle dot do not matter. */
function nameKey(name: string): string {
  return normalizedName(name).replace(/[\s·•.]/g, '').toLowerCase();
}

/** True when the hall holds no name for this number, or one of the names it holds is the citizen's. */
export function nameMatchesRecords(name: string, recordedNames: readonly string[]): boolean {
  if (recordedNames.length === 0) return true;
  const key = nameKey(name);
  return recordedNames.some((n) => nameKey(n) === key);
}

export const RECORDS_MISMATCH = {
  zh: '证件信息与本厅记录不符，请到窗口咨询工作人员',
  en: 'the card details do not match the hall\'s records; please ask staff at a window',
} as const;
