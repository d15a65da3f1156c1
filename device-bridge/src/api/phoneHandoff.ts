/**
 * The kiosk -> phone hand-off of a ticket (README "The phone channel"): the URL a phone opens
 * (`<site.publicUrl>/m#c=<capability>`; in the fragment, so the capability is never in a request line or a proxy's
 * log) and its QR as modules for the screen. The printed ticket's QR holds the same URL.
 */
import QRCode from 'qrcode';
import type { PhoneHandoff, QrMatrix } from '@onedoor/protocol';
import type { TicketCapabilities } from '../hall/ticketCapability.ts';

export function phoneTicketUrl(publicUrl: string, capability: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/m#c=${capability}`;
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
  const url = phoneTicketUrl(publicUrl, capabilities.issue(ticket));
  return { url, qr: qrMatrixOf(url) };
}
