import { isReadError, type CardErrorMessage } from '../cardErrors.ts';
import { useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';

/** A card that could not be read or was refused: why, and what to do next (hall-rules.md). */
export function CardErrorScreen({ code, message }: { code: string; message: CardErrorMessage }) {
  const { store } = useKiosk();
  const t = useText();
  return (
    <main class="screen screen-card-error" data-screen="cardError" data-code={code}>
      <p class="status-line body-text">
        <span aria-hidden="true">⚠ </span>
        {t(isReadError(code) ? KIOSK_TEXT.cardErrorTitle : KIOSK_TEXT.cardRefusedTitle)}
      </p>
      <h1 class="main-text" data-testid="card-error-reason">{t(message.reason)}</h1>
      <p class="action-text" data-testid="card-error-action">{t(message.action)}</p>
      <button type="button" class="btn btn-primary btn-big" onClick={() => store.dispatch({ type: 'home' })}>
        {t({ zh: '好的', en: 'OK' })}
      </button>
    </main>
  );
}
