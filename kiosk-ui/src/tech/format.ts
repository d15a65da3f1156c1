/** Small pure helpers of the technician console (unit-tested in kiosk-ui/test/techFormat.test.ts). */

/** `HH:MM:SS.mmm` in local time, for frame rows. */
export function clockTime(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** "12 s", "5 min", "3 h 4 min" since `since` (never negative). */
export function ago(since: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - since) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * An argument typed in a form: numbers, true/false, null and JSON objects/arrays become values; anything else stays
 * text (so `A012` and `zhang-sanfeng` need no quotes). Empty means "leave out".
 */
export function parseArgValue(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false' || t === 'null') return JSON.parse(t);
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  return t;
}

/** The args object for an action from its form fields (fields left empty are left out). */
export function argsFromFields(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    const value = parseArgValue(v);
    if (value !== undefined) out[k] = value;
  }
  return out;
}

/** One line for a result shown under a button: JSON, shortened. */
export function shortJson(value: unknown, max = 400): string {
  if (value === undefined) return '';
  let s: string;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)} …` : s;
}

/**
 * A simulator's state or action result without holder names (`name` keys at any depth): the card library is made-up
 * people, but the console shows no holder names anywhere, only masked numbers (common rules, privacy).
 */
export function withoutNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNames);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'name').map(([k, v]) => [k, withoutNames(v)]));
  }
  return value;
}
