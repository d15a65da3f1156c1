/**
 * Appointments (hall-rules.md "Appointments"):
 * - booked for a service on a working day, in slots (30 min, capacity per slot from the service item);
 * - at least 1 day ahead and at most 5 working days ahead; one booking per person per service per day;
 * - cancel at least 2 hours before the slot;
 * - 3 no-shows within 30 days: no new bookings for 30 days (from the third);
 * - check-in from 30 min before to 15 min after slot start issues a priority ticket; a later arrival becomes an
 *   ordinary walk-in (the appointment is marked `late`, not a no-show);
 * - an appointment still `booked` when its day is over is a no-show (`markNoShows`, run at start-up and daily).
 * Every multi-step rule runs in one store transaction.
 */
import { maskIdNumber, type KioskAppointment, type KioskSlot } from '@onedoor/protocol';
import type { AppointmentRecord, HallDay, HallRepository, HallStore, NewSlot, SlotRecord } from '../store/hallStore.ts';
import type { Citizen } from './citizen.ts';
import { loadWorkingCalendar } from './calendar.ts';
import { HallClock, addDays, assertHallDay, daysBetween } from './clock.ts';
import { HallRuleError, assertId, refuse } from './errors.ts';
import type { QueueService, TicketView } from './queue.ts';
import type { DayBoundaries } from './dayBoundaries.ts';
import { checkAppointmentLimits, countedRefusal, type PersonLimits } from './personLimits.ts';

/** What may refuse a booking besides the appointment rules (README "Running the hall floor"). */
export interface BookingGuards {
  /** Per-person limits on open appointments (config `personLimits`). */
  limits?: PersonLimits;
  /** Intake paused or closed (dayBoundaries.ts). */
  boundaries?: Pick<DayBoundaries, 'checkOpen'>;
}

const MINUTE = 60_000;

export interface AppointmentRules {
  /** Slot starts of a working day (hall hours 09:00-12:00 and 14:00-17:00). */
  slotStarts: readonly string[];
  slotMinutes: number;
  /** Latest bookable day, in working days after today. */
  maxWorkingDaysAhead: number;
  cancelCutoffMs: number;
  checkInBeforeMs: number;
  checkInAfterMs: number;
  noShowLimit: number;
  noShowWindowDays: number;
  lockoutDays: number;
}

export const DEFAULT_SLOT_STARTS: readonly string[] = [
  '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30',
];

export const DEFAULT_APPOINTMENT_RULES: Readonly<AppointmentRules> = Object.freeze({
  slotStarts: DEFAULT_SLOT_STARTS,
  slotMinutes: 30,
  maxWorkingDaysAhead: 5,
  cancelCutoffMs: 2 * 60 * MINUTE,
  checkInBeforeMs: 30 * MINUTE,
  checkInAfterMs: 15 * MINUTE,
  noShowLimit: 3,
  noShowWindowDays: 30,
  lockoutDays: 30,
});

/** The /kiosk contract's KioskSlot. */
export type SlotView = KioskSlot;

/** The /kiosk contract's KioskAppointment: masked number only. */
export type AppointmentView = KioskAppointment;

export interface CheckInResult {
  /** `priority`: within the window; `walkIn`: too late for the appointment, an ordinary ticket. */
  kind: 'priority' | 'walkIn';
  appointment: AppointmentView;
  ticket: TicketView;
}

