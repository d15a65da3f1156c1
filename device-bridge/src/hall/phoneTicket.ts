/**
 * What the phone page shows of one ticket (README "The phone channel"): position and estimate as the kiosk computes
 * them (hall/queue.ts), and the ticket's latest call with its window. No ID number, no name: only what the printed
 * ticket shows.
 */
import type { PhoneTicketView } from '@onedoor/protocol';
import type { HallClock } from './clock.ts';
import { QueueService } from './queue.ts';
import { closingNoticeOf } from './dayBoundaries.ts';
import type { HallStore } from '../store/hallStore.ts';

/** How far back the day's calls are searched for the ticket's latest one (a hall calls a few hundred a day). */
const CALLS_SEARCHED = 500;

export class PhoneTicketReader {
  private readonly queue: QueueService;

  constructor(private readonly store: HallStore, private readonly clock: HallClock) {
    this.queue = new QueueService(store, clock);
  }

  /** The ticket's view now, or null when there is no such ticket (deleted by retention, or never issued). */
  async view(ticketId: number): Promise<PhoneTicketView | null> {
    const t = await this.store.getTicket(ticketId);
    if (!t) return null;
    const v = await this.queue.view(t, false);
    const latest = t.calledAt === null ? undefined
      : (await this.store.listCounterCalls(t.day, CALLS_SEARCHED)).find((c) => c.ticketId === t.id);
    return {
      number: v.number, category: v.category, categoryName: v.categoryName, day: v.day, issuedAtText: v.issuedAtText,
      status: v.status, ahead: v.ahead, estimatedWaitMinutes: v.estimatedWaitMinutes,
      call: latest ? { window: latest.window, text: latest.text, recall: latest.recall, at: latest.at } : null,
      // A ticket of several services: its steps and where to go next (visits.ts).
      ...(v.visit ? { visit: v.visit } : {}),
      at: this.clock.now(),
      ...(t.closedReason ? { closingNotice: closingNoticeOf(t.closedReason) } : {}),
    };
  }
}
