/**
 * 办事进度: the holder's applications with the current step, the time-limit state in words and colour (on time /
 * yellow / red; colour is never the only cue), the history and the result, and a printed progress slip.
 */
import { useState } from 'preact/hooks';
import type { KioskApplication, KioskCompletion, KioskIntakeApplication, KioskPrintResult, KioskResultOffer } from '@onedoor/protocol';
import { useText } from '../KioskContext.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { FEATURE_TEXT } from '../texts.ts';
import { Failure, QueryView } from './CallState.tsx';
import { FLOW_TEXT, STOPPED_TEXT } from './flowTexts.ts';
import { PrintStatus } from './PrintStatus.tsx';
import { LazyResultCollect } from './LazyResultCollect.tsx';
import { useHallAction, useHallQuery } from './useHall.ts';

type AppStatus = KioskApplication['status'];
const isAppStatus = (s: string): s is AppStatus => Object.hasOwn(FLOW_TEXT.appStatus, s);

const LIMIT_MARK = { onTime: '✓', yellow: '⚠', red: '✕', closed: '■' } as const;

function Application({ a, offer }: { a: KioskApplication; offer?: KioskResultOffer }) {
  const t = useText();
  // A newer bridge's status keeps the bridge's own name.
  const statusWords = (status: string, name: string) => (isAppStatus(status) ? t(FLOW_TEXT.appStatus[status]) : name);
  const action = useHallAction();
  const [slip, setSlip] = useState<KioskCompletion<KioskPrintResult> | null>(null);
  const limit = a.timeLimit;
  // Returned for correction (退回) or not accepted: not "done". Say what to fix (the clerk's note) and what next.
  const stopped = a.status === 'returned' || a.status === 'rejected' ? a.status : null;
  return (
    <li class="item application" data-testid="application" data-serial={a.serial}>
      <p class="action-text"><CatalogueName zh={a.serviceName} /></p>
      <p class="body-text">{t(FLOW_TEXT.serial)} {a.serial}</p>
      <p class="body-text">{t(FLOW_TEXT.currentStep)} <strong>{t(FLOW_TEXT.appStatus[a.status])}</strong></p>
      {stopped ? (
        <section class="app-stopped" role="status" data-testid="app-returned" data-status={stopped}>
          <p class="action-text status-line"><span aria-hidden="true">⚠ </span>{t(STOPPED_TEXT[stopped].title)}</p>
          {a.result && <p class="body-text">{t(STOPPED_TEXT[stopped].reason)}{t(FLOW_TEXT.colon)}<strong>{a.result}</strong></p>}
          <p class="body-text">{t(STOPPED_TEXT[stopped].next)}</p>
        </section>
      ) : (
        <>
          <p class={`body-text status-line limit limit-${limit.state}`} data-testid="time-limit" data-state={limit.state}>
            {LIMIT_MARK[limit.state]} {t(FLOW_TEXT.limit[limit.state])} · {t(FLOW_TEXT.due)} {limit.dueDay}
            {limit.state !== 'closed' && ` · ${t(FLOW_TEXT.workingDaysLeft)} ${Math.max(0, limit.remainingWorkingDays)}`}
          </p>
          {a.result && <p class="body-text">{t(FLOW_TEXT.result)}{t(FLOW_TEXT.colon)}{a.result}</p>}
        </>
      )}
      {/* 办结 with a result to collect (README "Collecting results (领取结果)"). */}
      {offer && <LazyResultCollect offer={offer} />}
      <ol class="history">
        {a.history.map((h) => <li key={`${h.at}-${h.status}`} class="body-text">{h.atText} {statusWords(h.status, h.statusName)}{h.note ? ` · ${h.note}` : ''}</li>)}
      </ol>
      {slip?.code === 'success' && slip.result ? <PrintStatus outcome={slip.result.print} /> : slip && <Failure completion={slip} />}
      <button type="button" class="btn btn-secondary" disabled={action.busy} data-testid="print-progress"
        onClick={async () => setSlip(await action.run('print.progress', { serial: a.serial }))}>{t(FLOW_TEXT.printProgress)}</button>
    </li>
  );
}

/**
 * An application made at the kiosk that the counter has not accepted yet (README "Applying at the kiosk"): waiting
 * for pre-review, or returned / not accepted with the clerk's words and what to do next. Accepted ones are in the
 * list above, with their time limit.
 */
function KioskIntake({ a }: { a: KioskIntakeApplication }) {
  const t = useText();
  return (
    <li class="item application" data-testid="intake-application" data-serial={a.serial} data-state={a.state}>
      <p class="action-text"><CatalogueName zh={a.serviceName} /></p>
      <p class="body-text">{t(FLOW_TEXT.serial)} {a.serial}</p>
      <p class="body-text">{t(FLOW_TEXT.currentStep)} <strong>{a.stateName}</strong> · {t(FLOW_TEXT.submittedAt)} {a.submittedAtText}</p>
      {a.reason && <p class="body-text status-line"><span aria-hidden="true">⚠ </span>{t(FLOW_TEXT.clerkReason)}{t(FLOW_TEXT.colon)}<strong>{a.reason}</strong></p>}
      <p class="body-text">{t(FLOW_TEXT.nextStep)}{t(FLOW_TEXT.colon)}{a.nextStep}</p>
    </li>
  );
}

export function ProgressScreen() {
  const t = useText();
  const [view, reload] = useHallQuery('applications.list', {});
  // Where the hall takes no kiosk applications (a linked kiosk) the list is simply not shown.
  const [intake] = useHallQuery('intake.list', {});
  // Where the hall offers no result collection (a linked kiosk) the finished applications show no choice.
  const [results] = useHallQuery('results.list', {});
  const offerOf = (serial: string) => (results.phase === 'ok' ? results.result.find((o) => o.serial === serial) : undefined);
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="progress">
      <h1 class="main-text">{t(FEATURE_TEXT.progress.title)}</h1>
      <h2 class="action-text">{t(FLOW_TEXT.myApplications)}</h2>
      <QueryView view={view} onRetry={reload}>
        {(list) => list.length === 0
          ? <p class="body-text">{t(FLOW_TEXT.noApplications)}</p>
          : <ul class="item-list">{list.map((a) => <Application key={a.serial} a={a} offer={offerOf(a.serial)} />)}</ul>}
      </QueryView>
      {intake.phase === 'ok' && intake.result.length > 0 && (
        <section data-testid="intake-applications">
          <h2 class="action-text">{t(FLOW_TEXT.kioskApplications)}</h2>
          <ul class="item-list">{intake.result.map((a) => <KioskIntake key={a.serial} a={a} />)}</ul>
        </section>
      )}
    </main>
  );
}
