import { useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';

/**
 * The "需要更多时间吗?" countdown (hall-rules.md, inactivity). Shown inline at the top of the screen, not as a pop-up
 * (elderly mode forbids pop-ups), with one big button that extends the session.
 */
export function CountdownBanner() {
  const { store, hall } = useKiosk();
  const t = useText();
  if (store.idle.value.phase !== 'warning') return null;
  const seconds = store.secondsLeft.value;
  const extendable = store.canExtend.value;
  const cardGone = store.cardGoneCountdown.value;
  return (
    <section class="countdown" role="alert" data-testid="countdown" data-reason={cardGone ? 'cardGone' : 'idle'}>
      <p class="countdown-question">{t(cardGone ? KIOSK_TEXT.cardGone : KIOSK_TEXT.moreTime)}</p>
      <p class="countdown-seconds">
        <strong data-testid="countdown-seconds">{seconds}</strong> {t(KIOSK_TEXT.secondsLeft)}
      </p>
      {extendable ? (
        <button type="button" class="btn btn-primary btn-big" data-testid="more-time" onClick={() => {
          store.extend();
          hall.extend();
        }}>
          {t(KIOSK_TEXT.moreTimeButton)}
        </button>
      ) : (
        <p class="countdown-final">{t(KIOSK_TEXT.noMoreTime)}</p>
      )}
    </section>
  );
}
