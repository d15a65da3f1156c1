/**
 * Search over the finder's services (README "Finding a service"): Chinese characters, full pinyin (`shebao`) or
 * pinyin initials (`sb`), in the service name or its queue category name; the matched characters are marked for
 * highlighting. The pinyin comes with the data (one syllable per character, from the hall server), so nothing here
 * needs a dictionary.
 */
import type { KioskFinderService } from '@onedoor/protocol';

export interface NameMatch {
  /** One flag per character of the name: part of the match. */
  marks: boolean[];
  /** 0: starts at the first character; higher: later. */
  at: number;
}

export interface ServiceMatch {
  service: KioskFinderService;
  name: NameMatch | null;
  category: NameMatch | null;
}

/** What the citizen typed, as matched: lowercase, no spaces or apostrophes (xi'an), ü typed as v. */
export function normaliseQuery(q: string): string {
  return q.toLowerCase().replace(/[\s'’]+/g, '').replace(/ü/g, 'v');
}

const HAN = /[\u3400-\u9fff]/;

function mark(length: number, from: number, to: number): boolean[] {
  return Array.from({ length }, (_, i) => i >= from && i < to);
}

/** Where `q` matches `name` (characters), its syllables (full pinyin) or their initials; null when nowhere. */
export function matchName(name: string, syllables: readonly string[], q: string): NameMatch | null {
  const chars = [...name];
  if (q === '') return null;
  if (HAN.test(q)) {
    const i = chars.join('').toLowerCase().indexOf(q);
    return i < 0 ? null : { marks: mark(chars.length, [...name.slice(0, i)].length, [...name.slice(0, i)].length + [...q].length), at: i };
  }
  const sy = syllables.length === chars.length ? syllables : chars.map((c) => c.toLowerCase());
  // Initials: one letter per character.
  const initials = sy.map((s) => s[0] ?? '').join('');
  const ii = initials.indexOf(q);
  if (ii >= 0) return { marks: mark(chars.length, ii, ii + q.length), at: ii };
  // Full pinyin: the characters whose syllables the match covers (a partly typed last syllable counts).
  const joined = sy.join('');
  const fi = joined.indexOf(q);
  if (fi < 0) return null;
  const starts: number[] = [];
  let pos = 0;
  for (const s of sy) {
    starts.push(pos);
    pos += s.length;
  }
  const first = starts.findLastIndex((p) => p <= fi);
  const last = starts.findLastIndex((p) => p < fi + q.length);
  return { marks: mark(chars.length, first, last + 1), at: first };
}

/** Services matching `query`, name matches first (earlier in the name first), then category matches. */
export function searchServices(services: readonly KioskFinderService[], query: string): ServiceMatch[] {
  const q = normaliseQuery(query);
  if (q === '') return [];
  const out: ServiceMatch[] = [];
  for (const service of services) {
    const name = matchName(service.name, service.namePinyin, q);
    const category = name ? null : matchName(service.categoryName, service.categoryPinyin, q);
    if (name || category) out.push({ service, name, category });
  }
  const rank = (m: ServiceMatch) => (m.name ? m.name.at : 1000 + (m.category?.at ?? 0));
  return out.sort((a, b) => rank(a) - rank(b) || a.service.id.localeCompare(b.service.id));
}
