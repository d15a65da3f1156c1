/**
 * Whether a kiosk may accept a card (hall-rules.md, "One authentication": refuse an expired card, a number that
 * fails its check character, a card whose birth field and number disagree; the refusal says why in plain words).
 */
import { isHolderExpired, type Holder } from './holder.ts';
import { isRealDate, validateIdNumber, type IdNumberProblem } from './idNumber.ts';

export type HolderProblem = IdNumberProblem | 'expired' | 'missingNumber' | 'birthDateInvalid';

export type HolderValidation = { ok: true } | { ok: false; reason: HolderProblem; zh: string; en: string };

const TEXT: Record<'expired' | 'missingNumber' | 'birthDateInvalid', [zh: string, en: string]> = {
  expired: ['证件已过有效期，请使用有效证件或咨询工作人员', 'the card has expired; please use a valid card or ask staff'],
  missingNumber: ['未能读取证件号码，请重新放置证件', 'the card number could not be read; please place the card again'],
  birthDateInvalid: ['证件上的出生日期无效', 'the birth date on the card is not a real date'],
};

function refuse(reason: keyof typeof TEXT): HolderValidation {
  const [zh, en] = TEXT[reason];
  return { ok: false, reason, zh, en };
}

/**
 * Checks a parsed holder for acceptance on `today` (ISO date). Resident cards, J permits and 2023 foreign cards
 * get the full GB 11643 number check against the birth field; the old foreign permit has no check character in
 * the spec, so only its presence and the birth date are checked. Never throws.
 */
export function validateHolder(h: Holder, today: string): HolderValidation {
  if (h.cardType === 'foreignPermanentOld') {
    if (!h.permitNumber) return refuse('missingNumber');
    if (!isRealDate(h.birthDate.replace(/-/g, ''))) return refuse('birthDateInvalid');
  } else {
    if (!h.idNumber) return refuse('missingNumber');
    const n = validateIdNumber(h.idNumber, { birthDate: h.birthDate });
    if (!n.ok) return n;
  }
  if (isHolderExpired(h, today)) return refuse('expired');
  return { ok: true };
}
