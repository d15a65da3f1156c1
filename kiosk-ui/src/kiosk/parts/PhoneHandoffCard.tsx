/**
 * The kiosk -> phone hand-off (README "The phone channel"): the QR the bridge made for this ticket's phone page,
 * drawn from its modules (no QR encoder ships to the kiosk), with the sentence that says what it is for. The URL
 * itself is not shown: it is the ticket's capability.
 */
import type { PhoneHandoff } from '@onedoor/protocol';
import { useText } from '../KioskContext.ts';
import { FLOW_TEXT } from '../flows/flowTexts.ts';
import { qrPath } from '../../qr/qrPath.ts';

export { qrPath };

export function PhoneHandoffCard({ phone }: { phone: PhoneHandoff }) {
  const t = useText();
  const size = phone.qr.size + 8;
  return (
    <section class="phone-handoff" data-testid="phone-handoff">
      <svg class="phone-qr" data-testid="phone-qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={t(FLOW_TEXT.onPhone)}
        shape-rendering="crispEdges">
        <rect width={size} height={size} fill="#fff" />
        <path d={qrPath(phone.qr.rows)} fill="#000" />
      </svg>
      <p class="body-text">📱 {t(FLOW_TEXT.onPhone)}</p>
    </section>
  );
}
