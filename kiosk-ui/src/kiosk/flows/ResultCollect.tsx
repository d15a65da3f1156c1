/**
 * 领取结果 on the progress screen (README "Collecting results (领取结果)"): for a finished (办结) application, the ways its
 * item offers: at a counter (a pickup number, printed like every ticket), by post (the address offered from an
 * earlier form with one tap, editable; a slip printed) or electronic (a certificate added to the citizen's list).
 * Once chosen, the state in words. A repeated tap answers the same choice (the bridge keeps one per application).
 */
import { useRef, useState } from 'preact/hooks';
import type { KioskCompletion, KioskResultCollectResult, KioskResultOffer, ResultCollectionMode } from '@onedoor/protocol';
import { useKiosk, useText } from '../KioskContext.ts';
import { Failure } from './CallState.tsx';
import { FLOW_TEXT } from './flowTexts.ts';
import { PrintStatus } from './PrintStatus.tsx';
import { RESULT_TEXT } from './resultTexts.ts';
import { TicketCard } from './TicketScreen.tsx';

function newRequestId(): string {
  return `result-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function ResultCollect({ offer }: { offer: KioskResultOffer }) {
  const t = useText();
  const { hall } = useKiosk();
  const [open, setOpen] = useState(false);
  const [post, setPost] = useState(false);
  const [address, setAddress] = useState(offer.earlierAddress ?? '');
  const [phone, setPhone] = useState(offer.earlierPhone ?? '');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<KioskCompletion<KioskResultCollectResult> | null>(null);
  // One request id per choice: a resend of the same tap is answered, not applied twice.
  const requestId = useRef(newRequestId());

  const choose = async (mode: ResultCollectionMode) => {
    if (mode === 'post' && !post) {
      setPost(true);
      return;
    }
    setBusy(true);
    try {
      const c = await hall.call('results.collect', { serial: offer.serial, mode, ...(mode === 'post' ? { address, phone } : {}) }, undefined, requestId.current);
      // The answer stays on screen (the pickup number, the slip, the certificate); a refusal lets the citizen try again.
      setDone(c);
      if (c.code !== 'success') requestId.current = newRequestId();
    } finally {
      setBusy(false);
    }
  };

  if (done?.code === 'success' && done.result) {
    const r = done.result;
    return (
      <section class="result-collect" data-testid="result-collected" data-mode={r.offer.mode} data-state={r.offer.state}>
        <p class="action-text status-line">✓ {r.offer.state && t(RESULT_TEXT.state[r.offer.state])}</p>
        {r.ticket && <TicketCard ticket={r.ticket} />}
        {r.certificate && (
          <p class="body-text" data-testid="result-certificate">{t(RESULT_TEXT.certificate)}{t(FLOW_TEXT.colon)}<strong>{r.certificate.typeName}</strong>
            {' · '}{r.certificate.issuerName} · {t(RESULT_TEXT.seeCertificates)}</p>
        )}
        {r.print && <PrintStatus outcome={r.print} />}
      </section>
    );
  }
  if (offer.state !== null) {
    return (
      <>
        <p class="body-text status-line" data-testid="result-state" data-state={offer.state}>
          {t(RESULT_TEXT.state[offer.state])}
          {offer.ticketNumber && offer.state === 'ticketIssued' && ` · ${t(RESULT_TEXT.pickupNumber)} ${offer.ticketNumber}`}
          {offer.state === 'collected' && offer.window !== null && ` · ${offer.collectedAtText ?? ''} ${offer.window}${t(RESULT_TEXT.atWindow)}`}
          {offer.certificateTypeName && ` · ${offer.certificateTypeName}`}
        </p>
        {/* The slip lost, or the number passed (or of another day): the same number printed again, or a new one. */}
        {offer.state === 'ticketIssued' && (
          <button type="button" class="btn btn-secondary" disabled={busy} data-testid="collect-counter" onClick={() => void choose('counter')}>
            {t(offer.ticketNumber ? RESULT_TEXT.printAgain : RESULT_TEXT.newNumber)}
          </button>
        )}
        {done && <Failure completion={done} />}
      </>
    );
  }
  if (!open) {
    return (
      <button type="button" class="btn btn-primary btn-big" data-testid="collect-result" onClick={() => setOpen(true)}>
        {t(RESULT_TEXT.collect)}
      </button>
    );
  }
  return (
    <section class="result-collect" data-testid="result-choices">
      {done && <Failure completion={done} />}
      {post ? (
        <div class="result-post">
          <label class="body-text">{t(RESULT_TEXT.address)}
            <input type="text" class="field-text" data-testid="post-address" maxLength={100} value={address}
              onInput={(e) => setAddress((e.target as HTMLInputElement).value)} />
          </label>
          {offer.earlierAddress && offer.earlierAddress !== address && (
            <button type="button" class="btn btn-secondary" data-testid="reuse-address" onClick={() => setAddress(offer.earlierAddress!)}>
              {t(RESULT_TEXT.reuse)}：{offer.earlierAddress}
            </button>
          )}
          <label class="body-text">{t(RESULT_TEXT.phone)}
            <input type="tel" inputMode="numeric" class="field-text" data-testid="post-phone" maxLength={11} value={phone}
              onInput={(e) => setPhone((e.target as HTMLInputElement).value.replace(/\D/g, ''))} />
          </label>
          {offer.earlierPhone && offer.earlierPhone !== phone && (
            <button type="button" class="btn btn-secondary" data-testid="reuse-phone" onClick={() => setPhone(offer.earlierPhone!)}>
              {t(RESULT_TEXT.reuse)}：{offer.earlierPhone}
            </button>
          )}
          <div class="choice-list">
            <button type="button" class="btn btn-primary btn-big" disabled={busy} data-testid="confirm-post" onClick={() => void choose('post')}>
              {t(RESULT_TEXT.confirmPost)}
            </button>
            <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => setPost(false)}>{t(RESULT_TEXT.cancel)}</button>
          </div>
        </div>
      ) : (
        <>
          <p class="action-text">{t(RESULT_TEXT.choose)}</p>
          <div class="choice-list">
            {offer.modes.map((m) => (
              <button type="button" key={m} class="btn btn-primary btn-big choice" disabled={busy} data-testid={`collect-${m}`}
                onClick={() => void choose(m)}>{t(RESULT_TEXT.mode[m])}</button>
            ))}
          </div>
        </>
      )}
      {busy && <p class="body-text status-line" aria-busy="true">{t(FLOW_TEXT.working)}</p>}
    </section>
  );
}
