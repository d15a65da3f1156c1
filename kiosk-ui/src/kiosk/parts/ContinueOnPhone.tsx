/**
 * "在手机上继续" (README "The phone channel"; hall-rules.md "One authentication"): on any screen of a session, the
 * citizen asks for a QR that opens the phone page already signed in as them. The bridge makes a one-time hand-off
 * (2 minutes, dies with this session); the URL is not shown, only the QR and what it does.
 */
import { useState } from 'preact/hooks';
import type { PhoneSessionHandoff } from '@onedoor/protocol';
import { useText } from '../KioskContext.ts';
import { useHallAction } from '../flows/useHall.ts';
import { qrPath } from '../../qr/qrPath.ts';

export const CONTINUE_TEXT = {
  button: { zh: '在手机上继续', en: 'Continue on my phone' },
  scan: { zh: '请用手机扫描二维码，在手机上继续办理：查看号票、预约、办件进度和证照', en: 'Scan with your phone to carry on there: tickets, appointments, progress and certificates' },
  once: { zh: '二维码2分钟内有效，只能使用一次', en: 'The code works once, within 2 minutes' },
  close: { zh: '关闭', en: 'Close' },
  failed: { zh: '暂时无法生成二维码', en: 'The code cannot be made now' },
} as const;

export function ContinueOnPhone() {
  const t = useText();
  const { busy, run } = useHallAction();
  const [shown, setShown] = useState<PhoneSessionHandoff | { zh: string; en: string } | null>(null);
  const open = async () => {
    const c = await run('phone.handoff', {});
    setShown(c.code === 'success' ? (c.result as PhoneSessionHandoff) : (c.refusal ?? CONTINUE_TEXT.failed));
  };
  const size = shown && 'qr' in shown ? shown.qr.size + 8 : 0;
  return (
    <>
      <button type="button" class="btn btn-nav" data-testid="nav-phone" disabled={busy} onClick={() => void open()}>
        {t(CONTINUE_TEXT.button)}
      </button>
      {shown && (
        <div class="phone-continue" role="dialog" aria-modal="true" aria-label={t(CONTINUE_TEXT.button)} data-testid="phone-continue">
          <div class="phone-continue-box">
            {'qr' in shown ? (
              <>
                <svg class="phone-qr phone-continue-qr" data-testid="phone-continue-qr" viewBox={`0 0 ${size} ${size}`} role="img"
                  aria-label={t(CONTINUE_TEXT.button)} shape-rendering="crispEdges">
                  <rect width={size} height={size} fill="#fff" />
                  <path d={qrPath(shown.qr.rows)} fill="#000" />
                </svg>
                <p class="body-text">{t(CONTINUE_TEXT.scan)}</p>
                <p class="body-text">{t(CONTINUE_TEXT.once)}</p>
              </>
            ) : <p class="body-text" data-testid="phone-continue-refused">{t(shown)}</p>}
            <button type="button" class="btn btn-primary" data-testid="phone-continue-close" onClick={() => setShown(null)}>{t(CONTINUE_TEXT.close)}</button>
          </div>
        </div>
      )}
    </>
  );
}
