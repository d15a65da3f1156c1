import { useKiosk } from '../KioskContext.ts';
import { UNTRANSLATED, catalogueName } from '../catalogueNames.ts';

/**
 * A department, service, material or category name from the hall's catalogue: in English mode its English name
 * where the catalogue gives one, else the Chinese name marked "(in Chinese)" (see catalogueNames.ts).
 */
export function CatalogueName({ zh }: { zh: string }) {
  const lang = useKiosk().store.lang.value;
  const shown = catalogueName(zh, lang);
  if (lang === 'zh' || !shown.endsWith(UNTRANSLATED)) return <>{shown}</>;
  return (
    <>
      <span lang="zh-CN">{zh}</span>
      <span class="untranslated" data-testid="untranslated">{UNTRANSLATED}</span>
    </>
  );
}
