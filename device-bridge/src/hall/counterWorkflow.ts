/**
 * The counter workflow (README "For the hall: counter terminals and the hall display";
 * hall-rules.md "Queue", "Ratings"): key presses and ratings from the window terminals on the
 * counter bus drive the queue.
 *
 * - callNext: the next waiting ticket of the window's categories, in calling order (checked-in appointments whose
 *   slot has started, then priority tickets, then by issue time: `callsBefore` of queue.ts); recall at most 3 times;
 *   start; finish; noShow (过号: the ticket is void); transfer to another category (keeps its number and original
 *   issue time; key argument -> letter by config); pause/resume (a paused window calls nobody).
 * - A ticket of several services (visits.ts): finish ends the current step and sends the ticket on to the next
 *   step's queue (same number, original issue time); the ticket is done after its last step. The display's latest
 *   calls then say where it goes next.
 * - After finish the rating pad lights; the rating (1..5) is stored with the ticket (one per ticket); 不满意 and
 *   非常不满意 open a follow-up due 15 working days later (working-day calendar of calendar.ts).
 * - Every call (and recall) is a `call` event {callId, ticketNumber, window, text 请A012号到3号窗口办理, recall, at}.
 *
 * Never lost, applied once: each terminal event gets an id (device, unit, poll time, index within the poll) and is
 * applied in ONE transaction together with the record that it was applied (`counter_applied_events`), so a replayed
 * event changes nothing. Events wait in order per window; when the hall database fails, the event stays at the head
 * of its window's queue, the terminal shows `ERR DB` (blinking until changed), and it is tried again every
 * `retryMs` until it applies. A terminal that was offline keeps its presses in its FIFO (counter-bus.md "Events are
 * never lost between polls") and the driver delivers them when it answers again; its display and LED are then set
 * from the stored window state (`terminalOnline`). Refusals (nothing waiting, recall limit, paused, ...) are
 * outcomes, recorded like the rest, and shown on the terminal for `refusalShowMs`.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  COUNTER_RATINGS, DISPLAY_RECENT_CALLS, hallCallText, type CounterTerminalEvent, type CounterWindowState,
  type DisplayBoard, type DisplayWindowView, type HallCallEvent,
} from '@onedoor/protocol';
import type { Logger } from 'pino';
import type {
  CounterCallRecord, CounterWindowRecord, HallRepository, HallStore, TicketRecord,
} from '../store/hallStore.ts';
import { loadWorkingCalendar } from './calendar.ts';
import { HallClock } from './clock.ts';
import { MAX_RECALLS, type CounterWindowConfig, type CounterWorkflowConfig } from './counterConfig.ts';
import {
  DB_ERROR_TEXT, REFUSAL_TEXTS, TerminalWriter, terminalLook, type CounterRefusal, type CounterTerminalPort,
} from './counterOutputs.ts';
import { callClassOf, calledClassOf, pickInCategory, ruleOf } from './callingRules.ts';
import { callsBefore } from './queue.ts';
import { visitViewOf } from './visits.ts';
import { currentVisitStep } from '../store/visitRecords.ts';
import { collectedByTicket } from './resultCollection.ts';

/** hall-rules.md "Ratings": every bad review is followed up within 15 working days. */
export const BAD_REVIEW_FOLLOW_UP_WORKING_DAYS = 15;

/**
 * A category's calls read for its calling ratio: above any day of one category (999 numbers, hall-rules.md "A001",
 * each first-called once, plus tickets transferred in), so the count since the last appointment or green-channel
 * call is exact.
 */
const CATEGORY_CALLS_READ = 5_000;

/** A terminal event, optionally with the id it was given before (a replay carries the same id). */
export type CounterWorkflowInput = CounterTerminalEvent & { eventId?: string };

export interface AppliedCounterEvent {
  eventId: string;
  window: number;
  key: string;
  outcome: string;
  /** true: the id was applied before; nothing changed now. */
  duplicate: boolean;
}

