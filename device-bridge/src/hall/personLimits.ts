/**
 * Per-person limits against ticket touts (号贩子; README "Running the hall floor", abuse limits): how many tickets
 * one ID number may take in a day, in all and per category, and how many appointments it may hold open (booked,
 * not yet used, cancelled or missed), in all and per service item. Counted on the stored tickets and appointments
 * (a ticket taken and abandoned still counts), so every kiosk and instance of the hall enforces the same count. A
 * refusal says why and until when (the hall's next day for tickets; for appointments, until one of them is used or
 * cancelled, naming the earliest). Absent limits: none. A second request for a category where the person already
 * waits returns that ticket (hall-rules.md) and is never refused. Every refusal is counted per day and limit kind in
 * the store (`countedRefusal`), for the dashboard.
 */
import { z } from 'zod';
import type { LimitRefusalKind } from '../store/dayBoundaryRecords.ts';
import type { HallDay, HallRepository, HallStore, TicketRecord } from '../store/hallStore.ts';
import { addDays } from './clock.ts';
import { HallRuleError } from './errors.ts';

/** A per-person limit refused: `kind` names which (the dashboard's count). */
export class PersonLimitError extends HallRuleError {
  constructor(readonly kind: LimitRefusalKind, zh: string, en: string) {
    super('personLimit', zh, en);
  }
}

export const personLimitsSchema = z
  .object({
    ticketsPerDay: z.number().int().min(1).max(999).optional()
      .meta({ description: 'Walk-in tickets one ID number may take in a day, all categories together. Absent: no limit.', unit: 'tickets' }),
    ticketsPerCategoryPerDay: z.number().int().min(1).max(999).optional()
      .meta({ description: 'Walk-in tickets one ID number may take in a day in one category. Absent: no limit.', unit: 'tickets' }),
    openAppointments: z.number().int().min(1).max(99).optional()
      .meta({ description: 'Appointments one ID number may hold open at once (booked, not yet used, cancelled or missed), all services together. Absent: no limit.', unit: 'appointments' }),
    openAppointmentsPerService: z.number().int().min(1).max(99).optional()
      .meta({ description: 'Appointments one ID number may hold open at once for one service item. Absent: no limit.', unit: 'appointments' }),
  })
  .strict()
  .prefault({});

export type PersonLimits = z.output<typeof personLimitsSchema>;

/** Throws `personLimit` when taking one more walk-in ticket would pass a limit. */
export async function checkTicketLimits(tx: HallRepository, limits: PersonLimits, day: HallDay, category: string, holderNumber: string): Promise<void> {
  if (!limitsTickets(limits)) return;
  const refusal = ticketLimitRefusal(limits, await tx.listTickets(day, { holderNumber }), day, category);
  if (refusal) throw refusal;
}

/** Whether any per-person ticket limit is set (else the person's tickets need not be read). */
export function limitsTickets(limits: PersonLimits): boolean {
  return limits.ticketsPerDay !== undefined || limits.ticketsPerCategoryPerDay !== undefined;
}

/** The refusal of one more walk-in ticket in `category` for a person holding `held` today (all their tickets), or null. */
export function ticketLimitRefusal(limits: PersonLimits, held: readonly TicketRecord[], day: HallDay, category: string): PersonLimitError | null {
  const mine = held.filter((t) => t.appointmentId === null);
  const until = addDays(day, 1);
  const inCategory = mine.filter((t) => t.category === category).length;
  if (limits.ticketsPerCategoryPerDay !== undefined && inCategory >= limits.ticketsPerCategoryPerDay) {
    return new PersonLimitError('ticketsPerCategoryPerDay',
      `您今天在该类业务已取号${inCategory}次，达到每人每日上限（${limits.ticketsPerCategoryPerDay}次），${until}起可再取号；如有需要请咨询工作人员`,
      `you took ${inCategory} tickets in category ${category} today, the limit per person per day (${limits.ticketsPerCategoryPerDay}); you can take one again from ${until}, or ask staff`);
  }
  if (limits.ticketsPerDay !== undefined && mine.length >= limits.ticketsPerDay) {
    return new PersonLimitError('ticketsPerDay',
      `您今天已取号${mine.length}次，达到每人每日上限（${limits.ticketsPerDay}次），${until}起可再取号；如有需要请咨询工作人员`,
      `you took ${mine.length} tickets today, the limit per person per day (${limits.ticketsPerDay}); you can take one again from ${until}, or ask staff`);
  }
  return null;
}

/**
 * Throws `personLimit` when booking one more appointment of `serviceId` would pass a limit on open appointments.
 * `today`: open ones are those still `booked` from today on. The refusal names the earliest open one: using or
 * cancelling it frees a place.
 */
export async function checkAppointmentLimits(tx: HallRepository, limits: PersonLimits, today: HallDay, serviceId: string,
  holderNumber: string): Promise<void> {
  if (limits.openAppointments === undefined && limits.openAppointmentsPerService === undefined) return;
  const open = (await tx.listAppointmentsOfHolder(holderNumber, today)).filter((a) => a.status === 'booked');
  const refuse = (kind: LimitRefusalKind, mine: typeof open, limit: number, zhWhat: string, enWhat: string): never => {
    const first = mine[0];
    throw new PersonLimitError(kind,
      `您${zhWhat}已有${mine.length}个未使用的预约，达到每人上限（${limit}个）；${first.day} ${first.start}的预约签到使用或取消后可再预约`,
      `you hold ${mine.length} open appointments${enWhat}, the limit per person (${limit}); you can book again once one is used or cancelled (the earliest: ${first.day} ${first.start})`);
  };
  const ofService = open.filter((a) => a.serviceId === serviceId);
  if (limits.openAppointmentsPerService !== undefined && ofService.length >= limits.openAppointmentsPerService) {
    refuse('openAppointmentsPerService', ofService, limits.openAppointmentsPerService, '在该事项', ' for this service');
  }
  if (limits.openAppointments !== undefined && open.length >= limits.openAppointments) {
    refuse('openAppointments', open, limits.openAppointments, '', '');
  }
}

/**
 * Runs `fn`; a per-person limit refusal is counted for `day` in the store (after the refused transaction rolled
 * back, so the count stays) and thrown on. A count that cannot be stored does not hide the refusal.
 */
export async function countedRefusal<T>(store: HallStore, day: HallDay, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PersonLimitError) await store.countLimitRefusal(day, err.kind).catch(() => undefined);
    throw err;
  }
}
