/**
 * The card library: sample holders the simulated reader can have placed on it, kept as data in
 * `simulators/data/cards.json` (each with a short key such as `zhang-sanfeng`). More holders can be merged in from
 * any file of the same shape, so a demo or a test brings its own people without touching the shipped set.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSamAppendedAddressData, buildTextBlock, type Holder } from '@onedoor/protocol';

export const DEFAULT_CARDS_PATH = fileURLToPath(new URL('../../data/cards.json', import.meta.url));

export interface CardEntry {
  /** Short name used by `place-card <holder>`: lower case letters, digits and dashes. */
  key: string;
  /** What the card is for (e.g. "EXPIRED card"). */
  note?: string;
  /** Set on deliberately invalid cards: what a kiosk must find wrong (`checkChar`, `birthMismatch`, ...). */
  invalid?: string;
  holder: Holder;
  /** 追加住址 returned by 30 03; absent = the card has none (SW3 91). */
  appendedAddress?: string;
  /** The card carries a fingerprint block (returned by 30 10). */
  fingerprint?: boolean;
}

export type CardLibrary = Map<string, CardEntry>;

const CARD_TYPES = ['resident', 'hkMacauTaiwanPermit', 'foreignPermanentOld', 'foreignPermanent2023'];

/** Checks one entry of a card file; throws naming the file and the entry. */
function checkEntry(raw: unknown, source: string, index: number): CardEntry {
  const where = `${source}: cards[${index}]`;
  if (typeof raw !== 'object' || raw === null) throw new Error(`${where} must be an object`);
  const e = raw as Record<string, unknown>;
  if (typeof e.key !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(e.key)) {
    throw new Error(`${where}: key must be lower case letters, digits and dashes, got ${JSON.stringify(e.key)}`);
  }
  const at = `${source}: card "${e.key}"`;
  const h = e.holder as Record<string, unknown> | undefined;
  if (typeof h !== 'object' || h === null) throw new Error(`${at}: holder must be an object`);
  if (!CARD_TYPES.includes(h.cardType as string)) {
    throw new Error(`${at}: holder.cardType must be one of ${CARD_TYPES.join(', ')}, got ${JSON.stringify(h.cardType)}`);
  }
  for (const [k, v] of Object.entries(h)) if (typeof v !== 'string') throw new Error(`${at}: holder.${k} must be a string`);
  for (const k of ['note', 'invalid', 'appendedAddress'] as const) {
    if (e[k] !== undefined && typeof e[k] !== 'string') throw new Error(`${at}: ${k} must be a string`);
  }
  if (e.fingerprint !== undefined && typeof e.fingerprint !== 'boolean') throw new Error(`${at}: fingerprint must be true or false`);
  const entry: CardEntry = {
    key: e.key,
    holder: h as unknown as Holder,
    ...(e.note !== undefined && { note: e.note as string }),
    ...(e.invalid !== undefined && { invalid: e.invalid as string }),
    ...(e.appendedAddress !== undefined && { appendedAddress: e.appendedAddress as string }),
    ...(e.fingerprint !== undefined && { fingerprint: e.fingerprint as boolean }),
  };
  try {
    buildTextBlock(entry.holder); // every field must fit the card's text block
    if (entry.appendedAddress !== undefined) buildSamAppendedAddressData(entry.appendedAddress);
  } catch (err) {
    throw new Error(`${at}: ${(err as Error).message}`);
  }
  return entry;
}

/** Entries of a parsed card file (`{ "cards": [...] }`); `source` names it in error messages. */
export function parseCardFile(json: unknown, source: string): CardEntry[] {
  const cards = (json as { cards?: unknown } | null)?.cards;
  if (!Array.isArray(cards)) throw new Error(`${source}: expected an object with a "cards" array`);
  const out = cards.map((c, i) => checkEntry(c, source, i));
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.key)) throw new Error(`${source}: card key "${c.key}" appears twice`);
    seen.add(c.key);
  }
  return out;
}

function readCardFile(path: string): CardEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read card library ${path}: ${(err as Error).message}`);
  }
  return parseCardFile(json, path);
}

/**
 * The shipped library, with the holders of `path` (if given) merged in; a key in `path` replaces the shipped
 * card of the same key. `base` replaces the shipped library as the starting point (pass an empty Map for only
 * the file's cards). Returns a new Map; `base` is not changed.
 */
export function loadCardLibrary(path?: string, base?: CardLibrary): CardLibrary {
  const lib: CardLibrary = new Map(base ?? readCardFile(DEFAULT_CARDS_PATH).map((c) => [c.key, c]));
  if (path !== undefined) for (const c of readCardFile(path)) lib.set(c.key, c);
  return lib;
}

/**
 * Stand-in for the card's 1024-byte WLT photo: the same counting pattern the shared vectors use (byte i = i * 37
 * mod 256), so a simulated read of a vector holder is byte-identical to its vector frame. It is opaque, like the
 * real thing (id-reader-sam.md, "The photo"), and contains no image.
 */
export function simulatedPhoto(bytes = 1024): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (i * 37) & 0xff);
}

/** Stand-in for a fingerprint block: deterministic bytes derived from the card key. */
export function simulatedFingerprint(key: string, bytes = 1024): Uint8Array {
  let s = fnv1a(key) || 1;
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** FNV-1a over UTF-16 code units: a small stable hash for deriving per-card and per-device stand-in bytes. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
