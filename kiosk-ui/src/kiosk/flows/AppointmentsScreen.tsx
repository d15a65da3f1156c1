/**
 * 预约: the holder's appointments (check in within the window -> priority ticket; cancel until 2 h before; print a
 * slip) and booking: department -> service -> working day -> slot (hall-rules.md "Appointments"). Steps go back
 * with the nav bar's Back; confirmations are inline (no pop-ups, hall-rules.md elderly mode).
 */
import { useEffect, useState } from 'preact/hooks';
import type { KioskAppointment, KioskCheckInResult, KioskCompletion, KioskPrintResult, KioskServiceGuide } from '@onedoor/protocol';
import { useAnnounce, useKiosk, useText } from '../KioskContext.ts';
import { catalogueName } from '../catalogueNames.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { displayIdNumber } from '../privacy.ts';
import { FEATURE_TEXT, KIOSK_TEXT } from '../texts.ts';
import { Failure, QueryView } from './CallState.tsx';
import { FLOW_TEXT } from './flowTexts.ts';
import { DepartmentList, ServiceList } from './GuidanceScreen.tsx';
import { useSteps } from './innerBack.ts';
import { PrintStatus } from './PrintStatus.tsx';
import { PhoneHandoffCard } from '../parts/PhoneHandoffCard.tsx';
import { TicketCard } from './TicketScreen.tsx';
import { useIntakeNotice } from '../../net/intakeState.ts';
import { IntakeNoticeBanner } from '../parts/IntakeNoticeBanner.tsx';
import { useHallAction, useHallQuery } from './useHall.ts';

type Step =
  | { name: 'list' }
  | { name: 'departments' }
  | { name: 'services'; departmentId: number }
  | { name: 'days'; service: KioskServiceGuide }
  | { name: 'slots'; service: KioskServiceGuide; date: string }
  | { name: 'booked'; appointment: KioskAppointment }
  | { name: 'canceled'; appointment: KioskAppointment };

function When({ a }: { a: KioskAppointment }) {
  return <>{a.day} {a.start}-{a.end}</>;
}

function AppointmentItem({ a, onCanceled }: { a: KioskAppointment; onCanceled: (a: KioskAppointment) => void }) {
  const t = useText();
  const announce = useAnnounce();
  const { store } = useKiosk();
  const action = useHallAction();
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<KioskCompletion | null>(null);
  const [checkIn, setCheckIn] = useState<KioskCheckInResult | null>(null);
  const [slipPrinted, setSlipPrinted] = useState(false);
  const run = async (p: Promise<KioskCompletion>, isSlip = false) => {
    const c = await p;
    setSlipPrinted(isSlip);
    setOutcome(c);
    return c;
  };
  if (checkIn) {
    return (
      <li class="item" data-testid="checkin-result">
        <p class="action-text status-line">✓ {t(checkIn.kind === 'priority' ? FLOW_TEXT.checkedIn : FLOW_TEXT.walkIn)}</p>
        <TicketCard ticket={checkIn.ticket} lead={checkIn.kind === 'priority' ? FLOW_TEXT.checkedIn : FLOW_TEXT.walkIn} />
        <PrintStatus outcome={checkIn.print} />
        {checkIn.phone && <PhoneHandoffCard phone={checkIn.phone} />}
      </li>
    );
  }
  // Only a slip printed from this item shows here (a check-in's own print belongs to its result below).
  const slip = slipPrinted && outcome?.code === 'success' ? (outcome.result as Partial<KioskPrintResult> | undefined)?.print ?? null : null;
  return (
    <li class="item" data-testid="appointment" data-id={a.id}>
      <p class="action-text"><CatalogueName zh={a.serviceName} /></p>
      <p class="body-text"><When a={a} /> · {t(FLOW_TEXT.status[a.status])}</p>
      {outcome && outcome.code !== 'success' && <Failure completion={outcome} />}
      {slip && <PrintStatus outcome={slip} />}
      {confirming ? (
        <div class="item-actions">
          <p class="body-text status-line">{t(FLOW_TEXT.confirmCancel)}</p>
          <button type="button" class="btn btn-primary" disabled={action.busy} data-testid="confirm-cancel" onClick={async () => {
            const c = await run(action.run('appointments.cancel', { id: a.id }));
            setConfirming(false);
            if (c.code === 'success') {
              announce(FLOW_TEXT.canceled);
              store.markTaskDone();
              onCanceled(a);
            }
          }}>{t(FLOW_TEXT.yesCancel)}</button>
          <button type="button" class="btn btn-secondary" onClick={() => setConfirming(false)}>{t(FLOW_TEXT.keep)}</button>
        </div>
      ) : (
        <div class="item-actions">
          {a.canCheckIn && (
            <button type="button" class="btn btn-primary" disabled={action.busy} data-testid="check-in" onClick={async () => {
              const c = await run(action.run('appointments.checkIn', { id: a.id }));
              if (c.code === 'success') setCheckIn(c.result as KioskCheckInResult);
            }}>{t(FLOW_TEXT.checkIn)}</button>
          )}
          <button type="button" class="btn btn-secondary" disabled={action.busy} data-testid="print-slip"
            onClick={() => void run(action.run('print.appointmentSlip', { id: a.id }), true)}>{t(FLOW_TEXT.printSlip)}</button>
          {a.canCancel && (
            <button type="button" class="btn btn-secondary btn-danger" disabled={action.busy} data-testid="cancel"
              onClick={() => setConfirming(true)}>{t(FLOW_TEXT.cancel)}</button>
          )}
        </div>
      )}
    </li>
  );
}

