import type { SessionHolder } from '../privacy.ts';
import { displayIdNumber } from '../privacy.ts';
import { useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';

/** Name and MASKED number (hall-rules.md, Privacy); the number passes the masking guard once more at render. */
export function HolderLine({ holder }: { holder: SessionHolder }) {
  const t = useText();
  return (
    <p class="holder-line body-text">
      <span class="holder-label">{t(KIOSK_TEXT.idNumber)}</span>{' '}
      <span class="holder-id" data-testid="holder-id">
        {displayIdNumber(holder.idNumberMasked)}
      </span>
    </p>
  );
}

export function GreetingScreen({ holder }: { holder: SessionHolder }) {
  const { store } = useKiosk();
  const t = useText();
  return (
    <main class="screen screen-greeting" data-screen="greeting">
      <div class="greeting-panel">
        <p class="confirmed body-text">
          <span aria-hidden="true">✓ </span>
          {t(KIOSK_TEXT.identityConfirmed)}
        </p>
        <h1 class="main-text" data-testid="greeting">
          {t(KIOSK_TEXT.greeting)}
          {holder.name !== '' && (
            <span data-testid="holder-name">
              {store.lang.value === 'zh' ? '，' : ', '}
              {holder.name}
            </span>
          )}
        </h1>
        <HolderLine holder={holder} />
        <p class="body-text">{t(KIOSK_TEXT.chooseService)}</p>
        <button
          type="button"
          class="btn btn-primary btn-big"
          data-testid="greeting-start"
          onClick={() => store.dispatch({ type: 'continue' })}
        >
          {t(KIOSK_TEXT.start)}
        </button>
      </div>
    </main>
  );
}
