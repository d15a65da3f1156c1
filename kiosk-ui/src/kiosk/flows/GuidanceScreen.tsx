/**
 * 办事指南 (咨询导办): department -> service -> materials, marking those not to be brought (免提交) and where the
 * platform gets them, and those a written commitment (告知承诺) may replace (hall-rules.md "Applications").
 */
import { useState } from 'preact/hooks';
import type { KioskCompletion, KioskServiceGuide, KioskTicketResult } from '@onedoor/protocol';
import { useKiosk, useText } from '../KioskContext.ts';
import { FIND_TEXT } from '../find/findTexts.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { FEATURE_TEXT } from '../texts.ts';
import { Failure, QueryView } from './CallState.tsx';
import { PrintStatus } from './PrintStatus.tsx';
import { TicketCard } from './TicketScreen.tsx';
import { FLOW_TEXT } from './flowTexts.ts';
import { useSteps } from './innerBack.ts';
import { useHallAction, useHallQuery } from './useHall.ts';

/** Departments that have services (shared with booking). */
export function DepartmentList({ onPick }: { onPick: (departmentId: number) => void }) {
  const t = useText();
  const [view, reload] = useHallQuery('services.list', {});
  return (
    <>
      <p class="action-text">{t(FLOW_TEXT.chooseDepartment)}</p>
      <QueryView view={view} onRetry={reload}>
        {(g) => (
          <div class="choice-list">
            {g.departments.filter((d) => d.serviceCount > 0).map((d) => (
              <button type="button" key={d.id} class="btn btn-secondary choice" data-testid={`department-${d.id}`} onClick={() => onPick(d.id)}>
                <CatalogueName zh={d.name} /> · {d.serviceCount} {t(FLOW_TEXT.servicesCount)}
              </button>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

/** A department's services (shared with booking). */
export function ServiceList({ departmentId, onPick }: { departmentId: number; onPick: (s: KioskServiceGuide) => void }) {
  const t = useText();
  const [view, reload] = useHallQuery('services.list', { departmentId }, String(departmentId));
  return (
    <>
      <p class="action-text">{t(FLOW_TEXT.chooseService)}</p>
      <QueryView view={view} onRetry={reload}>
        {(g) => (
          <div class="choice-list">
            {g.services.map((s) => (
              <button type="button" key={s.id} class="btn btn-secondary choice" data-testid={`service-${s.id}`} onClick={() => onPick(s)}>
                <CatalogueName zh={s.name} />
              </button>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

export function ServiceGuide({ s }: { s: KioskServiceGuide }) {
  const t = useText();
  return (
    <section class="guide" data-testid="service-guide" data-service={s.id}>
      <h2 class="action-text"><CatalogueName zh={s.name} /></h2>
      <p class="body-text">
        <CatalogueName zh={s.departmentName} /> · {t(FLOW_TEXT.timeLimit)} {s.timeLimitDays} {t(FLOW_TEXT.workingDays)} · {t(FLOW_TEXT.queueCategory)} {s.category} <CatalogueName zh={s.categoryName} />
      </p>
      <h3 class="body-text status-line">{t(FLOW_TEXT.materials)}</h3>
      <ul class="item-list">
        {s.materials.map((m) => (
          <li key={m.name} class={`item material ${m.exempt ? 'material-exempt' : 'material-bring'}`} data-testid="material" data-exempt={m.exempt ? '1' : '0'}>
            <p class="body-text">
              <strong>{m.exempt ? `✓ ${t(FLOW_TEXT.exempt)}` : `● ${t(FLOW_TEXT.bring)}`}</strong> <CatalogueName zh={m.name} />
            </p>
            {m.exempt && m.source && <p class="body-text hint">{t(FLOW_TEXT.exemptFrom)}<CatalogueName zh={m.source} /></p>}
            {m.commitmentAllowed && <p class="body-text hint">ⓘ {t(FLOW_TEXT.commitment)}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** From a guide straight to booking or a number for that service (README "Finding a service"). */
function GuideShortcuts({ s }: { s: KioskServiceGuide }) {
  const t = useText();
  const { store } = useKiosk();
  const action = useHallAction();
  const [taken, setTaken] = useState<KioskCompletion<KioskTicketResult> | null>(null);
  if (taken?.code === 'success' && taken.result) {
    return (
      <>
        <TicketCard ticket={taken.result.ticket} />
        <PrintStatus outcome={taken.result.print} />
      </>
    );
  }
  return (
    <>
      <div class="item-actions service-actions">
        <button type="button" class="btn btn-primary btn-big" data-testid="guide-book"
          onClick={() => store.dispatch({ type: 'find', start: { kind: 'service', id: s.id, then: 'book' } })}>{t(FIND_TEXT.bookHere)}</button>
        <button type="button" class="btn btn-secondary btn-big" data-testid="guide-ticket" disabled={action.busy}
          onClick={async () => setTaken(await action.run('queue.take', { category: s.category }))}>{t(FIND_TEXT.takeTicketHere)}</button>
      </div>
      {taken && <Failure completion={taken} />}
    </>
  );
}

type Step = { name: 'departments' } | { name: 'services'; departmentId: number } | { name: 'service'; service: KioskServiceGuide };

export function GuidanceScreen() {
  const t = useText();
  const steps = useSteps<Step>({ name: 'departments' });
  const step = steps.step;
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="guidance" data-step={step.name}>
      <h1 class="main-text">{t(FEATURE_TEXT.guidance.title)}</h1>
      {step.name === 'departments' && <DepartmentList onPick={(id) => steps.push({ name: 'services', departmentId: id })} />}
      {step.name === 'services' && <ServiceList departmentId={step.departmentId} onPick={(service) => steps.push({ name: 'service', service })} />}
      {step.name === 'service' && (
        <>
          <GuideShortcuts s={step.service} />
          <ServiceGuide s={step.service} />
        </>
      )}
    </main>
  );
}
