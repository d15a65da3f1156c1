/**
 * 办理申请 (README "Applying at the kiosk (接件受理)"): item -> form -> materials -> review -> submitted. The draft
 * (values, signed commitments on screen, how to bring) lives in this component only: leaving at any step unmounts it
 * and nothing is submitted; the bridge forgets the signatures with the session.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { KioskCompletion, KioskIntakeDraft, KioskIntakeItem, KioskIntakeSigned, KioskIntakeSubmitResult } from '@onedoor/protocol';
import { useAnnounce, useKiosk, useText } from '../KioskContext.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { FEATURE_TEXT } from '../texts.ts';
import { Failure, QueryView } from '../flows/CallState.tsx';
import { FLOW_TEXT } from '../flows/flowTexts.ts';
import { useSteps } from '../flows/innerBack.ts';
import { PrintStatus } from '../flows/PrintStatus.tsx';
import { useHallQuery } from '../flows/useHall.ts';
import { APPLY_TEXT } from './applyTexts.ts';
import { FormStep, type FieldErrors } from './FormStep.tsx';
import './apply.css';

/** How long the kiosk waits for the card placed again (README: give intake.sign 60 s). */
const SIGN_TIMEOUT_MS = 60_000;

type Step =
  | { name: 'items' }
  | { name: 'form' }
  | { name: 'materials' }
  | { name: 'review' }
  | { name: 'done'; outcome: KioskIntakeSubmitResult };

function ItemButton({ item, onChoose }: { item: KioskIntakeItem; onChoose: () => void }) {
  const t = useText();
  const count = (k: string) => item.materials.filter((m) => m.kind === k).length;
  return (
    <button type="button" class="btn btn-secondary choice apply-item" data-testid="apply-item" data-service={item.serviceId} onClick={onChoose}>
      <span class="action-text"><CatalogueName zh={item.serviceName} /></span>
      <span class="body-text" data-testid="apply-item-needs">
        {count('shared') > 0 && `${count('shared')} ${t(APPLY_TEXT.needShared)}　`}
        {count('commitment') > 0 && `${count('commitment')} ${t(APPLY_TEXT.needCommitment)}　`}
        {count('bring') > 0 && `${count('bring')} ${t(APPLY_TEXT.needBring)}`}
      </span>
      <span class="body-text" data-testid="apply-item-time">
        {t(APPLY_TEXT.about)} {item.estimatedMinutes} {t(APPLY_TEXT.minutesHere)} · {t(APPLY_TEXT.timeLimit)} {item.timeLimitDays} {t(APPLY_TEXT.workingDays)}
      </span>
    </button>
  );
}

function Materials({ draft, signed, onSigned, bringBy, setBringBy }: {
  draft: KioskIntakeDraft; signed: Record<string, KioskIntakeSigned>; onSigned(s: KioskIntakeSigned): void;
  bringBy: 'ticket' | 'slot'; setBringBy(b: 'ticket' | 'slot'): void;
}) {
  const t = useText();
  const announce = useAnnounce();
  const { hall, voice } = useKiosk();
  const [signing, setSigning] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ material: string; completion: KioskCompletion } | null>(null);
  const toBring = draft.item.materials.some((m) => m.kind === 'bring' || (m.kind === 'commitment' && !signed[m.name]));
  // The commitment text is read aloud once the materials are on screen (the issue: "shown large and read aloud").
  useEffect(() => {
    // The signed text is the Chinese one (its version is recorded), so it is read in Chinese in either language.
    for (const m of draft.item.materials) if (m.kind === 'commitment' && m.commitmentText) voice.announce(m.commitmentText, 'zh');
  }, [draft]);
  const sign = async (material: string) => {
    setSigning(material);
    setFailure(null);
    announce(APPLY_TEXT.placeCardToSign);
    const c = await hall.call('intake.sign', { serviceId: draft.item.serviceId, material }, SIGN_TIMEOUT_MS);
    setSigning(null);
    if (c.code === 'success' && c.result) {
      onSigned(c.result);
      announce(APPLY_TEXT.signed);
    } else setFailure({ material, completion: c });
  };
  return (
    <ul class="item-list">
      {draft.item.materials.map((m) => (
        <li key={m.name} class="item apply-material" data-testid="material" data-kind={m.kind} data-name={m.name}
          data-signed={signed[m.name] ? '1' : '0'}>
          <p class="action-text">{m.name}</p>
          {m.kind === 'shared' && <p class="body-text status-line">✓ {t(APPLY_TEXT.fetched)}{m.source ? `（${m.source}）` : ''}</p>}
          {m.kind === 'commitment' && (
            <>
              <p class="body-text">{t(APPLY_TEXT.commitmentTitle)}</p>
              <p class="main-text commitment-text" lang="zh-CN" data-testid="commitment-text">{m.commitmentText}</p>
              {signed[m.name] ? (
                <p class="action-text status-line" data-testid="commitment-signed">✓ {t(APPLY_TEXT.signed)} · {signed[m.name].signedAtText}</p>
              ) : signing === m.name ? (
                <p class="action-text status-line" role="status" data-testid="place-card-to-sign">{t(APPLY_TEXT.placeCardToSign)}</p>
              ) : (
                <>
                  <button type="button" class="btn btn-primary btn-big" data-testid="sign-commitment" disabled={signing !== null}
                    onClick={() => void sign(m.name)}>{t(APPLY_TEXT.signCommitment)}</button>
                  <p class="body-text">{t(APPLY_TEXT.orBring)}</p>
                </>
              )}
              {failure?.material === m.name && <Failure completion={failure.completion} />}
            </>
          )}
          {m.kind === 'bring' && <p class="body-text status-line">⚑ {t(APPLY_TEXT.toBring)}</p>}
        </li>
      ))}
      {toBring && (
        <li class="item" data-testid="bring-how">
          <p class="body-text">{t(APPLY_TEXT.bringHow)}</p>
          <div class="item-actions">
            {(['ticket', 'slot'] as const).map((b) => (
              <button type="button" key={b} class="btn btn-secondary" aria-pressed={bringBy === b} data-testid={`bring-${b}`}
                onClick={() => setBringBy(b)}>{bringBy === b ? '✓ ' : ''}{t(b === 'ticket' ? APPLY_TEXT.byTicket : APPLY_TEXT.bySlot)}</button>
            ))}
          </div>
        </li>
      )}
    </ul>
  );
}

