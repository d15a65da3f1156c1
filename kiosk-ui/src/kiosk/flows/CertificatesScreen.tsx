/**
 * 电子证照: the holder's certificates, a preview, and a printed copy with the statutory sentence and the signed
 * verification QR (hall-rules.md "Electronic certificates"). When the printer cannot print, the copy's details stay
 * on screen and the job prints after the refill.
 */
import { useState } from 'preact/hooks';
import { KIOSK_COPY_PURPOSES, type KioskCertificate, type KioskCertificateFacts, type KioskCertificatePrintResult, type KioskCompletion,
  type KioskCopyFormat, type KioskCopyPurpose, type PrintJobUpdate } from '@onedoor/protocol';
import { useKiosk, useText } from '../KioskContext.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { displayIdNumber } from '../privacy.ts';
import { FEATURE_TEXT } from '../texts.ts';
import { Failure, QueryView } from './CallState.tsx';
import { FLOW_TEXT } from './flowTexts.ts';
import { useSteps } from './innerBack.ts';
import { pageProgressOf, pageProgressText } from './pageProgress.ts';
import { PrintStatus } from './PrintStatus.tsx';
import { useHallAction, useHallQuery } from './useHall.ts';

function Facts({ c }: { c: KioskCertificateFacts }) {
  const t = useText();
  const rows: Array<[string, preact.ComponentChildren]> = [
    [t(FLOW_TEXT.holder), c.holderName],
    [t(FLOW_TEXT.idNumber), displayIdNumber(c.maskedNumber)],
    [t(FLOW_TEXT.issuer), <CatalogueName zh={c.issuerName} />],
    [t(FLOW_TEXT.issuedOn), c.issuedOn],
    [t(FLOW_TEXT.validUntil), c.expiresOn ?? t(FLOW_TEXT.longTerm)],
  ];
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k} class="fact"><dt class="body-text">{k}</dt><dd class="body-text">{v}</dd></div>
      ))}
      <div class="fact"><dt class="body-text">{t(FLOW_TEXT.identifier)}</dt><dd class="body-text identifier">{c.identifier}</dd></div>
    </dl>
  );
}

function Preview({ c }: { c: KioskCertificate }) {
  const t = useText();
  const action = useHallAction();
  const [printed, setPrinted] = useState<KioskCompletion<KioskCertificatePrintResult> | null>(null);
  // A4 first where a document printer is configured (a clerk or a bank takes a page, not a till slip).
  const { devices, hall } = useKiosk();
  const a4 = devices.a4Configured === true;
  const [format, setFormat] = useState<KioskCopyFormat>(a4 ? 'a4' : 'slip');
  const [purpose, setPurpose] = useState<KioskCopyPurpose>('government');
  const done = printed?.code === 'success' ? printed.result : undefined;
  return (
    <section class="certificate" data-testid="certificate-preview" data-identifier={c.identifier}>
      <h2 class="action-text"><CatalogueName zh={c.typeName} /></h2>
      <p class="body-text status-line">{c.state === 'valid' ? '✓' : '⚠'} {t(FLOW_TEXT.certState[c.state])}</p>
      <Facts c={c} />
      {done ? (
        <div data-testid="copy" data-payload={done.copy.payload}>
          <p class="action-text status-line">✓ {t(FLOW_TEXT.copyDone)}</p>
          {/* The statutory sentence already ends with the copy's validity: it is not repeated beside it. */}
          <p class="body-text statement" data-testid="statement">{done.copy.statement}</p>
          <PrintStatus outcome={done.print} />
          <p class="body-text hint">{t(FLOW_TEXT.verifyHint)}</p>
        </div>
      ) : (
        <>
          {printed && <Failure completion={printed} />}
          {c.printable && a4 && (
            <fieldset class="copy-options" data-testid="copy-options">
              <legend class="body-text">{t(FLOW_TEXT.copyFormat)}</legend>
              {(['a4', 'slip'] as const).map((f) => (
                <button type="button" key={f} class={`btn ${format === f ? 'btn-primary' : 'btn-secondary'} choice`} aria-pressed={format === f}
                  data-testid={`copy-format-${f}`} onClick={() => setFormat(f)}>
                  {t(f === 'a4' ? FLOW_TEXT.formatA4 : FLOW_TEXT.formatSlip)}
                </button>
              ))}
              {format === 'a4' && (
                <label class="body-text">{t(FLOW_TEXT.copyPurpose)}{' '}
                  <select data-testid="copy-purpose" value={purpose} onChange={(e) => setPurpose((e.target as HTMLSelectElement).value as KioskCopyPurpose)}>
                    {(Object.keys(KIOSK_COPY_PURPOSES) as KioskCopyPurpose[]).map((p) => (
                      <option key={p} value={p}>仅供{KIOSK_COPY_PURPOSES[p]}使用</option>
                    ))}
                  </select>
                </label>
              )}
            </fieldset>
          )}
          {c.printable && (
            <button type="button" class="btn btn-primary btn-big" disabled={action.busy} data-testid="print-copy"
              onClick={async () => setPrinted(await action.run('certificates.print', a4
                ? { id: c.identifier, format, ...(format === 'a4' ? { purpose } : {}) } : { id: c.identifier }))}>
              {action.busy ? t(FLOW_TEXT.printing) : t(FLOW_TEXT.printCopy)}
            </button>
          )}
          {action.busy && format === 'a4' && <PagesUnderWay jobs={hall.jobs.value.values()} />}
        </>
      )}
    </section>
  );
}

/** "正在打印 第 1/2 页" while the A4 copy prints (hidden until the printer reports its pages). */
function PagesUnderWay({ jobs }: { jobs: Iterable<PrintJobUpdate> }) {
  const t = useText();
  const progress = pageProgressOf(jobs);
  if (!progress) return null;
  return (
    <p class="body-text status-line" role="status" data-testid="print-pages" data-page={progress.page} data-total={progress.total ?? ''}>
      {t(pageProgressText(progress))}
    </p>
  );
}

type Step = { name: 'list' } | { name: 'preview'; certificate: KioskCertificate };

export function CertificatesScreen() {
  const t = useText();
  const steps = useSteps<Step>({ name: 'list' });
  const [view, reload] = useHallQuery('certificates.list', {});
  const step = steps.step;
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="certificates" data-step={step.name}>
      <h1 class="main-text">{t(FEATURE_TEXT.certificates.title)}</h1>
      {step.name === 'list' ? (
        <>
          <h2 class="action-text">{t(FLOW_TEXT.myCertificates)}</h2>
          <QueryView view={view} onRetry={reload}>
            {(list) => list.length === 0 ? <p class="body-text">{t(FLOW_TEXT.noCertificates)}</p> : (
              <div class="choice-list">
                {list.map((c) => (
                  <button type="button" key={c.identifier} class="btn btn-secondary choice" data-testid="certificate"
                    onClick={() => steps.push({ name: 'preview', certificate: c })}>
                    <CatalogueName zh={c.typeName} /> · <CatalogueName zh={c.issuerName} /> · {t(FLOW_TEXT.certState[c.state])}
                  </button>
                ))}
              </div>
            )}
          </QueryView>
        </>
      ) : (
        <Preview c={step.certificate} />
      )}
    </main>
  );
}
