import { pick } from '../../i18n/lang.ts';
import { useKiosk } from '../KioskContext.ts';
import { CardIllustration } from '../parts/CardIllustration.tsx';
import { KIOSK_TEXT } from '../texts.ts';
import { attractPrompt, readerStopped } from '../prompts.ts';
import { hallName } from '../../net/site.ts';

/**
 * Waiting for a card. The prompt is shown in the chosen language with the other one beneath it; when the reader
 * cannot read, the prompt itself says so (placing a card would be pointless), with what to do.
 */
export function AttractScreen() {
  const { store, devices } = useKiosk();
  const lang = store.lang.value;
  const other = lang === 'zh' ? 'en' : 'zh';
  const prompt = attractPrompt(devices);
  const hall = hallName().value;
  return (
    <main class="screen screen-attract" data-screen="attract">
      <div class="attract-picture">
        <CardIllustration label={pick(readerStopped(devices) ? KIOSK_TEXT.readerPaused : KIOSK_TEXT.readerArea, lang)} stopped={readerStopped(devices)} />
      </div>
      <div class="attract-text">
        {store.remindCard.value && (
          <p class="take-card action-text status-line" role="alert" data-testid="take-card">
            <span aria-hidden="true">⚠ </span>
            {pick(KIOSK_TEXT.takeCard, lang)}
          </p>
        )}
        {hall && <p class="body-text hall-name" data-testid="hall-name">{hall}</p>}
        <h1 class="main-text" data-testid="attract-prompt">{pick(prompt, lang)}</h1>
        <p class="second-language" lang={other === 'zh' ? 'zh-CN' : 'en'}>
          {pick(prompt, other)}
        </p>
        {!readerStopped(devices) && <p class="body-text hint">{pick(KIOSK_TEXT.placeCardHint, lang)}</p>}
      </div>
    </main>
  );
}
