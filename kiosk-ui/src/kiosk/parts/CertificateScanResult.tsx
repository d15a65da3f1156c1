/**
 * A certificate copy's verification QR held to the kiosk's scanner (hall-rules.md "Electronic certificates"; README
 * "The QR scanner"): the verdict the bridge got from `/verify`'s function, full screen and in plain words — 有效 with
 * what the library says of the certificate (type, issuer, holder masked, dates) to compare with the paper, 已过期,
 * 已撤销, or 无法验证. Over any screen, with or without a citizen's session, which it neither starts nor ends; it goes
 * by itself after a while, or with 返回.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ScanOutcome, ScanResultEvent } from '@onedoor/protocol';
import type { Bilingual } from '../../i18n/lang.ts';
import { useKiosk, useText } from '../KioskContext.ts';
import type { KioskSocket } from '../../net/kioskSocket.ts';

/** Long enough to compare the details with the paper; the 返回 button is there for the quick. */
export const CERTIFICATE_RESULT_MS = 30_000;

export const CERTIFICATE_SCAN_TEXT = {
  title: { zh: '证照复印件核验结果', en: 'Certificate copy check' },
  typeName: { zh: '证照类型', en: 'Certificate' },
  issuer: { zh: '发证机构', en: 'Issued by' },
  holder: { zh: '持证人', en: 'Holder' },
  issuedOn: { zh: '发证日期', en: 'Issued on' },
  expiresOn: { zh: '证照有效期至', en: 'Valid until' },
  longTerm: { zh: '长期', en: 'No expiry' },
  copyExpires: { zh: '复印件有效期至', en: 'Copy valid until' },
  back: { zh: '返回', en: 'Back' },
} as const;

/** The verdict in one or two words, large (the bridge's sentence follows). */
const HEADLINE: Partial<Record<ScanOutcome, Bilingual>> = {
  certificateValid: { zh: '有效', en: 'Valid' },
  certificateExpired: { zh: '已过期', en: 'Expired' },
  certificateRevoked: { zh: '已撤销', en: 'Revoked' },
  certificateForged: { zh: '无法验证（可能是伪造）', en: 'Not verified (may be forged)' },
  unavailable: { zh: '暂停服务', en: 'Service paused' },
};

export function CertificateScanResult({ socket }: { socket: KioskSocket }) {
  const t = useText();
  const { store, hall } = useKiosk();
  const [shown, setShown] = useState<ScanResultEvent | null>(null);
  useEffect(() => {
    const onResult = (e: ScanResultEvent) => {
      if (!e || e.kind !== 'certificate' || typeof e.zh !== 'string' || typeof e.en !== 'string') return;
      // Someone is at the kiosk: a session under the result must not time out behind it (as a touch would count).
      store.activity();
      hall.touched();
      setShown(e);
    };
    socket.on('scanResult', onResult);
    return () => void socket.off('scanResult', onResult);
  }, [socket, store, hall]);
  useEffect(() => {
    if (!shown) return undefined;
    const id = setTimeout(() => setShown(null), CERTIFICATE_RESULT_MS);
    return () => clearTimeout(id);
  }, [shown]);
  if (!shown) return null;
  const headline = HEADLINE[shown.outcome] ?? CERTIFICATE_SCAN_TEXT.title;
  const c = shown.certificate?.certificate;
  const ok = shown.outcome === 'certificateValid';
  const rows: Array<[Bilingual, string]> = c ? [
    [CERTIFICATE_SCAN_TEXT.typeName, c.typeName],
    [CERTIFICATE_SCAN_TEXT.issuer, c.issuerName],
    [CERTIFICATE_SCAN_TEXT.holder, `${c.holderNameMasked}  ${c.holderNumberMasked}`],
    [CERTIFICATE_SCAN_TEXT.issuedOn, c.issuedOn],
    [CERTIFICATE_SCAN_TEXT.expiresOn, c.expiresOn ?? t(CERTIFICATE_SCAN_TEXT.longTerm)],
  ] : [];
  if (shown.certificate?.copyExpires) rows.push([CERTIFICATE_SCAN_TEXT.copyExpires, shown.certificate.copyExpires]);
  return (
    <div class="cert-scan" role="dialog" aria-modal="true" aria-label={t(CERTIFICATE_SCAN_TEXT.title)} data-testid="cert-scan"
      data-outcome={shown.outcome}>
      <div class={`cert-scan-box${ok ? ' cert-scan-ok' : ''}`}>
        <p class="cert-scan-title">{t(CERTIFICATE_SCAN_TEXT.title)}</p>
        <h2 class="cert-scan-verdict" data-testid="cert-scan-verdict">{ok ? '✓ ' : '✗ '}{t(headline)}</h2>
        <p class="body-text">{t(shown)}</p>
        {rows.length > 0 && (
          <dl class="cert-scan-details" data-testid="cert-scan-details">
            {rows.map(([label, value]) => (
              <div key={label.zh}><dt>{t(label)}</dt><dd>{value}</dd></div>
            ))}
          </dl>
        )}
        <button type="button" class="btn btn-primary btn-big" data-testid="cert-scan-back" onClick={() => setShown(null)}>
          {t(CERTIFICATE_SCAN_TEXT.back)}
        </button>
      </div>
    </div>
  );
}
