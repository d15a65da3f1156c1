/**
 * The 256-byte text block of a read response (id-reader-sam.md, "The 256-byte text block"): UCS-2 little-endian,
 * fixed fields padded with spaces, card type at offset 248. Parsing trims trailing padding only (spaces, and NULs
 * that some cards use), because names may hold inner spaces and a middle dot (`阿依古丽·买买提`).
 */
import { ID_CARD_NO_EXPIRY, type IdCardType, type Holder } from './holder.ts';
import { decodeUcs2Le as readUcs2, encodeUcs2LeInto, trimCardPadding as trimPadding, ucs2Spaces } from './ucs2.ts';

export const ID_CARD_TEXT_BYTES = 256;
/** Byte offset of the card-type character (spec: "The card type is the UCS-2 character at offset 248"). */
export const ID_CARD_TYPE_OFFSET = 248;

/** Field kinds: plain text, a YYYYMMDD date shown as ISO, or a valid-until date that may be 长期. */
type Kind = 'text' | 'date' | 'until';
interface Field {
  key: string;
  offset: number;
  bytes: number;
  kind: Kind;
}
const f = (key: string, offset: number, bytes: number, kind: Kind = 'text'): Field => ({ key, offset, bytes, kind });

// Offsets and sizes are the spec's tables, byte for byte.
const RESIDENT: Field[] = [
  f('name', 0, 30), f('sex', 30, 2), f('nation', 32, 4), f('birthDate', 36, 16, 'date'), f('address', 52, 70),
  f('idNumber', 122, 36), f('issuer', 158, 30), f('validFrom', 188, 16, 'date'), f('validUntil', 204, 16, 'until'),
];
// J: as resident for 0-219 except offset 32 is reserved; then pass number at 220 (18) and issue count at 238 (4).
const HK_MACAU_TAIWAN: Field[] = [
  ...RESIDENT.filter((x) => x.key !== 'nation'),
  f('passNumber', 220, 18), f('issueCount', 238, 4),
];
const FOREIGN_OLD: Field[] = [
  f('englishName', 0, 120), f('sex', 120, 2), f('permitNumber', 122, 30), f('nationality', 152, 6),
  f('chineseName', 158, 30), f('validFrom', 188, 16, 'date'), f('validUntil', 204, 16, 'until'),
  f('birthDate', 220, 16, 'date'), f('cardVersion', 236, 4), f('issuerCode', 240, 8),
];
// Y: the English name is split over 52 (35 chars) and 220 (11 chars); handled apart from this table.
const FOREIGN_2023: Field[] = [
  f('chineseName', 0, 30), f('sex', 30, 2), f('renewalCount', 32, 4), f('birthDate', 36, 16, 'date'),
  f('idNumber', 122, 36), f('validFrom', 188, 16, 'date'), f('validUntil', 204, 16, 'until'),
  f('nationality', 242, 6), f('previousCardLink', 250, 6),
];
const Y_NAME_PART1 = f('englishName', 52, 70);
const Y_NAME_PART2 = f('englishName', 220, 22);

const TYPE_CHAR: Record<IdCardType, string> = {
  resident: ' ',
  hkMacauTaiwanPermit: 'J',
  foreignPermanentOld: 'I',
  foreignPermanent2023: 'Y',
};

const LAYOUT: Record<IdCardType, Field[]> = {
  resident: RESIDENT,
  hkMacauTaiwanPermit: HK_MACAU_TAIWAN,
  foreignPermanentOld: FOREIGN_OLD,
  foreignPermanent2023: FOREIGN_2023,
};

function toIso(raw: string, kind: Kind): string {
  if (kind === 'until' && raw === ID_CARD_NO_EXPIRY) return raw;
  if (kind !== 'text' && /^\d{8}$/.test(raw)) return `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  return raw;
}

/** Card type from the character at offset 248 (I, J, Y; anything else is a resident card). */
export function idCardTypeOf(block: Uint8Array): IdCardType {
  const c = readUcs2(block, ID_CARD_TYPE_OFFSET, 2);
  if (c === 'J') return 'hkMacauTaiwanPermit';
  if (c === 'I') return 'foreignPermanentOld';
  if (c === 'Y') return 'foreignPermanent2023';
  return 'resident';
}

/** Parses a text block (normally 256 bytes; a shorter one reads as padded). Never throws. */
export function parseTextBlock(block: Uint8Array): Holder {
  const cardType = idCardTypeOf(block);
  const out: Record<string, string> = { cardType };
  for (const fl of LAYOUT[cardType]) out[fl.key] = toIso(trimPadding(readUcs2(block, fl.offset, fl.bytes)), fl.kind);
  if (cardType === 'foreignPermanent2023') {
    // spec: "The English name is the concatenation of its two parts, trailing padding trimmed": part 1 untrimmed,
    // so that a word boundary falling at character 35 keeps its space.
    out.englishName = trimPadding(
      readUcs2(block, Y_NAME_PART1.offset, Y_NAME_PART1.bytes) + readUcs2(block, Y_NAME_PART2.offset, Y_NAME_PART2.bytes),
    );
  }
  return out as unknown as Holder;
}

function writeUcs2(block: Uint8Array, fl: Field, value: string): void {
  encodeUcs2LeInto(block, fl.offset, fl.bytes, value, `text block field ${fl.key}`);
}

function fromIso(value: string, kind: Kind): string {
  if (kind !== 'text' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value.replace(/-/g, '');
  return value;
}

/**
 * The inverse of parseTextBlock: 256 bytes, UCS-2LE, space padded, card-type character at 248. Throws an Error
 * naming the field when a value does not fit. Dates may be ISO or YYYYMMDD; anything else is written as given.
 */
export function buildTextBlock(holder: Holder): Uint8Array {
  const layout = LAYOUT[holder.cardType];
  if (!layout) throw new Error(`unknown cardType ${String((holder as { cardType?: unknown }).cardType)}`);
  const block = ucs2Spaces(ID_CARD_TEXT_BYTES);
  const h = holder as unknown as Record<string, unknown>;
  for (const fl of layout) {
    const v = h[fl.key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new Error(`text block field ${fl.key} must be a string, got ${typeof v}`);
    writeUcs2(block, fl, fromIso(v, fl.kind));
  }
  if (holder.cardType === 'foreignPermanent2023') {
    const name = holder.englishName ?? '';
    const cut = Y_NAME_PART1.bytes / 2;
    if (name.length > cut + Y_NAME_PART2.bytes / 2) {
      throw new Error(`text block field englishName holds ${cut + Y_NAME_PART2.bytes / 2} characters, got ${name.length}`);
    }
    writeUcs2(block, Y_NAME_PART1, name.slice(0, cut));
    writeUcs2(block, Y_NAME_PART2, name.slice(cut));
  }
  writeUcs2(block, f('cardType', ID_CARD_TYPE_OFFSET, 2), TYPE_CHAR[holder.cardType]);
  return block;
}
