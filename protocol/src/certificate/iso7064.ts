/**
 * ISO/IEC 7064 MOD 37,36 (hybrid system, M = 36, alphabet 0-9 A-Z), the check character of electronic certificate
 * identifiers (hall-rules.md "Electronic certificates"). The hybrid system catches every single-character error
 * and every adjacent transposition.
 */
export const MOD37_36_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;

/** The check character for `text` (characters 0-9 A-Z only; throws naming the first other one). */
export function iso7064Mod37_36(text: string): string {
  let p = M;
  for (let i = 0; i < text.length; i++) {
    const v = MOD37_36_ALPHABET.indexOf(text[i]);
    if (v < 0) throw new Error(`"${text[i]}" at ${i} is not in the MOD 37,36 alphabet 0-9 A-Z`);
    let s = (p + v) % M;
    if (s === 0) s = M;
    p = (s * 2) % (M + 1);
  }
  return MOD37_36_ALPHABET[(M + 1 - p) % M];
}
