/**
 * Finding a service (README "Finding a service"): from a life event, the search keyboard or one service straight to
 * its guide (materials and procedure) with a shortcut to take a number or book, booking with one day-and-time screen
 * and a confirm step, so a slot is booked in five taps from home by life event.
 */
import { useState } from 'preact/hooks';
import type { KioskAppointment, KioskCompletion, KioskFinder, KioskFinderService, KioskSlot, KioskTicketResult } from '@onedoor/protocol';
import type { FindStart } from '../flow.ts';
import { useKiosk, useText } from '../KioskContext.ts';
import { catalogueName } from '../catalogueNames.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { Booked, dayLabel } from '../flows/AppointmentsScreen.tsx';
import { Failure, QueryView } from '../flows/CallState.tsx';
import { FLOW_TEXT } from '../flows/flowTexts.ts';
import { ServiceGuide } from '../flows/GuidanceScreen.tsx';
import { useSteps } from '../flows/innerBack.ts';
import { PrintStatus } from '../flows/PrintStatus.tsx';
import { TicketCard } from '../flows/TicketScreen.tsx';
import { useHallAction, useHallQuery } from '../flows/useHall.ts';
import { FIND_TEXT } from './findTexts.ts';
import { FEATURE_TEXT } from '../texts.ts';
import { Highlighted } from './Highlighted.tsx';
import { EditKeys, Keyboard } from './Keyboard.tsx';
import { searchServices, type ServiceMatch } from './match.ts';

type Step =
  | { name: 'event'; code: string }
  | { name: 'search' }
  | { name: 'service'; id: string }
  | { name: 'book'; id: string }
  | { name: 'confirm'; id: string; date: string; slot: KioskSlot }
  /** The result lives in the step only: it leaves with the screen when the session ends. */
  | { name: 'booked'; appointment: KioskAppointment }
  | { name: 'ticket'; result: KioskTicketResult };

function firstSteps(start: FindStart): [Step, ...Step[]] {
  if (start.kind === 'lifeEvent') return [{ name: 'event', code: start.code }];
  if (start.kind === 'search') return [{ name: 'search' }];
  return start.then === 'book' ? [{ name: 'service', id: start.id }, { name: 'book', id: start.id }] : [{ name: 'service', id: start.id }];
}

/** One service as a button: its name (matched characters marked), department and queue category. */
function ServiceButton({ s, match, onPick }: { s: KioskFinderService; match?: ServiceMatch; onPick: () => void }) {
  const lang = useKiosk().store.lang.value;
  return (
    <button type="button" class="btn btn-secondary choice service-choice" data-testid={`find-service-${s.id}`} onClick={onPick}>
      <span class="service-choice-name">
        {lang === 'zh' ? <Highlighted text={s.name} marks={match?.name?.marks ?? null} /> : <CatalogueName zh={s.name} />}
      </span>
      <span class="service-choice-where">
        <CatalogueName zh={s.departmentName} /> · {s.category}{' '}
        {lang === 'zh' ? <Highlighted text={s.categoryName} marks={match?.category?.marks ?? null} /> : <CatalogueName zh={s.categoryName} />}
      </span>
    </button>
  );
}

function EventServices({ finder, code, onPick }: { finder: KioskFinder; code: string; onPick: (id: string) => void }) {
  const t = useText();
  const lang = useKiosk().store.lang.value;
  const event = finder.lifeEvents.find((e) => e.code === code);
  if (!event) return <p class="body-text">{t(FLOW_TEXT.empty)}</p>;
  return (
    <>
      <h2 class="action-text" data-testid="life-event" data-code={code}>{catalogueName(event.name, lang)}</h2>
      <p class="body-text">{t(FIND_TEXT.chooseService)}</p>
      <div class="choice-list">
        {event.serviceIds.map((id) => finder.services.find((s) => s.id === id)).filter((s) => s !== undefined)
          .map((s) => <ServiceButton key={s.id} s={s} onPick={() => onPick(s.id)} />)}
      </div>
    </>
  );
}

