/** Simplified Chinese is the default language of every screen; English is one tap away. */
export type Lang = 'zh' | 'en';

/** Every text a citizen reads exists in both languages, so the switch never leaves a screen half translated. */
export interface Bilingual {
  zh: string;
  en: string;
}

export function pick(text: Bilingual, lang: Lang): string {
  return text[lang];
}

/** BCP 47 tags for `lang` attributes and speech synthesis voices. */
export const LANG_TAGS: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };
