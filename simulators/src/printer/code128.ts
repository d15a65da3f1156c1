/**
 * CODE128 symbol construction for the simulated printer (GS k 73, escpos.md "barcode CODE128"). The data is in the
 * ESC/POS form: it starts with a code set (`{A`, `{B`, `{C`), `{` escapes switch sets (`{A {B {C`), shift (`{S`) and
 * function codes (`{1`..`{4`), and `{{` is a literal `{`.
 */

/** Bar/space widths (bar first) of symbol values 0-106 (ISO/IEC 15417 table 1); 106 = stop (13 modules). */
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213', '221312', '231212',
  '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132', '221231', '213212', '223112', '312131',
  '311222', '321122', '321221', '312212', '322112', '322211', '212123', '212321', '232121', '111323', '131123', '131321',
  '112313', '132113', '132311', '211313', '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121',
  '313121', '211331', '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214', '112412', '122114',
  '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111', '111242', '121142', '121241', '114212',
  '124112', '124211', '411212', '421112', '421211', '212141', '214121', '412121', '111143', '111341', '131141', '114113',
  '114311', '411113', '411311', '113141', '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

export const CODE128_PATTERNS: readonly string[] = PATTERNS;

type CodeSet = 'A' | 'B' | 'C';
const START: Record<CodeSet, number> = { A: 103, B: 104, C: 105 };
const SWITCH: Record<CodeSet, number> = { A: 101, B: 100, C: 99 };
const FNC: Record<string, number> = { '1': 102, '2': 97, '3': 96 };

export interface Code128Symbol {
  /** Symbol values including start, check and stop. */
  values: number[];
  /** Module widths, bar first, alternating bar/space. */
  pattern: number[];
  /** Total width in modules. */
  modules: number;
  /** Printable characters (HRI text). */
  text: string;
}

/** Builds the symbol for ESC/POS CODE128 data; throws with a clear message if the data is not valid. */
export function buildCode128(data: Uint8Array): Code128Symbol {
  if (data.length < 2 || data[0] !== 0x7b || !'ABC'.includes(String.fromCharCode(data[1]))) {
    throw new Error('CODE128 data must start with a code set selection {A, {B or {C');
  }
  let set = String.fromCharCode(data[1]) as CodeSet;
  const values = [START[set]];
  let text = '';
  let shifted = false;
  const valueOf = (c: number, s: CodeSet): number => {
    if (s === 'B') {
      if (c < 0x20 || c > 0x7f) throw new Error(`CODE128: byte 0x${c.toString(16)} is not in code set B`);
      return c - 0x20;
    }
    if (c > 0x5f) throw new Error(`CODE128: byte 0x${c.toString(16)} is not in code set A`);
    return c < 0x20 ? c + 0x40 : c - 0x20;
  };
  for (let i = 2; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7b && data[i + 1] !== 0x7b) {
      const e = String.fromCharCode(data[++i] ?? 0);
      if (e === 'A' || e === 'B' || e === 'C') { values.push(SWITCH[e]); set = e; continue; }
      if (e === 'S') { values.push(98); shifted = true; continue; }
      if (FNC[e] !== undefined) { values.push(FNC[e]); continue; }
      if (e === '4') { values.push(set === 'A' ? 101 : 100); continue; }
      throw new Error(`CODE128: unknown escape {${e}`);
    }
    if (c === 0x7b) i++; // {{ = a literal {
    if (set === 'C' && !shifted) {
      const d2 = data[i + 1];
      if (!(c >= 0x30 && c <= 0x39 && d2 >= 0x30 && d2 <= 0x39)) throw new Error('CODE128: code set C takes digit pairs');
      values.push((c - 0x30) * 10 + (d2 - 0x30));
      text += String.fromCharCode(c, d2);
      i++;
      continue;
    }
    const s: CodeSet = shifted ? (set === 'A' ? 'B' : 'A') : set;
    shifted = false;
    values.push(valueOf(c, s));
    if (c >= 0x20 && c < 0x7f) text += String.fromCharCode(c);
  }
  let sum = values[0];
  for (let k = 1; k < values.length; k++) sum += k * values[k];
  values.push(sum % 103, 106);
  const pattern = values.flatMap((v) => [...PATTERNS[v]].map(Number));
  return { values, pattern, modules: pattern.reduce((a, b) => a + b, 0), text };
}
