/**
 * The kiosk -> phone hand-offs (README "The phone channel"), as URLs a phone opens and their QR as modules for the
 * screen; the secret sits in the fragment, so it is never in a request line or a proxy's log:
 * - a ticket: `<site.publicUrl>/m#c=<capability>` (the printed ticket's QR holds the same URL);
 * - the signed-in citizen (在手机上继续): `<site.publicUrl>/m#h=<hand-off token>` (hall/phoneSessions.ts: once, 2 minutes).
 */
import QRCode from 'qrcode';
import type { PhoneHandoff, PhoneSessionHandoff, QrMatrix } from '@onedoor/protocol';
import type { TicketCapabilities } from '../hall/ticketCapability.ts';

/** The phone page's URL with `key=secret` in the fragment. */
function phoneUrl(publicUrl: string, key: 'c' | 'h', secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/m#${key}=${secret}`;
}

export function phoneTicketUrl(publicUrl: string, capability: string): string {
  return phoneUrl(publicUrl, 'c', capability);
}

/** Error correction M, as the printed ticket's QR (escpos.md "The standard queue ticket"). */
export function qrMatrixOf(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const rows: string[] = [];
  for (let y = 0; y < modules.size; y++) {
    let row = '';
    for (let x = 0; x < modules.size; x++) row += modules.get(y, x) ? '1' : '0';
    rows.push(row);
  }
  return { size: modules.size, rows };
}

export function phoneHandoffOf(publicUrl: string, capabilities: TicketCapabilities, ticket: { id: number; day: string }): PhoneHandoff {
  return phoneTicketHandoffOf(publicUrl, capabilities.issue(ticket));
}

/** The same from a capability the hall made (a kiosk linked to a hall asks the hall for it). */
export function phoneTicketHandoffOf(publicUrl: string, capability: string): PhoneHandoff {
  const url = phoneTicketUrl(publicUrl, capability);
  return { url, qr: qrMatrixOf(url) };
}

/** The signed-in citizen's hand-off: the URL with the one-time token and its QR. */
export function phoneSessionHandoffOf(publicUrl: string, handoff: { token: string; expiresAt: number }): PhoneSessionHandoff {
  const url = phoneUrl(publicUrl, 'h', handoff.token);
  return { url, qr: qrMatrixOf(url), expiresAt: handoff.expiresAt };
}
