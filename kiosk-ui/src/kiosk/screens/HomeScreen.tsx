import { FEATURE_IDS } from '../flow.ts';
import type { SessionHolder } from '../privacy.ts';
import { useKiosk, useText } from '../KioskContext.ts';
import { FeatureIcon } from '../parts/FeatureIcon.tsx';
import { AVAILABLE_FEATURES, FEATURE_TEXT, KIOSK_TEXT } from '../texts.ts';
import { HolderLine } from './GreetingScreen.tsx';
import { FindWays } from '../find/FindWays.tsx';
import { useIntakeNotice } from '../../net/intakeState.ts';
import { IntakeNoticeBanner } from '../parts/IntakeNoticeBanner.tsx';

/**
 * The home menu. A function not built yet, or paused because the hall link is down, still opens: its screen says
 * why and what to do instead (no dead ends). Its state is written on the tile, not only coloured.
 */
export function HomeScreen({ holder }: { holder: SessionHolder }) {
  const { store, devices } = useKiosk();
  const t = useText();
  const intake = useIntakeNotice();
  return (
    <main class="screen screen-home" data-screen="home">
      {intake && <IntakeNoticeBanner notice={intake} />}
      <div class="home-head">
        <p class="home-hello body-text">
          {t(KIOSK_TEXT.greeting)}
          {holder.name !== '' && `${store.lang.value === 'zh' ? '，' : ', '}${holder.name}`}
        </p>
        <HolderLine holder={holder} />
      </div>
      <h1 class="main-text">{t(KIOSK_TEXT.chooseService)}</h1>
      {devices.hallServicesAvailable && <FindWays />}
      <div class="tiles">
        {FEATURE_IDS.map((feature) => {
          const state = !devices.hallServicesAvailable ? 'paused' : AVAILABLE_FEATURES.has(feature) ? 'open' : 'notOpen';
          return (
            <button
              type="button"
              key={feature}
              class={`tile tile-${state}`}
              data-testid={`tile-${feature}`}
              data-state={state}
              onClick={() => store.dispatch({ type: 'open', feature })}
            >
              <FeatureIcon feature={feature} />
              <span class="tile-title">{t(FEATURE_TEXT[feature].title)}</span>
              <span class="tile-description">{t(FEATURE_TEXT[feature].description)}</span>
              {state !== 'open' && (
                <span class="tile-badge">
                  {state === 'paused' ? t(KIOSK_TEXT.servicePaused) : t(KIOSK_TEXT.notOpenYet)}
                </span>
              )}
            </button>
          );
        })}
      </div>
    </main>
  );
}
