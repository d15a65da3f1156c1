/**
 * The mobile identity code (docs/mobile-codes.md): shown only on a tap, for its 60 seconds, then gone; held to a
 * kiosk's QR scanner it signs the citizen in there, once.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PhoneIdentityCode } from '@onedoor/protocol';
import { QrSvg } from './QrSvg.tsx';
import { me } from './phoneSession.ts';

export function IdentityCodeCard() {
  const [code, setCode] = useState<PhoneIdentityCode | null>(null);
  const [words, setWords] = useState<string | null>(null);
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!code) return undefined;
    const until = Date.now() + code.validForSeconds * 1000;
    const tick = () => {
      const s = Math.max(0, Math.round((until - Date.now()) / 1000));
      setLeft(s);
      if (s === 0) setCode(null);
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [code]);
  const show = async () => {
    const a = await me<PhoneIdentityCode>('/api/m/me/identity-code', {});
    setWords(a.ok ? null : a.refusal.zh);
    setCode(a.ok ? a.body : null);
  };
  return (
    <section class="m-card" data-testid="me-identity">
      <h2 class="m-h2">身份码</h2>
      <p>在自助终端的扫码口出示，即可登录，无需身份证。</p>
      {code ? (
        <>
          <QrSvg rows={code.qr.rows} size={code.qr.size} label="身份码" testid="me-identity-qr" />
          <p class="m-small" data-testid="me-identity-left">{left} 秒内有效，只能使用一次</p>
        </>
      ) : <button type="button" class="m-btn" data-testid="me-identity-show" onClick={() => void show()}>出示身份码</button>}
      {words && <p class="m-refused" role="alert">{words}</p>}
    </section>
  );
}