export interface CounterWorkflowEvents {
  call: [call: HallCallEvent];
  window: [view: DisplayWindowView];
  applied: [applied: AppliedCounterEvent];
  /** An event could not be applied now (database down); it stays queued and is retried. */
  deferred: [info: { eventId: string; window: number; reason: string }];
}

export interface CounterWorkflowOptions {
  /** null: the hall database could not be opened; every press shows ERR DB and waits. */
  store: HallStore | null;
  clock?: HallClock;
  config: CounterWorkflowConfig;
  /** The counter bus driver of a device id (CounterBusDriver fits). */
  terminals: (deviceId: string) => CounterTerminalPort | undefined;
  log: Logger;
}

interface QueuedEvent {
  event: CounterTerminalEvent;
  eventId: string;
}

interface WindowRuntime {
  cfg: CounterWindowConfig;
  writer: TerminalWriter;
  queue: QueuedEvent[];
  running: boolean;
  dbDown: boolean;
  retryTimer: ReturnType<typeof setTimeout> | null;
  restoreTimer: ReturnType<typeof setTimeout> | null;
}

/** What one event did, decided inside its transaction. */
interface Step {
  outcome: string;
  call?: CounterCallRecord;
  ratingPad?: boolean;
  refusal?: CounterRefusal;
}

interface Applied extends Step {
  duplicate: boolean;
  view: DisplayWindowView;
}

const refuse = (refusal: CounterRefusal, why: string): Step => ({ outcome: `refused (${refusal}): ${why}`, refusal });

export class CounterWorkflow {
  readonly events = new EventEmitter<CounterWorkflowEvents>();
  readonly config: CounterWorkflowConfig;
  private readonly store: HallStore | null;
  private readonly clock: HallClock;
  private readonly log: Logger;
  private readonly windows = new Map<number, WindowRuntime>();
  private readonly byTerminal = new Map<string, WindowRuntime>();
  /** Last poll time and index per terminal, to number the events of one poll (they share `at`). */
  private readonly pollIndex = new Map<string, { at: number; n: number }>();
  private closed = false;

  constructor(opts: CounterWorkflowOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? new HallClock();
    this.config = opts.config;
    this.log = opts.log.child({ component: 'counterWorkflow' });
    for (const cfg of opts.config.windows) {
      const rt: WindowRuntime = {
        cfg,
        writer: new TerminalWriter(() => {
          const port = opts.terminals(cfg.deviceId);
          return port ? { port, deviceId: cfg.deviceId, unit: cfg.unit } : undefined;
        }, this.log),
        queue: [],
        running: false,
        dbDown: false,
        retryTimer: null,
        restoreTimer: null,
      };
      this.windows.set(cfg.window, rt);
      this.byTerminal.set(terminalKey(cfg.deviceId, cfg.unit), rt);
    }
  }

  /** The window a terminal serves, if any. */
  windowOf(deviceId: string, unit: number): number | undefined {
    return this.byTerminal.get(terminalKey(deviceId, unit))?.cfg.window;
  }

  /**
   * Takes a terminal event (from the driver, in FIFO order per terminal) and applies it as soon as it can. Events of
   * terminals that are no window are ignored. Returns the id the event is applied under.
   */
  receive(input: CounterWorkflowInput): string | undefined {
    const rt = this.byTerminal.get(terminalKey(input.deviceId, input.unit));
    if (!rt || this.closed) return undefined;
    const { eventId: given, ...event } = input;
    const eventId = given ?? this.nextEventId(event);
    if (rt.queue.length >= this.config.maxQueuedPerWindow) {
      // The bus already acknowledged it; say so on the terminal rather than pretend.
      this.log.error({ window: rt.cfg.window, eventId, key: event.key }, 'counter event dropped: too many waiting for the hall database');
      void rt.writer.error(REFUSAL_TEXTS.overflow);
      return undefined;
    }
    rt.queue.push({ event, eventId });
    void this.pump(rt);
    return eventId;
  }

