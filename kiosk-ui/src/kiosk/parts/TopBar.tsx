import { useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';

/** Brand, language switch and elderly mode: on every screen, so each is one tap away (hall-rules.md). */
export function TopBar() {
  const { store } = useKiosk();
  const t = useText();
  const elderly = store.elderly.value;
  const lang = store.lang.value;
  return (
    <header class="top-bar">
      <div class="brand" aria-hidden="false">
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="3" y="3" width="26" height="26" rx="5" fill="#b3261e" />
          <path d="M10 24V9h12v15" fill="none" stroke="#fff" stroke-width="3" />
          <circle cx="19" cy="17" r="1.8" fill="#fff" />
        </svg>
        <span>{t(KIOSK_TEXT.brand)}</span>
      </div>
      <div class="top-actions">
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="lang-switch"
          lang={lang === 'zh' ? 'en' : 'zh-CN'}
          onClick={() => store.setLang(lang === 'zh' ? 'en' : 'zh')}
        >
          {t(KIOSK_TEXT.langSwitch)}
        </button>
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="elderly-switch"
          aria-pressed={elderly}
          onClick={() => store.setElderly(!elderly)}
        >
          {elderly ? t(KIOSK_TEXT.elderlyOff) : t(KIOSK_TEXT.elderlyOn)}
        </button>
      </div>
    </header>
  );
}
