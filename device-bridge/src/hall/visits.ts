/**
 * One visit, several windows (多窗联办; README "Running the hall floor", visits): a citizen takes one ticket for up to
 * `maxSteps` services in the order chosen; each step is served at a window of its category, and finishing it sends
 * the ticket on to the next step's queue with its number and original issue time (store/visitRecords.ts), so it is
 * not sent to the back. The ticket is done after its last step.
 *
 * The kiosk learns `maxSteps` from `GET /api/site` (`visitSteps`) and offers no more.
 *
 * Rules (README, visits):
 * - each category at most once in a visit, every one a queue category of the hall;
 * - hall-rules.md "one waiting ticket per person per category": a visit is refused when its holder already waits in
 *   one of its later categories; if the holder took such a ticket meanwhile, the visit ends at that step (the rest is
 *   skipped) and the citizen is served with that ticket;
 * - per-person limits (personLimits.ts) count the visit once: it is one ticket;
 * - a no-show at a step is the ticket's no-show (void, or the hold pool of the step's category); brought back from
 *   hold it waits at the same step;
 * - a transfer at a step moves that step to the other category (the later steps stay).
 */
import { visitNextOf, type VisitStepView, type VisitView } from '@onedoor/protocol';
import { z } from 'zod';
import type { HallDay, HallRepository, TicketRecord } from '../store/hallStore.ts';
import type { VisitStepRecord } from '../store/visitRecords.ts';
import { HallRuleError } from './errors.ts';

/** The kiosk offers at most this many services on one ticket (large targets: three fit one screen). */
export const VISIT_STEPS_LIMIT = 3;

export const visitsConfigSchema = z
  .object({
    maxSteps: z.number().int().min(1).max(VISIT_STEPS_LIMIT).default(VISIT_STEPS_LIMIT)
      .meta({ description: 'Services one ticket may carry (多窗联办), served window after window with one number; 1: one service per ticket. GET /api/site gives it to the kiosk screen, which offers no more; same on the hall server and its kiosks.', unit: 'services' }),
  })
  .strict()
  .prefault({});

export type VisitsConfig = z.output<typeof visitsConfigSchema>;

/** The visit's categories (first included), checked: upper case, distinct, known, at most `maxSteps`. */
export async function checkVisitCategories(tx: HallRepository, categories: readonly string[], maxSteps: number): Promise<string[]> {
  const letters = categories.map((c) => String(c).toUpperCase());
  if (letters.length > maxSteps) {
    throw new HallRuleError('visitInvalid', `每张号票最多办理${maxSteps}项业务，请分开取号`,
      `one ticket carries at most ${maxSteps} services; please take another ticket for the rest`);
  }
  if (new Set(letters).size !== letters.length) {
    throw new HallRuleError('visitInvalid', '同一项业务只需选择一次', 'choose each service once');
  }
  for (const letter of letters) {
    if (!(await tx.getQueueCategory(letter))) {
      throw new HallRuleError('unknownCategory', `没有“${letter}”类业务，请在屏幕上重新选择`, `there is no queue category "${letter}"`);
    }
  }
  return letters;
}

/** Refuses a visit whose holder already waits in one of its later categories (see the file comment). */
export async function checkVisitNotWaiting(tx: HallRepository, day: HallDay, holderNumber: string, later: readonly string[]): Promise<void> {
  for (const letter of later) {
    const waiting = await tx.findWaitingTicket(day, letter, holderNumber);
    if (waiting) {
      throw new HallRuleError('visitInvalid', `您已在“${letter}”类业务排队（${waiting.number}号），请不要重复选择`,
        `you already wait in category ${letter} with ticket ${waiting.number}; leave it out of this visit`);
    }
  }
}

/**
 * The visit as the kiosk, phone page and display show it; undefined for a ticket of one service. A ticket no longer
 * in the queue (no-show, canceled) has no next step to go to.
 */
export async function visitViewOf(repo: HallRepository, t: Pick<TicketRecord, 'id' | 'status'>, steps?: readonly VisitStepRecord[]): Promise<VisitView | undefined> {
  const list = steps ?? (await repo.listVisitSteps(t.id));
  if (list.length === 0) return undefined;
  const names = new Map((await repo.listQueueCategories()).map((c) => [c.letter, c.name]));
  const views: VisitStepView[] = list.map((s) => ({
    position: s.position, category: s.category, categoryName: names.get(s.category) ?? s.category, state: s.state,
  }));
  const inQueue = t.status === 'waiting' || t.status === 'called' || t.status === 'serving';
  return { steps: views, next: inQueue ? visitNextOf(views) : null };
}