  /**
   * Resolves when every window's queue is empty, or waits for the database, and its terminal writes were tried
   * (tests, shutdown).
   */
  async settled(): Promise<void> {
    for (const rt of this.windows.values()) {
      while (rt.queue.length > 0 && !rt.dbDown && !this.closed) await new Promise((r) => setTimeout(r, 10));
      await rt.writer.idle();
    }
  }

  /** Events waiting (database down), per window. */
  pending(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const [w, rt] of this.windows) out[w] = rt.queue.length;
    return out;
  }

  /** A terminal answers again (or for the first time): show its window's state, and retry what waits. */
  terminalOnline(deviceId: string, unit: number): void {
    const rt = this.byTerminal.get(terminalKey(deviceId, unit));
    if (!rt || this.closed) return;
    void this.refresh(rt);
    void this.pump(rt);
  }

  /** Show every window's stored state on its terminal (start-up). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.windows.values()].map((rt) => this.refresh(rt)));
  }

  /** Every configured window and today's latest calls, for the hall display. */
  async board(): Promise<DisplayBoard> {
    const serverTime = this.clock.now();
    const utcOffsetMinutes = this.clock.utcOffsetMinutes;
    const announce = this.config.announce;
    if (!this.store) return { windows: [...this.windows.keys()].sort((a, b) => a - b).map(idleView), calls: [], serverTime, utcOffsetMinutes, announce };
    const windows: DisplayWindowView[] = [];
    for (const w of [...this.windows.keys()].sort((a, b) => a - b)) windows.push(await this.viewIn(this.store, w));
    const calls = await this.withNextSteps(this.store, await this.store.listCounterCalls(this.clock.dayOf(serverTime), DISPLAY_RECENT_CALLS));
    return { windows, calls, serverTime, utcOffsetMinutes, announce };
  }

  close(): void {
    this.closed = true;
    for (const rt of this.windows.values()) {
      if (rt.retryTimer) clearTimeout(rt.retryTimer);
      if (rt.restoreTimer) clearTimeout(rt.restoreTimer);
      rt.retryTimer = rt.restoreTimer = null;
    }
  }

  // ---- applying ---------------------------------------------------------------------------------------------

  private nextEventId(e: CounterTerminalEvent): string {
    const key = terminalKey(e.deviceId, e.unit);
    const last = this.pollIndex.get(key);
    const n = last && last.at === e.at ? last.n + 1 : 0;
    this.pollIndex.set(key, { at: e.at, n });
    return `${key}@${e.at}#${n}`;
  }

  private async pump(rt: WindowRuntime): Promise<void> {
    if (rt.running || this.closed) return;
    rt.running = true;
    try {
      while (rt.queue.length > 0 && !this.closed) {
        const item = rt.queue[0];
        let applied: Applied;
        try {
          const store = this.store;
          if (!store) throw new Error('hall database is not open');
          applied = await store.withTransaction((tx) => this.applyIn(tx, rt.cfg, item.event, item.eventId));
        } catch (err) {
          this.deferred(rt, item, err as Error);
          return;
        }
        rt.queue.shift();
        const recovered = rt.dbDown;
        rt.dbDown = false;
        this.after(rt, item, applied, recovered);
      }
    } finally {
      rt.running = false;
    }
  }

  private deferred(rt: WindowRuntime, item: QueuedEvent, err: Error): void {
    if (!rt.dbDown) this.log.error({ window: rt.cfg.window, eventId: item.eventId, err: err.message }, 'counter event waits: hall database unavailable');
    rt.dbDown = true;
    this.events.emit('deferred', { eventId: item.eventId, window: rt.cfg.window, reason: err.message });
    if (rt.restoreTimer) clearTimeout(rt.restoreTimer);
    rt.restoreTimer = null;
    void rt.writer.error(DB_ERROR_TEXT);
    if (rt.retryTimer || this.closed) return;
    rt.retryTimer = setTimeout(() => {
      rt.retryTimer = null;
      void this.pump(rt);
    }, this.config.retryMs);
  }

  private after(rt: WindowRuntime, item: QueuedEvent, a: Applied, recovered: boolean): void {
    const w = rt.cfg.window;
    this.events.emit('applied', { eventId: item.eventId, window: w, key: item.event.key, outcome: a.outcome, duplicate: a.duplicate });
    if (a.duplicate) {
      if (recovered) void rt.writer.look(terminalLook(a.view.state, a.view.ticketNumber));
      return;
    }
    this.log.info({ window: w, key: item.event.key, outcome: a.outcome }, 'counter event applied');
    if (a.call) this.events.emit('call', callEvent(a.call));
    this.events.emit('window', a.view);
    const look = terminalLook(a.view.state, a.view.ticketNumber);
    if (rt.restoreTimer) clearTimeout(rt.restoreTimer);
    rt.restoreTimer = null;
    if (a.refusal) {
      void rt.writer.refusal(REFUSAL_TEXTS[a.refusal]);
      rt.restoreTimer = setTimeout(() => {
        rt.restoreTimer = null;
        if (!rt.dbDown) void rt.writer.look(look);
      }, this.config.refusalShowMs);
      return;
    }
    void rt.writer.look(look, a.call !== undefined);
    if (a.ratingPad !== undefined) void rt.writer.ratingPad(a.ratingPad);
  }

  private refresh(rt: WindowRuntime): Promise<void> {
    return rt.writer.refresh(async () => {
      const store = this.store;
      if (rt.dbDown || !store) return null;
      try {
        const view = await this.viewIn(store, rt.cfg.window);
        const st = await store.getCounterWindow(rt.cfg.window);
        return { look: terminalLook(view.state, view.ticketNumber), ratingPad: st?.ratingTicketId != null };
      } catch (err) {
        this.log.error({ window: rt.cfg.window, err: (err as Error).message }, 'counter window state unavailable');
        return null;
      }
    });
  }

  /** One event, inside its transaction: refuse or change, and record that it was applied. */
  private async applyIn(tx: HallRepository, cfg: CounterWindowConfig, ev: CounterTerminalEvent, eventId: string): Promise<Applied> {
    const seen = await tx.getAppliedCounterEvent(eventId);
    if (seen) return { outcome: seen.outcome, duplicate: true, view: await this.viewIn(tx, cfg.window) };
    const now = this.clock.now();
    const st: CounterWindowRecord = (await tx.getCounterWindow(cfg.window))
      ?? { window: cfg.window, ticketId: null, recalls: 0, paused: false, ratingTicketId: null, updatedAt: now };
    let cur = st.ticketId !== null ? await tx.getTicket(st.ticketId) : undefined;
    if (cur && cur.status !== 'called' && cur.status !== 'serving') {
      // Changed elsewhere (e.g. canceled by staff): the window no longer holds it.
      st.ticketId = null;
      st.recalls = 0;
      cur = undefined;
    }
    const step = await this.step(tx, cfg, st, cur, ev, now);
    st.updatedAt = now;
    await tx.saveCounterWindow(st);
    if (step.call) await tx.addCounterCall(step.call);
    await tx.addAppliedCounterEvent({ eventId, window: cfg.window, key: ev.key, outcome: step.outcome, appliedAt: now });
    return { ...step, duplicate: false, view: await this.viewIn(tx, cfg.window) };
  }

  private async step(tx: HallRepository, cfg: CounterWindowConfig, st: CounterWindowRecord, cur: TicketRecord | undefined,
    ev: CounterTerminalEvent, now: number): Promise<Step> {
    switch (ev.key) {
      case 'callNext': {
        if (st.paused) return refuse('paused', 'the window is paused');
        if (cur) return refuse('busy', `${cur.number} is still ${cur.status}: finish, no-show or transfer it first`);
        const pick = await this.nextTicket(tx, cfg, now);
        if (!pick) return refuse('noneWaiting', `no ticket waits in ${cfg.categories.join('') || 'any category'}`);
        const next = pick.ticket;
        await tx.updateTicket(next.id, { status: 'called', calledAt: now });
        st.ticketId = next.id;
        st.recalls = 0;
        return { outcome: `called ${next.number}`, call: this.callRecord(next, cfg.window, 0, now, pick.reason) };
      }
      case 'recall': {
        if (!cur) return refuse('noTicket', 'no ticket is called at this window');
        if (cur.status !== 'called') return refuse('alreadyStarted', `${cur.number} is being served`);
        const limit = ruleOf(this.config.callingRules, cur.category).recallsBeforeNoShow;
        if (limit !== undefined && st.recalls >= limit) {
          // Calling rule: after N unanswered recalls the next recall is the no-show (README "Running the hall floor").
          const gone = await this.noShow(tx, cfg, cur, now);
          st.ticketId = null;
          st.recalls = 0;
          return { outcome: `${gone} after ${limit} recalls` };
        }
        if (st.recalls >= MAX_RECALLS) return refuse('recallLimit', `${cur.number} was recalled ${MAX_RECALLS} times`);
        st.recalls++;
        return { outcome: `recalled ${cur.number} (${st.recalls})`, call: this.callRecord(cur, cfg.window, st.recalls, now, 'recall') };
      }
      case 'start': {
        if (!cur) return refuse('noTicket', 'no ticket is called at this window');
        if (cur.status === 'serving') return refuse('alreadyStarted', `${cur.number} is being served`);
        await tx.updateTicket(cur.id, { status: 'serving', startedAt: now });
        return { outcome: `started ${cur.number}` };
      }
      case 'finish': {
        if (!cur) return refuse('noTicket', 'no ticket is called at this window');
        const onward = await this.finishVisitStep(tx, cfg, cur, now);
        // Finished without pressing start: the service began at the call's end, i.e. now (no made-up duration).
        if (!onward.moved) await tx.updateTicket(cur.id, { status: 'done', startedAt: cur.startedAt ?? now, finishedAt: now });
        st.ticketId = null;
        st.recalls = 0;
        st.ratingTicketId = cur.id;
        // A pickup ticket: its result is handed out at this window now (README "Collecting results (领取结果)").
        const collected = await collectedByTicket(tx, cur.id, cfg.window, now);
        return { outcome: `finished ${cur.number}${onward.note}${collected ? `: result of ${collected} collected` : ''}`, ratingPad: true };
      }
      case 'noShow': {
        if (!cur) return refuse('noTicket', 'no ticket is called at this window');
        if (cur.status === 'serving') return refuse('alreadyStarted', `${cur.number} is being served`);
        const gone = await this.noShow(tx, cfg, cur, now);
        st.ticketId = null;
        st.recalls = 0;
        return { outcome: gone };
      }
      case 'transfer':
        return this.transfer(tx, cfg, st, cur, ev.arg, now);
      case 'pause':
        if (cur) return refuse('busy', `${cur.number} is still ${cur.status}`);
        st.paused = true;
        return { outcome: 'paused' };
      case 'resume':
        st.paused = false;
        return { outcome: 'resumed' };
      case 'rating':
        return this.rate(tx, cfg, st, ev.rating, now);
      default:
        return { outcome: `ignored ${ev.key}` };
    }
  }

  private async transfer(tx: HallRepository, cfg: CounterWindowConfig, st: CounterWindowRecord, cur: TicketRecord | undefined,
    arg: number, now: number): Promise<Step> {
    if (!cur) return refuse('noTicket', 'no ticket is called at this window');
    const letter = this.config.transferCategories[String(arg)];
    if (!letter || !(await tx.getQueueCategory(letter))) return refuse('badCategory', `transfer target ${arg} is no queue category`);
    if (letter === cur.category) return refuse('badCategory', `${cur.number} is already in category ${letter}`);
    if (cur.holderNumber !== null && (await tx.findWaitingTicket(cur.day, letter, cur.holderNumber))) {
      // hall-rules.md: one waiting ticket per person per category.
      return refuse('duplicate', `the holder of ${cur.number} already waits in category ${letter}`);
    }
    await tx.transferTicket({ ticketId: cur.id, fromCategory: cur.category, toCategory: letter, window: cfg.window, at: now });
    st.ticketId = null;
    st.recalls = 0;
    return { outcome: `transferred ${cur.number} to ${letter}` };
  }

  /**
   * The current step of a ticket of several services (visits.ts): finished here; `moved` when the ticket now waits
   * at its next step. The visit ends early when the holder already waits in the next step's category with another
   * ticket (hall-rules.md: one waiting ticket per person per category).
   */
  private async finishVisitStep(tx: HallRepository, cfg: CounterWindowConfig, cur: TicketRecord, now: number): Promise<{ moved: boolean; note: string }> {
    const steps = await tx.listVisitSteps(cur.id);
    const step = currentVisitStep(steps);
    if (!step) return { moved: false, note: '' };
    const following = steps.find((s) => s.position > step.position && s.state === 'waiting');
    const other = following && cur.holderNumber !== null ? await tx.findWaitingTicket(cur.day, following.category, cur.holderNumber) : undefined;
    const next = await tx.finishVisitStep({ ticketId: cur.id, window: cfg.window, startedAt: cur.startedAt ?? now, at: now,
      endVisit: other !== undefined });
    const of = `step ${step.position}/${steps.length}`;
    if (next) return { moved: true, note: ` (${of}): waits in ${next.category} for step ${next.position}` };
    return { moved: false, note: other ? ` (${of}): visit ended, the holder waits in ${following!.category} with ${other.number}` : ` (${of})` };
  }

  /** The display's latest calls; a ticket's latest one says where it goes next when a visit step was finished. */
  private async withNextSteps(repo: HallRepository, records: readonly CounterCallRecord[]): Promise<HallCallEvent[]> {
    const seen = new Set<number>();
    const out: HallCallEvent[] = [];
    for (const c of records) {
      const event = callEvent(c);
      if (!seen.has(c.ticketId)) {
        seen.add(c.ticketId);
        const t = await repo.getTicket(c.ticketId);
        const next = t?.status === 'waiting' ? (await visitViewOf(repo, t))?.next : undefined;
        if (next) event.next = { zh: next.zh, en: next.en };
      }
      out.push(event);
    }
    return out;
  }

  private async rate(tx: HallRepository, cfg: CounterWindowConfig, st: CounterWindowRecord, rating: number, now: number): Promise<Step> {
    const ticketId = st.ratingTicketId;
    if (ticketId === null) return { outcome: `ignored rating ${rating}: no finished ticket waits for one` };
    st.ratingTicketId = null;
    const ticket = await tx.getTicket(ticketId);
    const day = this.clock.dayOf(now);
    const stored = await tx.addTicketRating({ ticketId, window: cfg.window, rating, at: now, day });
    if (!stored) return { outcome: `ignored rating ${rating}: ${ticket?.number ?? ticketId} was rated before`, ratingPad: false };
    const bad = COUNTER_RATINGS.find((r) => r.rating === rating)?.bad === true;
    if (!bad) return { outcome: `rated ${ticket?.number ?? ticketId} ${rating}`, ratingPad: false };
    const calendar = await loadWorkingCalendar(tx);
    const deadlineDay = calendar.addWorkingDays(day, BAD_REVIEW_FOLLOW_UP_WORKING_DAYS);
    await tx.addRatingFollowUp({ ticketId, window: cfg.window, rating, openedAt: now, openedDay: day, deadlineDay });
    return { outcome: `rated ${ticket?.number ?? ticketId} ${rating}: follow-up due ${deadlineDay}`, ratingPad: false };
  }

  /**
   * A no-show: void, or into the hold pool when its category keeps one (README "Running the hall floor"); the
   * outcome says which.
   */
  private async noShow(tx: HallRepository, cfg: CounterWindowConfig, cur: TicketRecord, now: number): Promise<string> {
    await tx.updateTicket(cur.id, { status: 'noShow' });
    const minutes = ruleOf(this.config.callingRules, cur.category).holdMinutes;
    if (minutes === 0) return `no-show ${cur.number} (void)`;
    const untilAt = now + minutes * 60_000;
    await tx.addTicketHold({ ticketId: cur.id, window: cfg.window, heldAt: now, untilAt, releasedAt: null });
    return `no-show ${cur.number} (held until ${this.clock.stamp(untilAt)})`;
  }

  /**
   * Brings a held ticket back to the queue (a clerk or manager, when the citizen returned within the category's
   * hold time): waiting again with its original number and issue time, so it keeps its place.
   */
  async returnFromHold(ticketId: number): Promise<{ ok: true; number: string } | { ok: false; why: string }> {
    const store = this.store;
    if (!store) return { ok: false, why: 'the hall database is not open' };
    const r = await store.withTransaction(async (tx) => {
      const now = this.clock.now();
      const hold = await tx.getTicketHold(ticketId);
      const t = await tx.getTicket(ticketId);
      if (!hold || !t) return { ok: false as const, why: 'this ticket was not put on hold' };
      if (hold.releasedAt !== null) return { ok: false as const, why: `${t.number} was brought back before` };
      if (hold.untilAt < now) return { ok: false as const, why: `${t.number}: the hold ran out at ${this.clock.stamp(hold.untilAt)}` };
      if (t.status !== 'noShow' || t.day !== this.clock.dayOf(now)) return { ok: false as const, why: `${t.number} is no longer held` };
      if (t.holderNumber !== null && (await tx.findWaitingTicket(t.day, t.category, t.holderNumber))) {
        return { ok: false as const, why: `the holder of ${t.number} already waits in category ${t.category}` };
      }
      await tx.updateTicket(t.id, { status: 'waiting', calledAt: null });
      await tx.releaseTicketHold(t.id, now);
      return { ok: true as const, number: t.number };
    });
    return r;
  }

  /** Open holds (the dashboard's hold pool). */
  async holds(): Promise<Array<{ ticketId: number; number: string; category: string; window: number; heldAt: number; untilAt: number }>> {
    const store = this.store;
    if (!store) return [];
    const out = [];
    for (const h of await store.listOpenTicketHolds(this.clock.now())) {
      const t = await store.getTicket(h.ticketId);
      if (t && t.status === 'noShow') out.push({ ticketId: h.ticketId, number: t.number, category: t.category, window: h.window, heldAt: h.heldAt, untilAt: h.untilAt });
    }
    return out;
  }

  /**
   * The next ticket of the window's categories: each category's pick under its calling rule (callingRules.ts),
   * then across categories by hall-rules.md "Calling order" (callsBefore of queue.ts).
   */
  private async nextTicket(tx: HallRepository, cfg: CounterWindowConfig, now: number): Promise<{ ticket: TicketRecord; reason: string } | undefined> {
    // Calling rule firstCategories (e.g. the result pickup category): a window serving one calls it before the rest.
    for (const first of this.config.callingRules.firstCategories) {
      if (cfg.categories.length > 0 && !cfg.categories.includes(first)) continue;
      if (cfg.categories.length === 1) break;
      const pick = await this.pickAmong(tx, { ...cfg, categories: [first] }, now);
      if (pick) return { ticket: pick.ticket, reason: `${first}类优先 / category ${first} first at this window · ${pick.reason}` };
    }
    return this.pickAmong(tx, cfg, now);
  }

  /** The next ticket among the window's categories under their calling rules (no category preferred). */
  private async pickAmong(tx: HallRepository, cfg: CounterWindowConfig, now: number): Promise<{ ticket: TicketRecord; reason: string } | undefined> {
    const day = this.clock.dayOf(now);
    // Strict rules (the default) are hall-rules.md "Calling order" itself: the database picks over the waiting
    // queue's index (store/ticketOrderSql.ts) without reading the queue whole. Ratios need the category's calls.
    const categories = cfg.categories.length > 0 ? cfg.categories : null;
    const rules = categories ? categories.map((c) => ruleOf(this.config.callingRules, c))
      : [this.config.callingRules.default, ...Object.values(this.config.callingRules.categories)];
    if (rules.every((r) => r.appointments.mode === 'strict' && r.greenChannel.mode === 'strict')) {
      const ticket = await tx.nextWaitingTicket(day, cfg.categories, this.clock.stamp(now));
      if (!ticket) return undefined;
      const appointment = ticket.priority === 'appointment' && ticket.appointmentId !== null ? await tx.getAppointment(ticket.appointmentId) : undefined;
      const slotStarted = ticket.priority === 'appointment' && (!appointment || this.clock.at(appointment.day, appointment.start) <= now);
      const kind = callClassOf(ticket, slotStarted);
      return {
        ticket,
        reason: kind === 'appointment' ? '预约号优先 / appointment first (strict)'
          : kind === 'green' ? '绿色通道优先 / green channel first (strict)' : '按取号顺序 / walk-in in issue order',
      };
    }
    // Ratios: per category, only the tickets a rule can pick (the earliest of each class) and the category's calls.
    const letters = categories ?? (await tx.listQueueCategories()).map((c) => c.letter);
    const started = new Set<number>();
    const slotStarted = (t: TicketRecord) => started.has(t.id);
    let best: { ticket: TicketRecord; reason: string } | undefined;
    for (const category of letters) {
      const candidates = await tx.listCallCandidates(day, category);
      if (candidates.length === 0) continue;
      for (const t of candidates) {
        if (t.priority !== 'appointment' || t.appointmentId === null) continue;
        const a = await tx.getAppointment(t.appointmentId);
        if (!a || this.clock.at(a.day, a.start) <= now) started.add(t.id);
      }
      const history = (await tx.listCalledOfCategory(day, category, CATEGORY_CALLS_READ)).reverse().map(calledClassOf);
      const pick = pickInCategory(candidates, slotStarted, history, ruleOf(this.config.callingRules, category));
      if (pick && (!best || callsBefore(pick.ticket, best.ticket, slotStarted))) best = pick;
    }
    return best;
  }

  private callRecord(t: TicketRecord, window: number, recall: number, now: number, reason: string): CounterCallRecord {
    return {
      callId: randomUUID(), ticketId: t.id, number: t.number, window, text: hallCallText(t.number, window), recall,
      at: now, day: this.clock.dayOf(now), reason,
    };
  }

  private async viewIn(repo: HallRepository, window: number): Promise<DisplayWindowView> {
    const st = await repo.getCounterWindow(window);
    if (!st) return idleView(window);
    const t = st.ticketId !== null ? await repo.getTicket(st.ticketId) : undefined;
    const state: CounterWindowState = st.paused ? 'paused'
      : t?.status === 'serving' ? 'serving'
      : t?.status === 'called' ? 'called'
      : 'idle';
    return { window, state, ticketNumber: state === 'called' || state === 'serving' ? t!.number : null };
  }
}

function terminalKey(deviceId: string, unit: number): string {
  return `${deviceId}/${unit}`;
}

function idleView(window: number): DisplayWindowView {
  return { window, state: 'idle', ticketNumber: null };
}

function callEvent(c: CounterCallRecord): HallCallEvent {
  return { callId: c.callId, ticketNumber: c.number, window: c.window, text: c.text, recall: c.recall, at: c.at, reason: c.reason ?? undefined };
}