function Search({ finder, onPick }: { finder: KioskFinder; onPick: (id: string) => void }) {
  const t = useText();
  const { store } = useKiosk();
  const [query, setQuery] = useState('');
  const found = searchServices(finder.services, query);
  return (
    <section class="search" data-testid="search">
      <div class="search-field">
        <label class="search-label">
          <span class="body-text">{t(FIND_TEXT.typed)}{store.lang.value === 'zh' ? '：' : ':'}</span>
          {/* A real field too: a hall may fit a keyboard with a Chinese input method, and 社保 typed there works. */}
          <input class="search-input" data-testid="search-input" value={query} placeholder={t(FIND_TEXT.nothingTyped)}
            lang={store.lang.value === 'zh' ? 'zh-CN' : 'en'} autocomplete="off"
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <EditKeys onDelete={() => setQuery((q) => [...q].slice(0, -1).join(''))} onClear={() => setQuery('')} />
      </div>
      <p class="body-text hint">{t(FIND_TEXT.searchHint)}</p>
      <Keyboard onKey={(k) => setQuery((q) => q + k)} />
      {query !== '' && (found.length === 0 ? (
        <section class="no-result" data-testid="no-result" role="status">
          <p class="action-text status-line">ⓘ {t(FIND_TEXT.noResult)}</p>
          <p class="body-text">{t(FIND_TEXT.noResultNext)}</p>
          <div class="item-actions">
            <button type="button" class="btn btn-secondary" data-testid="no-result-events" onClick={() => store.dispatch({ type: 'home' })}>
              {t(FIND_TEXT.lifeEvents)}
            </button>
            <button type="button" class="btn btn-secondary" data-testid="no-result-departments"
              onClick={() => store.dispatch({ type: 'open', feature: 'guidance' })}>{t(FIND_TEXT.byDepartment)}</button>
            <button type="button" class="btn btn-secondary" data-testid="no-result-ticket"
              onClick={() => store.dispatch({ type: 'open', feature: 'ticket' })}>{t(FIND_TEXT.takeTicketHere)}</button>
          </div>
        </section>
      ) : (
        <>
          <p class="body-text status-line" role="status" data-testid="result-count">{t(FIND_TEXT.results)} {found.length} {t(FIND_TEXT.items)}</p>
          <div class="choice-list" data-testid="results">
            {found.map((m) => <ServiceButton key={m.service.id} s={m.service} match={m} onPick={() => onPick(m.service.id)} />)}
          </div>
        </>
      ))}
    </section>
  );
}

/** The guide as promised: materials, then the procedure (steps, time limit, fees, where), then what to do now. */
function ServicePage({ s, onBook, onTicket }: { s: KioskFinderService; onBook: () => void; onTicket: (r: KioskTicketResult) => void }) {
  const t = useText();
  const action = useHallAction();
  const [failed, setFailed] = useState<KioskCompletion | null>(null);
  return (
    <>
      <div class="item-actions service-actions">
        <button type="button" class="btn btn-primary btn-big" data-testid="service-book" onClick={onBook}>{t(FIND_TEXT.bookHere)}</button>
        <button type="button" class="btn btn-secondary btn-big" data-testid="service-ticket" disabled={action.busy} onClick={async () => {
          const c = await action.run('queue.take', { category: s.category });
          if (c.code === 'success' && c.result) onTicket(c.result);
          else setFailed(c);
        }}>{t(FIND_TEXT.takeTicketHere)}</button>
      </div>
      {failed && <Failure completion={failed} />}
      <ServiceGuide s={s} />
      <section class="guide procedure" data-testid="procedure">
        <h3 class="body-text status-line">{t(FIND_TEXT.procedure)}</h3>
        <ol class="procedure-steps">
          {FIND_TEXT.steps.map((step) => <li key={step.zh} class="body-text">{t(step)}</li>)}
        </ol>
        <p class="body-text">{t(FLOW_TEXT.timeLimit)} {s.timeLimitDays} {t(FLOW_TEXT.workingDays)}</p>
        <p class="body-text">{t(FIND_TEXT.fees)}</p>
        <p class="body-text">{t(FIND_TEXT.where)} · {t(FIND_TEXT.window)} {s.category} <CatalogueName zh={s.categoryName} /></p>
      </section>
    </>
  );
}

function BookSlot({ s, onSlot }: { s: KioskFinderService; onSlot: (date: string, slot: KioskSlot) => void }) {
  const t = useText();
  const lang = useKiosk().store.lang.value;
  const [days, reloadDays] = useHallQuery('appointments.days', {});
  const [chosen, setChosen] = useState<string | null>(null);
  const date = chosen ?? (days.phase === 'ok' ? days.result[0] ?? null : null);
  return (
    <>
      <p class="action-text"><CatalogueName zh={s.name} /></p>
      <p class="action-text">{t(FIND_TEXT.chooseSlot)}</p>
      <QueryView view={days} onRetry={reloadDays}>
        {(list) => (
          <div class="day-row" role="group">
            {list.map((d) => (
              <button type="button" key={d} class="btn btn-secondary day-choice" aria-pressed={d === date} data-testid={`day-${d}`}
                onClick={() => setChosen(d)}>{dayLabel(d, lang)}</button>
            ))}
          </div>
        )}
      </QueryView>
      {date && <Slots s={s} date={date} onSlot={(slot) => onSlot(date, slot)} />}
    </>
  );
}