function Review({ draft, values, signed, bringBy }: {
  draft: KioskIntakeDraft; values: Record<string, string>; signed: Record<string, KioskIntakeSigned>; bringBy: 'ticket' | 'slot';
}) {
  const t = useText();
  return (
    <dl class="facts" data-testid="apply-review">
      {draft.fields.map((f) => (
        <div class="fact" key={f.key}><dt>{f.label}</dt><dd>{f.origin === 'card' ? f.value : values[f.key] ?? ''}</dd></div>
      ))}
      {draft.item.materials.map((m) => (
        <div class="fact" key={m.name}>
          <dt>{m.name}</dt>
          <dd>{m.kind === 'shared' ? t(APPLY_TEXT.fetched)
            : signed[m.name] ? `${t(APPLY_TEXT.commitment)} · ${signed[m.name].signedAtText}`
              : `${t(APPLY_TEXT.toBring)} · ${t(bringBy === 'ticket' ? APPLY_TEXT.byTicket : APPLY_TEXT.bySlot)}`}</dd>
        </div>
      ))}
    </dl>
  );
}

function Submitted({ outcome }: { outcome: KioskIntakeSubmitResult }) {
  const t = useText();
  const a = outcome.application;
  return (
    <section class="ticket-card" data-testid="apply-result" data-serial={a.serial}>
      <p class="action-text status-line">✓ {t(APPLY_TEXT.submitted)}</p>
      <p class="body-text">{t(APPLY_TEXT.serial)}</p>
      <p class="main-text identifier" data-testid="apply-serial">{a.serial}</p>
      <p class="body-text">{t(APPLY_TEXT.state)}{t(FLOW_TEXT.colon)}<strong data-testid="apply-state">{a.stateName}</strong></p>
      <ul class="history">
        {a.materials.map((m) => (
          <li key={m.name} class="body-text" data-testid="apply-outcome" data-how={m.how}>
            {m.name}：{m.how === 'shared' ? `${t(APPLY_TEXT.fetched)}${m.source ? `（${m.source}）` : ''}`
              : m.how === 'commitment' ? t(APPLY_TEXT.commitment)
                : `${t(APPLY_TEXT.toBring)}${m.ticket ? ` · ${t(APPLY_TEXT.ticket)} ${m.ticket}` : ''}${m.slot ? ` · ${t(APPLY_TEXT.slot)} ${m.slot}` : ''}`}
          </li>
        ))}
      </ul>
      <p class="body-text">{t(APPLY_TEXT.nextStep)}{t(FLOW_TEXT.colon)}{a.nextStep}</p>
      <PrintStatus outcome={outcome.print} />
    </section>
  );
}