function endOf(start: string, minutes: number): string {
  const [h, m] = start.split(':').map(Number);
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The day until which new bookings are refused (exclusive), given the person's no-show days; null when none.
 * Any `limit` no-shows within `windowDays` lock booking for `lockoutDays` from the last of them.
 */
export function noShowLockoutUntil(noShowDays: readonly HallDay[], rules: Pick<AppointmentRules, 'noShowLimit' | 'noShowWindowDays' | 'lockoutDays'>): HallDay | null {
  const days = [...noShowDays].sort();
  let until: HallDay | null = null;
  for (let i = rules.noShowLimit - 1; i < days.length; i++) {
    if (daysBetween(days[i - rules.noShowLimit + 1], days[i]) < rules.noShowWindowDays) {
      const end = addDays(days[i], rules.lockoutDays);
      if (until === null || end > until) until = end;
    }
  }
  return until;
}

export class AppointmentService {
  readonly rules: AppointmentRules;

  constructor(
    private readonly store: HallStore,
    private readonly queue: QueueService,
    private readonly clock: HallClock = new HallClock(),
    rules: Partial<AppointmentRules> = {},
    private readonly guards: BookingGuards = {},
  ) {
    this.rules = { ...DEFAULT_APPOINTMENT_RULES, ...rules };
  }

  /** Days a booking may be made for now: working days from tomorrow up to the 5th working day after today. */
  async bookableDays(): Promise<HallDay[]> {
    const cal = await loadWorkingCalendar(this.store);
    return cal.nextWorkingDays(this.clock.today(), this.rules.maxWorkingDaysAhead);
  }

  /** The slots the hall's schedule gives a service on a day (what `ensureSlots` creates). */
  private slotPlan(serviceId: string, day: HallDay, capacity: number): NewSlot[] {
    return this.rules.slotStarts.map((start) => ({ serviceId, day, start, minutes: this.rules.slotMinutes, capacity }));
  }

  /** Creates a service's slots for a working day (demo data and `slots()` use it); none on closed days. */
  async openSlots(serviceId: string, day: HallDay, tx: HallRepository = this.store): Promise<void> {
    assertHallDay(day);
    const service = await tx.getServiceItem(serviceId);
    if (!service) throw new HallRuleError('unknownService', '没有该事项，请重新选择', `there is no service ${serviceId}`);
    const cal = await loadWorkingCalendar(tx);
    if (cal.isWorkingDay(day)) await tx.ensureSlots(this.slotPlan(serviceId, day, service.slotCapacity));
  }

  /** Slots of a service on a bookable day, with what is left in each. */
  async slots(serviceId: string, day: HallDay): Promise<SlotView[]> {
    await this.checkBookableDay(day);
    await this.openSlots(serviceId, day);
    return (await this.store.listSlots(serviceId, day)).map((s) => this.slotView(s));
  }

  private slotView(s: SlotRecord): SlotView {
    return { id: s.id, serviceId: s.serviceId, day: s.day, start: s.start, end: endOf(s.start, s.minutes), capacity: s.capacity,
      remaining: Math.max(0, s.capacity - s.booked) };
  }

  private async checkBookableDay(day: HallDay, tx: HallRepository = this.store): Promise<void> {
    assertHallDay(day);
    const today = this.clock.today();
    const cal = await loadWorkingCalendar(tx);
    if (day <= today) refuse('bookingTooEarly', '预约需至少提前1天，今天请直接取号', 'appointments are booked at least 1 day ahead; take a ticket today');
    if (!cal.isWorkingDay(day)) refuse('notWorkingDay', '该日为非工作日，请选择其他日期', `${day} is not a working day`);
    const last = cal.addWorkingDays(today, this.rules.maxWorkingDaysAhead);
    if (day > last) {
      refuse('bookingTooLate', `最多可预约${this.rules.maxWorkingDaysAhead}个工作日内的时段`,
        `appointments can be booked at most ${this.rules.maxWorkingDaysAhead} working days ahead (until ${last})`);
    }
  }

  /** The day the person may book again, or null when they may book now. */
  async lockoutUntil(citizen: Citizen, tx: HallRepository = this.store): Promise<HallDay | null> {
    const today = this.clock.today();
    const since = addDays(today, -(this.rules.noShowWindowDays + this.rules.lockoutDays));
    const until = noShowLockoutUntil((await tx.listNoShows(citizen.number, since)).map((n) => n.day), this.rules);
    return until !== null && today < until ? until : null;
  }

  async book(citizen: Citizen, slotId: number): Promise<AppointmentView> {
    assertId(slotId, 'slotId');
    const appt = await countedRefusal(this.store, this.clock.today(), () => this.store.withTransaction(async (tx) => {
      const slot = await tx.getSlot(slotId);
      if (!slot) throw new Error(`appointment slot ${slotId} does not exist`);
      await this.guards.boundaries?.checkOpen(tx);
      await this.checkBookableDay(slot.day, tx);
      const until = await this.lockoutUntil(citizen, tx);
      if (until) {
        refuse('noShowLockout', `30天内已有${this.rules.noShowLimit}次预约未到，${until}前暂不能预约，可现场取号`,
          `${this.rules.noShowLimit} missed appointments within ${this.rules.noShowWindowDays} days: no bookings until ${until}; walk-in tickets are still possible`);
      }
      if (await tx.findActiveAppointment(citizen.number, slot.serviceId, slot.day)) {
        refuse('alreadyBooked', '您当天已预约该事项，每人每天每个事项限约一次', 'you already have an appointment for this service on that day');
      }
      await checkAppointmentLimits(tx, this.guards.limits ?? {}, this.clock.today(), slot.serviceId, citizen.number);
      if (slot.booked >= slot.capacity) refuse('slotFull', '该时段已约满，请选择其他时段', 'this slot is full; please choose another');
      return tx.insertAppointment({ slotId, holderNumber: citizen.number, createdAt: this.clock.now() });
    }));
    return this.view(appt);
  }

  /** Books the slot of a service starting at `start` (`HH:MM`) on `day` (the kiosk's day + time choice). */
  async bookAt(citizen: Citizen, serviceId: string, day: HallDay, start: string): Promise<AppointmentView> {
    const slots = await this.slots(serviceId, day);
    const slot = slots.find((s) => s.start === start);
    if (!slot) throw new Error(`service ${serviceId} has no slot starting at ${String(start)} on ${day}`);
    return this.book(citizen, slot.id);
  }

  private async owned(tx: HallRepository, citizen: Citizen, id: number): Promise<AppointmentRecord> {
    assertId(id, 'appointment id');
    const a = await tx.getAppointment(id);
    if (!a || a.holderNumber !== citizen.number) {
      refuse('notYourAppointment', '未找到您的这条预约', 'no such appointment of yours');
    }
    return a;
  }

  async cancel(citizen: Citizen, appointmentId: number): Promise<AppointmentView> {
    const appt = await this.store.withTransaction(async (tx) => {
      const a = await this.owned(tx, citizen, appointmentId);
      if (a.status !== 'booked') refuse('appointmentNotActive', '该预约已不能取消', `the appointment is ${a.status}`);
      if (this.clock.now() > this.clock.at(a.day, a.start) - this.rules.cancelCutoffMs) {
        refuse('cancelTooLate', '距预约时段不足2小时，不能取消', 'appointments can be canceled only until 2 hours before the slot');
      }
      const now = this.clock.now();
      await tx.updateAppointment(a.id, { status: 'canceled', updatedAt: now });
      return { ...a, status: 'canceled' as const, updatedAt: now };
    });
    return this.view(appt);
  }

  /** The person's appointments from today on that are still to come or checked in. */
  async upcoming(citizen: Citizen): Promise<AppointmentView[]> {
    const list = await this.store.listAppointmentsOfHolder(citizen.number, this.clock.today());
    return Promise.all(list.filter((a) => a.status === 'booked' || a.status === 'checkedIn').map((a) => this.view(a)));
  }

  async checkIn(citizen: Citizen, appointmentId: number): Promise<CheckInResult> {
    const { appointment, ticketId, kind } = await this.store.withTransaction(async (tx) => {
      const a = await this.owned(tx, citizen, appointmentId);
      if (a.status !== 'booked') refuse('appointmentNotActive', '该预约已签到或已失效', `the appointment is ${a.status}`);
      if (a.day !== this.clock.today()) refuse('checkInNotToday', `该预约在${a.day}，请当天前来签到`, `the appointment is on ${a.day}`);
      const now = this.clock.now();
      const start = this.clock.at(a.day, a.start);
      if (now < start - this.rules.checkInBeforeMs) {
        refuse('checkInTooEarly', `请在${this.clock.timeOf(start - this.rules.checkInBeforeMs)}后签到`,
          `check-in opens at ${this.clock.timeOf(start - this.rules.checkInBeforeMs)}`);
      }
      const service = await tx.getServiceItem(a.serviceId);
      if (!service) throw new Error(`service ${a.serviceId} of appointment ${a.id} does not exist`);
      const inWindow = now <= start + this.rules.checkInAfterMs;
      const { ticket } = await this.queue.issueIn(tx, {
        citizen,
        category: service.category,
        ...(inWindow ? { appointmentId: a.id } : {}),
      });
      const status = inWindow ? 'checkedIn' as const : 'late' as const;
      await tx.updateAppointment(a.id, { status, ticketId: ticket.id, updatedAt: now });
      return { appointment: { ...a, status, ticketId: ticket.id, updatedAt: now }, ticketId: ticket.id, kind: inWindow ? 'priority' as const : 'walkIn' as const };
    });
    return { kind, appointment: await this.view(appointment), ticket: await this.queue.ticket(ticketId) };
  }

  /** Marks appointments still booked on past days as no-shows (with history); returns how many. */
  async markNoShows(): Promise<number> {
    return this.store.withTransaction(async (tx) => {
      const missed = await tx.listBookedBefore(this.clock.today());
      const now = this.clock.now();
      for (const a of missed) {
        await tx.updateAppointment(a.id, { status: 'noShow', updatedAt: now });
        await tx.addNoShow({ holderNumber: a.holderNumber, day: a.day, appointmentId: a.id });
      }
      return missed.length;
    });
  }

  async view(a: AppointmentRecord): Promise<AppointmentView> {
    const service = await this.store.getServiceItem(a.serviceId);
    const slot = await this.store.getSlot(a.slotId);
    const now = this.clock.now();
    const start = this.clock.at(a.day, a.start);
    const opens = start - this.rules.checkInBeforeMs;
    const closes = start + this.rules.checkInAfterMs;
    return {
      id: a.id,
      serviceId: a.serviceId,
      serviceName: service?.name ?? a.serviceId,
      day: a.day,
      start: a.start,
      end: endOf(a.start, slot?.minutes ?? this.rules.slotMinutes),
      status: a.status,
      maskedNumber: maskIdNumber(a.holderNumber),
      canCancel: a.status === 'booked' && now <= start - this.rules.cancelCutoffMs,
      checkInOpensAt: opens,
      checkInClosesAt: closes,
      canCheckIn: a.status === 'booked' && a.day === this.clock.today() && now >= opens,
      ticketId: a.ticketId,
    };
  }
}