function Slots({ s, date, onSlot }: { s: KioskFinderService; date: string; onSlot: (slot: KioskSlot) => void }) {
  const t = useText();
  const [view, reload] = useHallQuery('appointments.slots', { serviceId: s.id, date }, `${s.id}/${date}`);
  return (
    <QueryView view={view} onRetry={reload}>
      {(slots) => (
        <div class="choice-list slot-list">
          {slots.map((slot) => (
            <button type="button" key={slot.id} class="btn btn-secondary choice" disabled={slot.remaining === 0}
              data-testid={`slot-${slot.start}`} onClick={() => onSlot(slot)}>
              {slot.start}-{slot.end} · {slot.remaining === 0 ? t(FLOW_TEXT.full) : `${t(FLOW_TEXT.left)} ${slot.remaining}`}
            </button>
          ))}
        </div>
      )}
    </QueryView>
  );
}

function Confirm({ s, date, slot, onBooked, onChange }: {
  s: KioskFinderService; date: string; slot: KioskSlot; onBooked: (a: KioskAppointment) => void; onChange: () => void;
}) {
  const t = useText();
  const lang = useKiosk().store.lang.value;
  const action = useHallAction();
  const [failed, setFailed] = useState<KioskCompletion | null>(null);
  return (
    <section class="ticket-card" data-testid="confirm-booking">
      <p class="action-text status-line">{t(FIND_TEXT.confirmBooking)}</p>
      <p class="action-text"><CatalogueName zh={s.name} /></p>
      <p class="action-text">{dayLabel(date, lang)} {slot.start}-{slot.end}</p>
      {failed && <Failure completion={failed} />}
      <div class="item-actions">
        <button type="button" class="btn btn-primary btn-big" data-testid="confirm-book" disabled={action.busy} onClick={async () => {
          const c = await action.run('appointments.book', { serviceId: s.id, date, slot: slot.start });
          if (c.code === 'success' && c.result) onBooked(c.result);
          else setFailed(c);
        }}>✓ {t(FIND_TEXT.confirm)}</button>
        <button type="button" class="btn btn-secondary btn-big" onClick={onChange}>{t(FIND_TEXT.change)}</button>
      </div>
    </section>
  );
}

export function FindScreen({ start }: { start: FindStart }) {
  const t = useText();
  const { store } = useKiosk();
  const [finder, reload] = useHallQuery('services.finder', {});
  const steps = useSteps<Step>(...firstSteps(start));
  const step = steps.step;
  const open = (id: string) => steps.push({ name: 'service', id });
  return (
    <main class="screen screen-flow screen-find" data-screen="find" data-step={step.name}>
      <h1 class="main-text">{t(titleOf(step))}</h1>
      <QueryView view={finder} onRetry={reload}>
        {(f) => {
          const service = (id: string) => f.services.find((s) => s.id === id);
          switch (step.name) {
            case 'event':
              return <EventServices finder={f} code={step.code} onPick={open} />;
            case 'search':
              return <Search finder={f} onPick={open} />;
            case 'service': {
              const s = service(step.id);
              return s ? <ServicePage s={s} onBook={() => steps.push({ name: 'book', id: s.id })}
                onTicket={(result) => steps.reset({ name: 'ticket', result })} /> : <p class="body-text">{t(FLOW_TEXT.empty)}</p>;
            }
            case 'book': {
              const s = service(step.id);
              return s ? <BookSlot s={s} onSlot={(date, slot) => steps.push({ name: 'confirm', id: s.id, date, slot })} /> : null;
            }
            case 'confirm': {
              const s = service(step.id);
              return s ? <Confirm s={s} date={step.date} slot={step.slot} onChange={() => steps.reset({ name: 'book', id: s.id })}
                onBooked={(appointment) => steps.reset({ name: 'booked', appointment })} /> : null;
            }
            case 'booked':
              return <Booked a={step.appointment} onList={() => store.dispatch({ type: 'open', feature: 'appointments' })} />;
            case 'ticket':
              return <><TicketCard ticket={step.result.ticket} /><PrintStatus outcome={step.result.print} /></>;
          }
        }}
      </QueryView>
    </main>
  );
}

function titleOf(step: Step) {
  switch (step.name) {
    case 'search': return FIND_TEXT.search;
    case 'event': return FIND_TEXT.lifeEvents;
    case 'book': case 'confirm': case 'booked': return FIND_TEXT.bookHere;
    case 'ticket': return FIND_TEXT.takeTicketHere;
    case 'service': return FEATURE_TEXT.guidance.title;
  }
}