let seq = 0;
/** One id per reviewed application: a double tap or a retry of the same review is one application on the bridge. */
const newRequestId = () => `apply-${Date.now().toString(36)}-${(++seq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

function Draft({ serviceId, steps }: { serviceId: string; steps: ReturnType<typeof useSteps<Step>> }) {
  const t = useText();
  const { hall } = useKiosk();
  const [view, reload] = useHallQuery('intake.start', { serviceId }, serviceId);
  const [values, setValues] = useState<Record<string, string> | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [signed, setSigned] = useState<Record<string, KioskIntakeSigned>>({});
  const [bringBy, setBringBy] = useState<'ticket' | 'slot'>('ticket');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<KioskCompletion | null>(null);
  const requestId = useRef<string | null>(null);
  const step = steps.step;
  // Anything changed after the review got its id is a new application (a new id); the same review resent is not.
  useEffect(() => {
    if (step.name !== 'review') requestId.current = null;
  }, [step.name]);
  return (
    <QueryView view={view} onRetry={reload}>
      {(draft) => {
        // An earlier value is offered on its one-tap button rather than filled in (README: "offered with one tap"), so
        // nothing from another application goes in without the citizen's tap.
        const form = values ?? Object.fromEntries(draft.fields.filter((f) => f.origin !== 'card').map((f) => [f.key, f.origin === 'earlier' ? '' : f.value]));
        const submit = async () => {
          requestId.current ??= newRequestId();
          setBusy(true);
          setFailure(null);
          const toBring = draft.item.materials.some((m) => m.kind === 'bring' || (m.kind === 'commitment' && !signed[m.name]));
          const c = await hall.call('intake.submit', { serviceId, form: editable(draft, form), ...(toBring ? { bringBy } : {}) }, undefined, requestId.current);
          setBusy(false);
          if (c.code === 'success' && c.result) steps.push({ name: 'done', outcome: c.result });
          else if (c.refusal?.fields?.length) {
            setErrors(Object.fromEntries(c.refusal.fields.map((f) => [f.field, { zh: f.zh, en: f.en }])));
            steps.backTo((s) => s.name === 'form');
          } else setFailure(c);
        };
        if (step.name === 'form') {
          return (
            <>
              <h2 class="action-text">{t(APPLY_TEXT.formTitle)} · <CatalogueName zh={draft.item.serviceName} /></h2>
              <p class="body-text">{t(APPLY_TEXT.leaveNote)}</p>
              <FormStep draft={draft} values={form} errors={errors}
                onChange={(key, value) => {
                  setValues({ ...form, [key]: value });
                  setErrors((e) => ({ ...e, [key]: undefined }));
                }}
                onNext={(missing) => {
                  if (Object.keys(missing).length > 0) setErrors(missing);
                  else steps.push({ name: 'materials' });
                }} />
            </>
          );
        }
        if (step.name === 'materials') {
          return (
            <>
              <h2 class="action-text">{t(APPLY_TEXT.materialsTitle)}</h2>
              <Materials draft={draft} signed={signed} onSigned={(s) => setSigned({ ...signed, [s.material]: s })}
                bringBy={bringBy} setBringBy={setBringBy} />
              <button type="button" class="btn btn-primary btn-big" data-testid="apply-next" onClick={() => steps.push({ name: 'review' })}>
                {t(APPLY_TEXT.next)}
              </button>
            </>
          );
        }
        if (step.name === 'review') {
          return (
            <>
              <h2 class="action-text">{t(APPLY_TEXT.reviewTitle)}</h2>
              <Review draft={draft} values={form} signed={signed} bringBy={bringBy} />
              {failure && <Failure completion={failure} />}
              <button type="button" class="btn btn-primary btn-big" data-testid="apply-submit" disabled={busy} onClick={() => void submit()}>
                {busy ? t(APPLY_TEXT.submitting) : t(APPLY_TEXT.submit)}
              </button>
            </>
          );
        }
        return step.name === 'done' ? <Submitted outcome={step.outcome} /> : null;
      }}
    </QueryView>
  );
}

/** The values the citizen gave (card fields are filled by the bridge itself and are not sent). */
function editable(draft: KioskIntakeDraft, form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of draft.fields) if (f.origin !== 'card' && !f.fromCard && (form[f.key] ?? '') !== '') out[f.key] = form[f.key];
  return out;
}

export function ApplyScreen() {
  const t = useText();
  const steps = useSteps<Step>({ name: 'items' });
  const [serviceId, setServiceId] = useState<string | null>(null);
  const [view, reload] = useHallQuery('intake.items', {});
  const step = steps.step;
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="apply" data-step={step.name}>
      <h1 class="main-text">{t(FEATURE_TEXT.apply.title)}</h1>
      {step.name === 'items' ? (
        <>
          <h2 class="action-text">{t(APPLY_TEXT.chooseItem)}</h2>
          <QueryView view={view} onRetry={reload}>
            {(items) => items.length === 0 ? <p class="body-text">{t(APPLY_TEXT.noItems)}</p> : (
              <div class="choice-list">
                {items.map((item) => (
                  <ItemButton key={item.serviceId} item={item} onChoose={() => {
                    setServiceId(item.serviceId);
                    steps.push({ name: 'form' });
                  }} />
                ))}
              </div>
            )}
          </QueryView>
        </>
      ) : serviceId && <Draft key={serviceId} serviceId={serviceId} steps={steps} />}
    </main>
  );
}
