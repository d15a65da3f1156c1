import { useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';
import { innerBack } from '../flows/innerBack.ts';
import { ContinueOnPhone } from './ContinueOnPhone.tsx';

/** Back and Home on every screen after the attract screen, and Log out while a session is open (no dead ends). */
export function NavBar() {
  const { store } = useKiosk();
  const t = useText();
  const inSession = store.flow.value.holder !== null;
  return (
    <nav class="nav-bar" aria-label={t({ zh: '导航', en: 'Navigation' })}>
      <button type="button" class="btn btn-nav" data-testid="nav-back" onClick={() => innerBack() || store.dispatch({ type: 'back' })}>
        <span aria-hidden="true">‹ </span>
        {t(KIOSK_TEXT.back)}
      </button>
      <button type="button" class="btn btn-nav" data-testid="nav-home" onClick={() => store.dispatch({ type: 'home' })}>
        <span aria-hidden="true">⌂ </span>
        {t(KIOSK_TEXT.home)}
      </button>
      {inSession && <ContinueOnPhone />}
      {inSession && (
        <button
          type="button"
          class="btn btn-nav btn-logout"
          data-testid="nav-logout"
          onClick={() => store.dispatch({ type: 'logout' })}
        >
          {t(KIOSK_TEXT.logout)}
          <span aria-hidden="true"> ⏏</span>
        </button>
      )}
    </nav>
  );
}
