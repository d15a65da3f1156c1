import type { FeatureId } from '../flow.ts';
import { useKiosk, useText } from '../KioskContext.ts';
import { FeatureIcon } from '../parts/FeatureIcon.tsx';
import { FEATURE_TEXT, KIOSK_TEXT } from '../texts.ts';

/**
 * A function's screen. None is built yet (they are added one by one), so this explains and offers
 * the way back.
 */
export function FeatureScreen({ feature }: { feature: FeatureId }) {
  const { store, devices } = useKiosk();
  const t = useText();
  const paused = !devices.hallServicesAvailable;
  return (
    <main class="screen screen-feature" data-screen="feature" data-feature={feature}>
      <FeatureIcon feature={feature} />
      <h1 class="main-text">{t(FEATURE_TEXT[feature].title)}</h1>
      <p class="status-line body-text" data-testid="feature-state">
        <span aria-hidden="true">{paused ? '⚠ ' : 'ⓘ '}</span>
        {paused ? t(KIOSK_TEXT.servicePaused) : t(KIOSK_TEXT.notOpenYet)}
      </p>
      <p class="body-text">{paused ? t(KIOSK_TEXT.featurePaused) : t(KIOSK_TEXT.featureNotOpen)}</p>
      <button type="button" class="btn btn-primary btn-big" onClick={() => store.dispatch({ type: 'home' })}>
        {t({ zh: '选择其他业务', en: 'Choose another service' })}
      </button>
    </main>
  );
}
