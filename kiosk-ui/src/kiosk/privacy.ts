/**
 * Masking guard for what the kiosk shows about a card holder (hall-rules.md, "Privacy": keep the first 4 and last 4
 * characters, hide the rest, e.g. `4401**********1231`; the birth-date digits are always hidden).
 *
 * The bridge masks before anything leaves it (contract `CardHolderView.idNumberMasked`). The UI checks again, so a
 * bridge bug can never put a full number on the screen: whatever arrives is re-masked unless it already has the
 * masked shape, and only the fields the screens need are kept.
 */
import type { CardHolderView } from '@onedoor/protocol';
import type { Bilingual } from '../i18n/lang.ts';

const VISIBLE_HEAD = 4;
const VISIBLE_TAIL = 4;
const MASK_CHAR = '*';

/** Masks any identity document number: first 4 + last 4 visible. Numbers of 8 characters or fewer are fully hidden. */
export function maskIdNumber(raw: string): string {
  const value = raw.trim();
  if (value.length <= VISIBLE_HEAD + VISIBLE_TAIL) return MASK_CHAR.repeat(value.length);
  return (
    value.slice(0, VISIBLE_HEAD) +
    MASK_CHAR.repeat(value.length - VISIBLE_HEAD - VISIBLE_TAIL) +
    value.slice(value.length - VISIBLE_TAIL)
  );
}

/** True when every character between the first 4 and the last 4 is a mask character (and there is a middle). */
export function isMaskedIdNumber(value: string): boolean {
  if (value.length <= VISIBLE_HEAD + VISIBLE_TAIL) return value.length > 0 && /^\*+$/.test(value);
  const middle = value.slice(VISIBLE_HEAD, value.length - VISIBLE_TAIL);
  return /^\*+$/.test(middle);
}

/** The only form of a number the kiosk ever renders. */
export function displayIdNumber(value: string): string {
  const trimmed = value.trim();
  return isMaskedIdNumber(trimmed) ? trimmed : maskIdNumber(trimmed);
}

/**
 * Finds runs that look like a full identity number in free text: 18-character resident / residence-permit / 2023
 * foreign permanent numbers (17 digits + digit or X) and old foreign permanent residence numbers (3-letter
 * country code + 9 to 12 digits, e.g. `USA440090010` in the reader vectors). Used to refuse rendering such text and by tests
 * that scan the page.
 */
export function containsFullIdNumber(text: string): boolean {
  return /(?<![0-9A-Za-z])(\d{17}[\dXx]|[A-Z]{3}\d{9,12})(?![0-9A-Za-z])/.test(text);
}

/** Why the bridge refused a card (contract `CardHolderView.valid === false` / `expired`), never personal data. */
export interface CardRefusal {
  /** Machine code such as `expired`, `checkChar`, `birthMismatch`. */
  code: string;
  /** The bridge's words for the citizen, when it sent usable ones. */
  words: Bilingual | null;
}

/** What a kiosk session keeps about its holder: display fields only, no photo, no full number. */
export interface SessionHolder {
  cardType: CardHolderView['cardType'];
  name: string;
  idNumberMasked: string;
  validUntil: string | null;
  /** Non-null: the card must be refused with this reason, and no session starts. */
  refusal: CardRefusal | null;
}

function refusalOf(view: CardHolderView): CardRefusal | null {
  if (view.valid === false) {
    const reason = view.invalid?.reason;
    const code = typeof reason === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(reason) ? reason : 'invalid';
    const { zh, en } = view.invalid ?? {};
    const usable = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '' && !containsFullIdNumber(s);
    return { code, words: usable(zh) && usable(en) ? { zh: zh.trim(), en: en.trim() } : null };
  }
  if (view.expired === true) return { code: 'expired', words: null };
  return null;
}

/**
 * Copies only the allowed fields out of a `cardRead` holder view (anything extra the bridge might add, e.g. a photo,
 * is dropped here and never reaches a signal or the DOM). A name that contains a full number is replaced.
 */
export function holderForSession(view: CardHolderView): SessionHolder {
  const name = typeof view.name === 'string' ? view.name.trim() : '';
  return {
    cardType: view.cardType,
    name: containsFullIdNumber(name) ? '' : name,
    idNumberMasked: displayIdNumber(typeof view.idNumberMasked === 'string' ? view.idNumberMasked : ''),
    validUntil: typeof view.validUntil === 'string' ? view.validUntil : null,
    refusal: refusalOf(view),
  };
}
