/**
 * The hall's day boundaries (README "Running the hall floor", day boundaries):
 * - intake can be paused by a manager (e.g. 系统维护，暂停取号，请到咨询台) until resumed, or closed for the rest of the
 *   day (the next hall day opens by itself); from the configured closing time it is closed too. While not open, no
 *   walk-in ticket is issued and no appointment booked (appointment check-ins still are: their slots were kept
 *   for them); kiosks and the phone page show the words instead of the take-ticket and book buttons;
 * - at the closing time the tickets still waiting are carried over to the next working day or closed with a notice
 *   (config `closing.waiting`). The run is claimed in the store once per hall day, so with several instances only one
 *   acts, and a restart after the closing time runs it once.
 *
 * Carried-over tickets get new numbers of the next working day, the first ones (they are numbered at closing, before
 * any ticket of that day), keep their priority and are stamped as issued just before the day's opening time, in
 * their old order: they are called before every ticket of that day of the same rank (hall-rules.md "Calling
 * order"). The old ticket is cancelled with the reason `carriedOver:<day> <number>` so the citizen can be told the
 * new number. Closed tickets are cancelled with the reason `closedAtClosing` (the notice 今日已停止办理，请明日再来).
 * A ticket with a holder also gets a notice through the result-notice outbox in the same transaction (kiosk at the
 * next card read, phone page, notification gateway; README "Result notices (结果反馈)").
 * Numbering restarts each hall-local day anyway (the ticket counter is per hall day, queue.ts).
 */
import type { DashboardIntake } from '@onedoor/protocol';
import { z } from 'zod';
import type { IntakeMode, IntakeStateRecord } from '../store/dayBoundaryRecords.ts';
import type { HallRepository, HallStore, TicketRecord } from '../store/hallStore.ts';
import { loadWorkingCalendar } from './calendar.ts';
import type { HallClock } from './clock.ts';
import { HallRuleError } from './errors.ts';
import { ResultNotices } from './notify/resultNotices.ts';
import { formatTicketNumber } from './queue.ts';

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM (00:00-23:59)' });

export const closingSchema = z
  .object({
    at: timeOfDay.meta({ description: 'Closing time of the hall day (hall clock, site.timeZone): intake closes and the tickets still waiting are handled as `waiting` says.' }),
    waiting: z.enum(['carryOver', 'close']).default('carryOver')
      .meta({ description: '`carryOver`: waiting tickets are kept for the next working day, numbered first and called before that day\'s tickets of the same rank; `close`: they are cancelled with the notice 今日已停止办理，请明日再来.' }),
  })
  .strict();

export type ClosingConfig = z.output<typeof closingSchema>;

/** The words shown when no message was given. */
export const INTAKE_DEFAULT_TEXT = {
  paused: { zh: '暂停取号和预约，请到咨询台', en: 'Tickets and bookings are paused; please ask at the information desk' },
  closed: { zh: '今日已停止办理，请明日再来', en: 'The hall has stopped taking tickets today; please come back tomorrow' },
} as const;

/** The citizen's notice of a ticket closed at closing time, from its `closedReason` (phone page, kiosk). */
export function closingNoticeOf(reason: string): { zh: string; en: string } {
  const kept = /^carriedOver:(\d{4}-\d{2}-\d{2}) (\S+)$/.exec(reason);
  if (kept) {
    return { zh: `今日已停止办理，您的号已保留到${kept[1]}，新号码${kept[2]}，当天优先叫号`,
      en: `The hall closed for today; your place is kept for ${kept[1]} under number ${kept[2]}, called first that day` };
  }
  return { zh: INTAKE_DEFAULT_TEXT.closed.zh, en: INTAKE_DEFAULT_TEXT.closed.en };
}

/** A manager's action on intake (POST /api/hall/intake). */
export const intakeActionSchema = z
  .object({
    action: z.enum(['pause', 'resume', 'close']),
    message: z.string().trim().min(1).max(120).optional(),
  })
  .strict();
export type IntakeAction = z.output<typeof intakeActionSchema>;

/** What kiosks, the phone page and the dashboard show (GET /api/intake-state; the contract's DashboardIntake). */
export type IntakeView = DashboardIntake;

