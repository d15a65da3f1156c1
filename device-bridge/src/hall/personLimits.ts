/**
 * Per-person limits against ticket touts (号贩子; README "Running the hall floor", abuse limits): how many tickets
 * one ID number may take in a day, in all and per category. Counted on the day's stored tickets (whatever their
 * status: a ticket taken and abandoned still counts), so every kiosk and instance of the hall enforces the same
 * count. A refusal says why and until when (the hall's next day). Absent limits: none. A second request for a
 * category where the person already waits returns that ticket (hall-rules.md) and is never refused.
 */
import { z } from 'zod';
import type { HallDay, HallRepository } from '../store/hallStore.ts';
import { addDays } from './clock.ts';
import { HallRuleError } from './errors.ts';

export const personLimitsSchema = z
  .object({
    ticketsPerDay: z.number().int().min(1).max(999).optional()
      .meta({ description: 'Walk-in tickets one ID number may take in a day, all categories together. Absent: no limit.', unit: 'tickets' }),
    ticketsPerCategoryPerDay: z.number().int().min(1).max(999).optional()
      .meta({ description: 'Walk-in tickets one ID number may take in a day in one category. Absent: no limit.', unit: 'tickets' }),
  })
  .strict()
  .prefault({});

export type PersonLimits = z.output<typeof personLimitsSchema>;

/** Throws `personLimit` when taking one more walk-in ticket would pass a limit. */
export async function checkTicketLimits(tx: HallRepository, limits: PersonLimits, day: HallDay, category: string, holderNumber: string): Promise<void> {
  if (limits.ticketsPerDay === undefined && limits.ticketsPerCategoryPerDay === undefined) return;
  const mine = (await tx.listTickets(day)).filter((t) => t.holderNumber === holderNumber && t.appointmentId === null);
  const until = addDays(day, 1);
  const inCategory = mine.filter((t) => t.category === category).length;
  if (limits.ticketsPerCategoryPerDay !== undefined && inCategory >= limits.ticketsPerCategoryPerDay) {
    throw new HallRuleError('personLimit',
      `您今天在该类业务已取号${inCategory}次，达到每人每日上限（${limits.ticketsPerCategoryPerDay}次），${until}起可再取号；如有需要请咨询工作人员`,
      `you took ${inCategory} tickets in category ${category} today, the limit per person per day (${limits.ticketsPerCategoryPerDay}); you can take one again from ${until}, or ask staff`);
  }
  if (limits.ticketsPerDay !== undefined && mine.length >= limits.ticketsPerDay) {
    throw new HallRuleError('personLimit',
      `您今天已取号${mine.length}次，达到每人每日上限（${limits.ticketsPerDay}次），${until}起可再取号；如有需要请咨询工作人员`,
      `you took ${mine.length} tickets today, the limit per person per day (${limits.ticketsPerDay}); you can take one again from ${until}, or ask staff`);
  }
}