function AppointmentList({ onBook, onCanceled }: { onBook: () => void; onCanceled: (a: KioskAppointment) => void }) {
  const t = useText();
  const [view, reload] = useHallQuery('appointments.list', {});
  // Paused or closed intake: the hall's words instead of the book button (check-in and cancel still work).
  const intake = useIntakeNotice();
  return (
    <>
      <h2 class="action-text">{t(FLOW_TEXT.myAppointments)}</h2>
      <QueryView view={view} onRetry={reload}>
        {(list) => list.length === 0
          ? <p class="body-text" data-testid="no-appointments">{t(FLOW_TEXT.noAppointments)}</p>
          : <ul class="item-list">{list.map((a) => <AppointmentItem key={`${a.id}-${a.status}`} a={a} onCanceled={onCanceled} />)}</ul>}
      </QueryView>
      {intake ? <IntakeNoticeBanner notice={intake} />
        : <button type="button" class="btn btn-primary btn-big" data-testid="book" onClick={onBook}>{t(FLOW_TEXT.book)}</button>}
    </>
  );
}

const WEEKDAYS = {
  zh: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

/** `2026-11-27 周五`: the day as people pick it (the date alone makes them count on their fingers). */
export function dayLabel(day: string, lang: 'zh' | 'en'): string {
  return `${day} ${WEEKDAYS[lang][new Date(`${day}T00:00:00Z`).getUTCDay()]}`;
}

function DayChoice({ onDay }: { onDay: (d: string) => void }) {
  const t = useText();
  const lang = useKiosk().store.lang.value;
  const [view, reload] = useHallQuery('appointments.days', {});
  return (
    <>
      <p class="action-text">{t(FLOW_TEXT.chooseDay)}</p>
      <QueryView view={view} onRetry={reload}>
        {(days) => (
          <div class="choice-list">
            {days.map((d) => <button type="button" key={d} class="btn btn-secondary choice" data-testid={`day-${d}`} onClick={() => onDay(d)}>{dayLabel(d, lang)}</button>)}
          </div>
        )}
      </QueryView>
    </>
  );
}

function SlotChoice({ service, date, onBooked }: { service: KioskServiceGuide; date: string; onBooked: (a: KioskAppointment) => void }) {
  const t = useText();
  const [view, reload] = useHallQuery('appointments.slots', { serviceId: service.id, date }, `${service.id}/${date}`);
  const action = useHallAction();
  const [failed, setFailed] = useState<KioskCompletion | null>(null);
  return (
    <>
      <p class="body-text"><CatalogueName zh={service.name} /></p>
      <p class="action-text">{t(FLOW_TEXT.chooseSlot)} · {date}</p>
      {failed && <Failure completion={failed} />}
      <QueryView view={view} onRetry={reload}>
        {(slots) => (
          <div class="choice-list">
            {slots.map((s) => (
              <button type="button" key={s.id} class="btn btn-secondary choice" disabled={s.remaining === 0 || action.busy}
                data-testid={`slot-${s.start}`} onClick={async () => {
                  const c = await action.run('appointments.book', { serviceId: service.id, date, slot: s.start });
                  if (c.code === 'success' && c.result) onBooked(c.result);
                  else setFailed(c);
                }}>
                {s.start}-{s.end} · {s.remaining === 0 ? t(FLOW_TEXT.full) : `${t(FLOW_TEXT.left)} ${s.remaining}`}
              </button>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

export function AppointmentsScreen() {
  const t = useText();
  const steps = useSteps<Step>({ name: 'list' });
  const step = steps.step;
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="appointments" data-step={step.name}>
      <h1 class="main-text">{t(FEATURE_TEXT.appointments.title)}</h1>
      {step.name === 'list' && (
        <AppointmentList onBook={() => steps.push({ name: 'departments' })}
          onCanceled={(appointment) => steps.reset({ name: 'canceled', appointment })} />
      )}
      {step.name === 'departments' && <DepartmentList onPick={(id) => steps.push({ name: 'services', departmentId: id })} />}
      {step.name === 'services' && <ServiceList departmentId={step.departmentId} onPick={(service) => steps.push({ name: 'days', service })} />}
      {step.name === 'days' && (
        <>
          <p class="body-text"><CatalogueName zh={step.service.name} /></p>
          <DayChoice onDay={(date) => steps.push({ name: 'slots', service: step.service, date })} />
        </>
      )}
      {step.name === 'slots' && <SlotChoice service={step.service} date={step.date} onBooked={(a) => steps.reset({ name: 'booked', appointment: a })} />}
      {step.name === 'booked' && <Booked a={step.appointment} onList={() => steps.reset()} />}
      {step.name === 'canceled' && <Canceled a={step.appointment} onList={() => steps.reset()} />}
    </main>
  );
}

/** Heard once booked: the service and the window (the citizen must come back then). */
export function bookedSentence(a: KioskAppointment): { zh: string; en: string } {
  return {
    zh: `预约成功，${a.serviceName}，${a.day} ${a.start}至${a.end}`,
    en: `Booked: ${catalogueName(a.serviceName, 'en')}, ${a.day} from ${a.start} to ${a.end}.`,
  };
}

export function Booked({ a, onList }: { a: KioskAppointment; onList: () => void }) {
  const t = useText();
  const announce = useAnnounce();
  const { store } = useKiosk();
  useEffect(() => {
    announce(bookedSentence(a));
    store.markTaskDone();
  }, [a.id]);
  const action = useHallAction();
  const [slip, setSlip] = useState<KioskCompletion<KioskPrintResult> | null>(null);
  return (
    <section class="ticket-card" data-testid="booked" data-id={a.id}>
      <p class="action-text status-line">✓ {t(FLOW_TEXT.booked)}</p>
      <p class="action-text"><CatalogueName zh={a.serviceName} /></p>
      <p class="action-text"><When a={a} /></p>
      <p class="body-text hint">{t(FLOW_TEXT.checkInHint)}</p>
      {slip?.code === 'success' && slip.result ? <PrintStatus outcome={slip.result.print} /> : slip && <Failure completion={slip} />}
      <div class="item-actions">
        <button type="button" class="btn btn-primary" disabled={action.busy} data-testid="print-slip"
          onClick={async () => setSlip(await action.run('print.appointmentSlip', { id: a.id }))}>{t(FLOW_TEXT.printSlip)}</button>
        <button type="button" class="btn btn-secondary" data-testid="my-appointments" onClick={onList}>{t(FLOW_TEXT.myAppointments)}</button>
      </div>
    </section>
  );
}

/**
 * The result of a cancellation, on a screen of its own: what was cancelled (service, time, the holder's masked number,
 * hall-rules.md Privacy) and a way home, so the citizen is not left guessing whether the row that vanished is gone.
 */
export function Canceled({ a, onList }: { a: KioskAppointment; onList: () => void }) {
  const t = useText();
  const { store } = useKiosk();
  return (
    <section class="ticket-card" data-testid="canceled" data-id={a.id}>
      <p class="action-text status-line">✓ {t(FLOW_TEXT.canceledResult)}</p>
      <p class="action-text"><CatalogueName zh={a.serviceName} /></p>
      <p class="action-text"><When a={a} /></p>
      <p class="body-text"><span>{t(FLOW_TEXT.idNumber)}</span> <span data-testid="canceled-id">{displayIdNumber(a.maskedNumber)}</span></p>
      <p class="body-text hint">{t(FLOW_TEXT.canceledHint)}</p>
      <div class="item-actions">
        <button type="button" class="btn btn-primary" data-testid="canceled-home" onClick={() => store.dispatch({ type: 'home' })}>{t(KIOSK_TEXT.home)}</button>
        <button type="button" class="btn btn-secondary" data-testid="my-appointments" onClick={onList}>{t(FLOW_TEXT.myAppointments)}</button>
      </div>
    </section>
  );
}
