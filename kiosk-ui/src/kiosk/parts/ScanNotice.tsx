/**
 * What a scanned code did, when it did not sign anyone in (docs/mobile-codes.md): the bridge's words (an expired or
 * forged identity code, a code the kiosk does not read) or a check-in by appointment code with its ticket number,
 * shown for a while over any screen. A code that signed in needs no notice: the greeting follows as for a card; a
 * certificate copy's code has its own full-screen result (CertificateScanResult.tsx).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ScanResultEvent } from '@onedoor/protocol';
import { pick } from '../../i18n/lang.ts';
import { useKiosk } from '../KioskContext.ts';
import type { KioskSocket } from '../../net/kioskSocket.ts';

export const SCAN_NOTICE_MS = 10_000;

export function ScanNotice({ socket }: { socket: KioskSocket }) {
  const { store } = useKiosk();
  const [notice, setNotice] = useState<ScanResultEvent | null>(null);
  useEffect(() => {
    const onResult = (e: ScanResultEvent) => {
      if (e && typeof e.zh === 'string' && typeof e.en === 'string' && e.kind !== 'certificate') setNotice(e.outcome === 'signedIn' ? null : e);
    };
    socket.on('scanResult', onResult);
    return () => void socket.off('scanResult', onResult);
  }, [socket]);
  useEffect(() => {
    if (!notice) return undefined;
    const id = setTimeout(() => setNotice(null), SCAN_NOTICE_MS);
    return () => clearTimeout(id);
  }, [notice]);
  if (!notice) return null;
  return (
    <p class={`scan-notice body-text${notice.outcome === 'checkedIn' ? ' scan-ok' : ''}`} role="alert" data-testid="scan-notice"
      data-outcome={notice.outcome}>
      {notice.outcome === 'checkedIn' ? '✓' : '⚠'} {pick({ zh: notice.zh, en: notice.en }, store.lang.value)}
    </p>
  );
}
