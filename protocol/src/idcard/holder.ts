/**
 * The card holder as read from the 256-byte text block, one shape per card type (id-reader-sam.md, "The 256-byte
 * text block"). This is the value the bridge and the UI use.
 *
 * Privacy decision: the chip photo is NOT part of Holder. It travels beside it in `SamReadResult.photo`, wrapped in
 * `SensitiveBytes`, whose JSON and inspect forms hide the content, so that logging a Holder (or a whole read
 * result) can never leak it (hall-rules.md, "Privacy"). Holder still carries the full number: mask it with
 * `maskIdNumber` / `holderLogView` before anything leaves the session.
 *
 * Dates are ISO `YYYY-MM-DD` when the card holds 8 digits; anything else is kept as read (trimmed), so that
 * validation can say what is wrong instead of the parser guessing. `validUntil` may be `长期` (no expiry).
 */
import { maskIdNumber } from './idNumber.ts';

/** The spec's literal for a card without expiry. */
export const ID_CARD_NO_EXPIRY = '长期';

export type IdCardType = 'resident' | 'hkMacauTaiwanPermit' | 'foreignPermanentOld' | 'foreignPermanent2023';

/** Fields shared by the resident card and the J permit (same offsets 0-219, spec "J ... as the resident card"). */
export interface ResidentStyleFields {
  name: string;
  /** Sex code: '0' | '1' | '2' | '9' (see ID_CARD_SEX_CODES). */
  sex: string;
  birthDate: string;
  address: string;
  idNumber: string;
  issuer: string;
  validFrom: string;
  validUntil: string;
}

export interface ResidentHolder extends ResidentStyleFields {
  cardType: 'resident';
  /** GB 3304 nation code, two digits (see ID_CARD_NATION_CODES). */
  nation: string;
}

/** 港澳台居民居住证 (card type J). */
export interface HkMacauTaiwanHolder extends ResidentStyleFields {
  cardType: 'hkMacauTaiwanPermit';
  /** 通行证号码. */
  passNumber: string;
  /** 签发次数, two digits. */
  issueCount: string;
}

/** 外国人永久居留身份证, old style (card type I). */
export interface ForeignPermanentOldHolder {
  cardType: 'foreignPermanentOld';
  englishName: string;
  chineseName: string;
  sex: string;
  /** 15 characters on the card: 3 letters + 12 digits. */
  permitNumber: string;
  /** ISO 3166-1 alpha-3. */
  nationality: string;
  birthDate: string;
  validFrom: string;
  validUntil: string;
  cardVersion: string;
  /** 受理机关代码. */
  issuerCode: string;
}

/** 外国人永久居留身份证, 2023 style (card type Y). */
export interface ForeignPermanent2023Holder {
  cardType: 'foreignPermanent2023';
  chineseName: string;
  /** Both parts of the English name joined (offset 52, 35 chars + offset 220, 11 chars). */
  englishName: string;
  sex: string;
  /** 换证次数, two digits. */
  renewalCount: string;
  birthDate: string;
  /** 18 characters, starting with 9, GB 11643 check character. */
  idNumber: string;
  validFrom: string;
  validUntil: string;
  nationality: string;
  /** Offset 250: link to the previous card's number (3 characters, often blank). */
  previousCardLink: string;
}

export type Holder = ResidentHolder | HkMacauTaiwanHolder | ForeignPermanentOldHolder | ForeignPermanent2023Holder;

/** The number that identifies the holder ("一号申办" key): ID number, or the permit number on old foreign cards. */
export function holderNumber(h: Holder): string {
  return h.cardType === 'foreignPermanentOld' ? h.permitNumber : h.idNumber;
}

/** The name to greet the holder with: the Chinese name when there is one, else the English name. */
export function holderDisplayName(h: Holder): string {
  if (h.cardType === 'resident' || h.cardType === 'hkMacauTaiwanPermit') return h.name;
  return h.chineseName || h.englishName;
}

/**
 * True when the card's validity ended before `today` (ISO date). `长期` never expires (hall-rules.md, "Refuse").
 * A validUntil that is not an ISO date counts as expired: a card we cannot date is not accepted.
 */
export function isHolderExpired(h: Holder, today: string): boolean {
  if (h.validUntil === ID_CARD_NO_EXPIRY) return false;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(h.validUntil)) return true;
  return h.validUntil < today;
}

/** What may appear in a log line about a holder: card type, display name and masked number (hall-rules.md). */
export function holderLogView(h: Holder): { cardType: IdCardType; name: string; number: string } {
  return { cardType: h.cardType, name: holderDisplayName(h), number: maskIdNumber(holderNumber(h)) };
}

/**
 * Bytes that must never reach a log, a file or a JSON payload by accident (the chip photo, the fingerprint).
 * `JSON.stringify`, `String()` and Node's `util.inspect` all print only the label and size.
 */
export class SensitiveBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly label: string,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  toJSON(): string {
    return this.toString();
  }

  toString(): string {
    return `[${this.label}: ${this.bytes.length} bytes withheld]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
