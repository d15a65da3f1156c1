/**
 * Kiosk settings from the page URL, so a hall (or a test) can change them without a rebuild:
 * `?idleMs=60000&warnMs=20000&maxExtensions=20&lang=en&elderly=1`. A bad value never stops the kiosk: it is
 * reported in `problems` (logged to the console) and the default is used.
 */
import type { Lang } from '../i18n/lang.ts';
import { DEFAULT_INACTIVITY, validateInactivityConfig, type InactivityConfig } from './inactivity.ts';

export interface KioskConfig {
  inactivity: InactivityConfig;
  lang: Lang;
  elderly: boolean;
  /** Voice prompts through speechSynthesis (`?voice=0` turns them off). */
  voice: boolean;
}

export interface KioskConfigResult {
  config: KioskConfig;
  problems: string[];
}

function numberParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  return raw === null || raw.trim() === '' ? fallback : Number(raw);
}

export function kioskConfigFromSearch(search: string): KioskConfigResult {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const requested: InactivityConfig = {
    timeoutMs: numberParam(params, 'idleMs', DEFAULT_INACTIVITY.timeoutMs),
    warnBeforeMs: numberParam(params, 'warnMs', DEFAULT_INACTIVITY.warnBeforeMs),
    maxExtensions: numberParam(params, 'maxExtensions', DEFAULT_INACTIVITY.maxExtensions),
  };
  let inactivity = DEFAULT_INACTIVITY;
  try {
    inactivity = validateInactivityConfig(requested);
  } catch (error) {
    problems.push(`${(error as Error).message}; using the defaults`);
  }
  const lang = params.get('lang');
  if (lang !== null && lang !== 'zh' && lang !== 'en') problems.push(`lang must be "zh" or "en", got "${lang}"; using "zh"`);
  return {
    config: {
      inactivity,
      lang: lang === 'en' ? 'en' : 'zh',
      elderly: params.get('elderly') === '1',
      voice: params.get('voice') !== '0',
    },
    problems,
  };
}
