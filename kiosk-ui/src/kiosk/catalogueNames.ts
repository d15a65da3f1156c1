/**
 * English names of the hall's catalogue (departments, services, materials, queue categories) where the catalogue
 * gives one: fetched once from the bridge (`/api/catalogue/names`). Where none is given, English mode shows the
 * Chinese name marked as such, so the citizen knows it is untranslated rather than garbled.
 */
import { signal } from '@preact/signals';
import type { Lang } from '../i18n/lang.ts';

const english = signal<ReadonlyMap<string, string>>(new Map());
let requested = false;

export function loadCatalogueNames(): void {
  if (requested) return;
  requested = true;
  fetch('/api/catalogue/names')
    .then((r) => (r.ok ? r.json() : null))
    .then((body: { en?: Record<string, unknown> } | null) => {
      const en = body?.en;
      if (!en || typeof en !== 'object') return;
      english.value = new Map(Object.entries(en).filter((e): e is [string, string] => typeof e[1] === 'string'));
    })
    .catch(() => {
      requested = false; // asked again by the next screen that needs it
    });
}

/** Marks a Chinese name shown in English mode (no English name given). */
export const UNTRANSLATED = ' (in Chinese)';

/** `zh` in `lang`: the catalogue's English name, or the Chinese name marked untranslated. */
export function catalogueName(zh: string, lang: Lang): string {
  if (lang === 'zh') return zh;
  const names = english.value;
  const whole = names.get(zh);
  if (whole !== undefined) return whole;
  // `电子证照库：居民身份证` (a material's source): each part by itself.
  const parts = zh.split('：');
  if (parts.length > 1 && parts.every((p) => names.has(p))) return parts.map((p) => names.get(p)).join(': ');
  return `${zh}${UNTRANSLATED}`;
}
