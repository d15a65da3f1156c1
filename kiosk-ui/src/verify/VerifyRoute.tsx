/**
 * `/verify` (hall-rules.md "Electronic certificates": anyone can check a printed copy): the QR on a copy opens
 * `/verify?p=<payload>`; the page asks the bridge and answers valid / expired / forged / revoked in words and with a
 * symbol (colour is never the only cue). A payload can also be pasted. With a genuine code the page also shows what
 * the paper must say (type, issuer, holder, validity), so a valid QR copied onto another document is caught; the
 * holder only masked (first character of the name, first 4 + last 4 of the number). Text that is no certificate
 * code at all is said to be that, not a forgery.
 */
import { useEffect, useState } from 'preact/hooks';
import { verifyPayload, type VerifyOutcome } from './verifyClient.ts';
import './verify.css';

const MARK = { valid: '✓', expired: '⚠', forged: '✕', revoked: '✕', notACode: 'ⓘ' } as const;

export default function VerifyRoute() {
  const [payload, setPayload] = useState(() => new URLSearchParams(location.search).get('p') ?? '');
  const [outcome, setOutcome] = useState<VerifyOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const check = async (p: string) => {
    setBusy(true);
    setOutcome(await verifyPayload(p));
    setBusy(false);
  };
  useEffect(() => {
    if (payload.trim() !== '') void check(payload);
  }, []);
  const a = outcome?.kind === 'answer' ? outcome.answer : null;
  return (
    <main class="verify" data-testid="verify" lang="zh-CN">
      <h1>证照复印件核验 <span lang="en">Certificate copy verification</span></h1>
      <form onSubmit={(e) => {
        e.preventDefault();
        void check(payload);
      }}>
        <label for="verify-payload">二维码内容 / <span lang="en">QR code content</span></label>
        <textarea id="verify-payload" rows={4} value={payload} data-testid="verify-input"
          onInput={(e) => setPayload((e.target as HTMLTextAreaElement).value)} />
        <button type="submit" disabled={busy || payload.trim() === ''} data-testid="verify-submit">核验 / <span lang="en">Verify</span></button>
      </form>
      {busy && <p aria-busy="true">正在核验… <span lang="en">Checking…</span></p>}
      {a && (
        <section class={`verdict verdict-${a.status}`} role="status" data-testid="verdict" data-status={a.status}>
          <p class="verdict-title"><span aria-hidden="true">{MARK[a.status]} </span>{a.zh}</p>
          <p lang="en">{a.en}</p>
          {a.certificate && (
            <>
              <p class="verify-compare" data-testid="verify-compare">请核对复印件上的内容与下列信息一致 / <span lang="en">Check that the copy shows exactly this:</span></p>
              <dl class="verify-facts" data-testid="verify-details">
                <div><dt>证照类型 / <span lang="en">Type</span></dt><dd data-testid="verify-type">{a.certificate.typeName}</dd></div>
                <div><dt>发证机关 / <span lang="en">Issued by</span></dt><dd>{a.certificate.issuerName}</dd></div>
                <div><dt>持证人 / <span lang="en">Holder</span></dt><dd data-testid="verify-holder">{a.certificate.holderNameMasked} · {a.certificate.holderNumberMasked}</dd></div>
                <div><dt>发证日期 / <span lang="en">Issued on</span></dt><dd>{a.certificate.issuedOn}</dd></div>
                <div><dt>证照有效期至 / <span lang="en">Valid until</span></dt><dd>{a.certificate.expiresOn ?? '长期 / No expiry'}</dd></div>
              </dl>
            </>
          )}
          {a.identifier && <p>证照标识 / <span lang="en">Identifier</span>：<code>{a.identifier}</code></p>}
          {a.copyExpires && <p>复印件有效期至 / <span lang="en">Copy valid until</span>：{a.copyExpires}</p>}
          {a.printedAt !== undefined && <p>打印时间 / <span lang="en">Printed</span>：{new Date(a.printedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}</p>}
        </section>
      )}
      {outcome?.kind === 'error' && (
        <section class="verdict verdict-error" role="status" data-testid="verdict" data-status="error">
          <p class="verdict-title"><span aria-hidden="true">⚠ </span>{outcome.zh}</p>
          <p lang="en">{outcome.en}</p>
        </section>
      )}
      <p><a href="/">自助终端 <span lang="en">Citizen kiosk</span></a></p>
    </main>
  );
}