/** Pure: the state in force at hall-local `day` and `time` (a day's close ends with the day; closing time closes). */
export function effectiveIntake(stored: IntakeStateRecord | undefined, day: string, time: string, closing: ClosingConfig | undefined): IntakeView {
  const closingAt = closing?.at ?? null;
  if (stored?.mode === 'paused' || (stored?.mode === 'closed' && stored.day === day)) {
    return { mode: stored.mode, message: stored.message ?? INTAKE_DEFAULT_TEXT[stored.mode].zh, by: stored.changedBy, since: stored.changedAt, closingAt };
  }
  if (closing && time >= closing.at) return { mode: 'closed', message: INTAKE_DEFAULT_TEXT.closed.zh, by: 'schedule', since: null, closingAt };
  return { mode: 'open', message: null, by: null, since: null, closingAt };
}

export class DayBoundaries {
  constructor(
    private readonly store: HallStore,
    private readonly clock: HallClock,
    readonly closing: ClosingConfig | undefined = undefined,
    /** The opening time of walk-in tickets (config intakeHours.opens): carried tickets are stamped just before it. */
    private readonly opens: string = '00:00',
  ) {}

  async current(tx: HallRepository = this.store): Promise<IntakeView> {
    const now = this.clock.now();
    return effectiveIntake(await tx.getIntakeState(), this.clock.dayOf(now), this.clock.timeOf(now), this.closing);
  }

  /** Throws `intakePaused` with the words in force unless intake is open (inside the caller's transaction). */
  async checkOpen(tx: HallRepository): Promise<void> {
    const v = await this.current(tx);
    if (v.mode === 'open') return;
    const words = v.message ?? INTAKE_DEFAULT_TEXT[v.mode].zh;
    throw new HallRuleError('intakePaused', words,
      v.mode === 'paused' ? `${INTAKE_DEFAULT_TEXT.paused.en} (${words})` : `${INTAKE_DEFAULT_TEXT.closed.en} (${words})`);
  }

  /** A manager's pause, resume or close for the day; returns the state now in force. */
  async apply(a: IntakeAction, by: string): Promise<IntakeView> {
    const mode: IntakeMode = a.action === 'pause' ? 'paused' : a.action === 'close' ? 'closed' : 'open';
    await this.store.saveIntakeState({ mode, message: mode === 'open' ? null : a.message ?? null, day: this.clock.today(),
      changedAt: this.clock.now(), changedBy: by });
    return this.current();
  }

  /**
   * At or after the closing time, once per hall day: carries over or closes the waiting tickets. Returns how many
   * tickets it handled, or null when it did not run (not configured, not time yet, or run before).
   */
  async runClosingIfDue(): Promise<number | null> {
    const closing = this.closing;
    if (!closing) return null;
    const now = this.clock.now();
    const day = this.clock.dayOf(now);
    if (this.clock.timeOf(now) < closing.at) return null;
    return this.store.withTransaction(async (tx) => {
      if (!(await tx.claimDayClosing({ day, waiting: closing.waiting, at: now }))) return null;
      const waiting = await tx.listTickets(day, { status: 'waiting' });
      if (closing.waiting === 'close') {
        for (const t of waiting) {
          await tx.closeTicketAtClosing(t.id, 'closedAtClosing', now);
          await ResultNotices.queueTicketClosingIn(tx, this.clock, t, null, now);
        }
        return waiting.length;
      }
      const next = (await loadWorkingCalendar(tx)).nextWorkingDays(day, 1)[0];
      const opensAt = this.clock.at(next, this.opens);
      for (const [i, t] of waiting.entries()) await this.carryOver(tx, t, next, opensAt - (waiting.length - i), now);
      return waiting.length;
    });
  }

  private async carryOver(tx: HallRepository, t: TicketRecord, day: string, issuedAt: number, now: number): Promise<void> {
    const seq = await tx.nextCounterValue(`ticket:${day}:${t.category}`);
    const number = formatTicketNumber(t.category, seq);
    await tx.insertTicket({ day, category: t.category, seq, number, holderNumber: t.holderNumber, priority: t.priority, issuedAt,
      appointmentId: null });
    await tx.closeTicketAtClosing(t.id, `carriedOver:${day} ${number}`, now);
    await ResultNotices.queueTicketClosingIn(tx, this.clock, t, { day, number }, now);
  }
}
