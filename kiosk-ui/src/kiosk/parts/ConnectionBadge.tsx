import { useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';

/** Discreet link state in the footer: a shape and a word, not just a coloured dot. */
export function ConnectionBadge() {
  const { connection } = useKiosk();
  const t = useText();
  const label =
    connection === 'connected'
      ? KIOSK_TEXT.linkConnected
      : connection === 'connecting'
        ? KIOSK_TEXT.linkConnecting
        : KIOSK_TEXT.linkDisconnected;
  return (
    <p class={`connection connection-${connection}`} data-testid="connection" data-state={connection}>
      <span class="connection-mark" aria-hidden="true">
        {connection === 'connected' ? '●' : connection === 'connecting' ? '○' : '✕'}
      </span>
      {t(label)}
    </p>
  );
}
