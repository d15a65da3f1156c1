/**
 * The pinyin of a catalogue name, one toneless syllable per character, for the kiosk's search (README "Finding a
 * service"): worked out here, on the hall server, from the names the catalogue holds, so the kiosk's bundle carries
 * no pinyin dictionary. Names change only with a catalogue load; each is converted once per process.
 */
import { pinyin } from 'pinyin-pro';

const cache = new Map<string, string[]>();

/** `社保医保` -> ['she', 'bao', 'yi', 'bao']; a character without a reading (（, 2, A) stands for itself, lowercased. */
export function pinyinSyllables(name: string): string[] {
  const known = cache.get(name);
  if (known) return known;
  const chars = [...name];
  // Whole-name conversion picks the reading of a polyphonic character from its word (银行 hang, 行政 xing).
  const syllables = pinyin(name, { toneType: 'none', type: 'array', v: true });
  const out = syllables.length === chars.length
    ? syllables.map((s, i) => (s.trim() === '' ? chars[i] : s).toLowerCase())
    : chars.map((c) => (pinyin(c, { toneType: 'none', v: true }) || c).toLowerCase());
  cache.set(name, out);
  return out;
}
