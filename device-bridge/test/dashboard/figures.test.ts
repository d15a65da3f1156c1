/**
 * Dashboard figures and the CSV export over both real hall stores (fixture.ts): a known day of tickets (waits,
 * service times, a no-show, one still waiting), ratings, bad-review follow-ups, appointments and applications in
 * every time-limit state; another day's records must not count. Expected values are worked out by hand below.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationService } from '../../src/hall/applications.ts';
import { CSV_BOM, csvField, dashboardCsv } from '../../src/hall/dashboardCsv.ts';
import { queueFigures, timeLimitFigures, todayFigures } from '../../src/hall/dashboardFigures.ts';
import type { TicketPatch, TicketRecord } from '../../src/store/hallStore.ts';
import { hallFixtureOn, SERVICE_A, SERVICE_B, STORE_BACKENDS, type HallFixture } from '../hall/fixture.ts';

const DAY = '2026-11-25'; // a Wednesday; the fixture's calendar has no holidays
const YESTERDAY = '2026-11-24';
const MIN = 60_000;
/** Test numbers (18 characters); only their masked form may appear in figures. */
const NUMBER_RED = '440101195001011234';
const NUMBER_YELLOW = '440101196002022345';
const NUMBER_ON_TIME = '440101197003033456';
const masked = (n: string) => `${n.slice(0, 4)}${'*'.repeat(10)}${n.slice(-4)}`;

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;

  async function ticket(day: string, number: string, issued: string, patch: TicketPatch = {}): Promise<TicketRecord> {
    const t = await fx.store.insertTicket({
      day, category: number[0], seq: Number(number.slice(1)), number, holderNumber: null, priority: null,
      issuedAt: fx.clock.at(day, issued), appointmentId: null,
    });
    if (Object.keys(patch).length > 0) await fx.store.updateTicket(t.id, patch);
    return t;
  }

  const at = (time: string, day = DAY) => fx.clock.at(day, time);

  beforeEach(async () => {
    fx = await openHallFixture(DAY, '09:00');
    // A: waits 10 and 20 min (call - issue), one served 10 min, one no-show, one still waiting since 08:50.
    const a1 = await ticket(DAY, 'A001', '08:30', { status: 'done', calledAt: at('08:40'), startedAt: at('08:41'), finishedAt: at('08:51') });
    await ticket(DAY, 'A002', '08:35', { status: 'noShow', calledAt: at('08:55') });
    await ticket(DAY, 'A003', '08:50');
    // B: waits 5 min, served 8 min.
    const b1 = await ticket(DAY, 'B001', '08:45', { status: 'done', calledAt: at('08:50'), startedAt: at('08:50'), finishedAt: at('08:58') });
    // Yesterday's ticket: none of its figures count today.
    const old = await ticket(YESTERDAY, 'A001', '09:00', { status: 'done', calledAt: at('11:00', YESTERDAY), startedAt: at('11:00', YESTERDAY),
      finishedAt: at('12:00', YESTERDAY) });

    await fx.store.addTicketRating({ ticketId: a1.id, window: 1, rating: 1, at: at('08:52'), day: DAY });
    await fx.store.addTicketRating({ ticketId: b1.id, window: 2, rating: 4, at: at('08:59'), day: DAY });
    await fx.store.addTicketRating({ ticketId: old.id, window: 1, rating: 5, at: at('12:01', YESTERDAY), day: YESTERDAY });
    await fx.store.addRatingFollowUp({ ticketId: old.id, window: 1, rating: 5, openedAt: at('12:01', YESTERDAY), openedDay: YESTERDAY, deadlineDay: '2026-12-15' });
    await fx.store.addRatingFollowUp({ ticketId: b1.id, window: 2, rating: 4, openedAt: at('08:59'), openedDay: DAY, deadlineDay: '2026-12-16' });

    await fx.store.ensureSlots([
      { serviceId: SERVICE_A, day: DAY, start: '09:00', minutes: 30, capacity: 5 },
      { serviceId: SERVICE_A, day: '2026-11-26', start: '09:00', minutes: 30, capacity: 5 },
    ]);
    const [slot] = await fx.store.listSlots(SERVICE_A, DAY);
    const [tomorrow] = await fx.store.listSlots(SERVICE_A, '2026-11-26');
    const ap = async (slotId: number, holder: string) => fx.store.insertAppointment({ slotId, holderNumber: holder, createdAt: at('08:00', YESTERDAY) });
    const checkedIn = await ap(slot.id, NUMBER_RED);
    const canceled = await ap(slot.id, NUMBER_YELLOW);
    await ap(slot.id, NUMBER_ON_TIME);
    await ap(tomorrow.id, NUMBER_RED);
    await fx.store.updateAppointment(checkedIn.id, { status: 'checkedIn', updatedAt: at('08:45') });
    await fx.store.updateAppointment(canceled.id, { status: 'canceled', updatedAt: at('08:00') });

    const apps = new ApplicationService(fx.store, fx.clock);
    const citizen = (number: string) => ({ number, name: '测试', birthDate: '1970-01-01' });
    // B: 5 working days. Accepted Mon 11-16 -> due Mon 11-23: red on 11-25.
    await apps.submit(citizen(NUMBER_RED), SERVICE_B, { at: at('10:00', '2026-11-16') });
    // Accepted Fri 11-20 -> due Fri 11-27: 2 working days left: yellow. Its step 受理 (limit 1) is over its limit too.
    await apps.submit(citizen(NUMBER_YELLOW), SERVICE_B, { at: at('10:00', '2026-11-20') });
    // A: 10 working days, accepted yesterday: on time (not on the board).
    await apps.submit(citizen(NUMBER_ON_TIME), SERVICE_A, { at: at('10:00', YESTERDAY) });
    // Done: closed, not on the board even though it is long past its due day.
    const done = await apps.submit(citizen(NUMBER_ON_TIME), SERVICE_B, { at: at('10:00', '2026-11-02') });
    for (const step of ['review', 'decided', 'done'] as const) await apps.advance(done.serial, step, step === 'decided' ? '准予' : null, at('11:00', '2026-11-03'));
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  describe('dashboard figures', () => {
    it('queue: waiting per category, average and longest wait (call - issue), oldest waiting, average service (finish - start)', async () => {
      // Calls: A001 at window 2 then recalled at window 1 (its last call: window 1), B001 at window 2, A002 at window 1.
      const call = (ticketId: number, number: string, window: number, time: string) => fx.store.addCounterCall({
        callId: `${number}-${window}-${time}`, ticketId, number, window, text: '', recall: 0, at: at(time), day: DAY, reason: null });
      const today = await fx.store.listTickets(DAY);
      const [a1, a2, b1] = ['A001', 'A002', 'B001'].map((n) => today.find((t) => t.number === n)!);
      await call(a1.id, 'A001', 2, '08:39');
      await call(a1.id, 'A001', 1, '08:40');
      await call(b1.id, 'B001', 2, '08:50');
      await call(a2.id, 'A002', 1, '08:55');
      const windows = [1, 2, 3].map((window) => ({ window, state: 'idle' as const, ticketNumber: null, categories: [] }));
      const q = await queueFigures(fx.store, DAY, fx.clock.now(), windows);
      expect(q.waiting).toBe(1);
      expect(q.averageWaitMs).toBe(Math.round(((10 + 20 + 5) * MIN) / 3));
      expect(q.longestWaitMs).toBe(20 * MIN);
      expect(q.longestWaitingNowMs).toBe(10 * MIN); // A003 since 08:50, now 09:00
      expect(q.averageServiceMs).toBe(9 * MIN);
      // Served = finished tickets by the window of their last call; busy = their finish - start (the no-show counts nowhere).
      expect(q.windows.map((w) => [w.window, w.served, w.busyMs])).toEqual([[1, 1, 10 * MIN], [2, 1, 8 * MIN], [3, 0, 0]]);
      expect(q.categories).toEqual([
        { letter: 'A', name: '综合受理', waiting: 1, issued: 3, averageWaitMs: 15 * MIN, longestWaitMs: 20 * MIN, averageServiceMs: 10 * MIN,
          longestWaitingNowMs: 10 * MIN },
        { letter: 'B', name: '社保医保', waiting: 0, issued: 1, averageWaitMs: 5 * MIN, longestWaitMs: 5 * MIN, averageServiceMs: 8 * MIN, longestWaitingNowMs: null },
        { letter: 'C', name: '不动产登记', waiting: 0, issued: 0, averageWaitMs: null, longestWaitMs: null, averageServiceMs: null, longestWaitingNowMs: null },
      ]);
    });

    it('today: tickets, served, no-shows, ratings of the day, every open bad review, appointments checked in vs booked', async () => {
      const t = await todayFigures(fx.store, DAY);
      expect(t).toMatchObject({ day: DAY, tickets: 4, served: 2, noShows: 1, ratings: [1, 0, 0, 1, 0], appointmentsBooked: 2, appointmentsCheckedIn: 1 });
      expect(t.openBadReviews).toEqual([
        { ticketNumber: 'A001', window: 1, rating: 5, openedDay: YESTERDAY, deadlineDay: '2026-12-15' },
        { ticketNumber: 'B001', window: 2, rating: 4, openedDay: DAY, deadlineDay: '2026-12-16' },
      ]);
    });

    it('time limits: open applications in red and yellow, red first, masked numbers only', async () => {
      const apps = new ApplicationService(fx.store, fx.clock);
      const tl = await timeLimitFigures(fx.store, (a) => apps.view(a));
      expect(tl.red).toBe(1);
      expect(tl.yellow).toBe(1);
      expect(tl.items.map((i) => [i.state, i.maskedNumber, i.dueDay, i.remainingWorkingDays])).toEqual([
        ['red', masked(NUMBER_RED), '2026-11-23', -2],
        ['yellow', masked(NUMBER_YELLOW), '2026-11-27', 2],
      ]);
      expect(tl.items[1]).toMatchObject({ serviceName: '测试事项乙', statusName: '受理', stepOverLimit: true });
      const json = JSON.stringify(tl);
      for (const n of [NUMBER_RED, NUMBER_YELLOW, NUMBER_ON_TIME]) expect(json).not.toContain(n);
    });

    it('CSV: UTF-8 BOM, CRLF, the day\'s figures by section, masked numbers only, quoting where needed', async () => {
      const apps = new ApplicationService(fx.store, fx.clock);
      const csv = dashboardCsv({
        day: DAY,
        queue: await queueFigures(fx.store, DAY, fx.clock.now(), []),
        today: await todayFigures(fx.store, DAY),
        timeLimits: await timeLimitFigures(fx.store, (a) => apps.view(a)),
      });
      expect(csv.startsWith(CSV_BOM)).toBe(true);
      expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = csv.slice(1).split('\r\n');
      expect(lines[lines.length - 1]).toBe('');
      expect(lines).toContain('汇总 summary,日期 day,2026-11-25');
      expect(lines).toContain('汇总 summary,取号 tickets,4');
      expect(lines).toContain('汇总 summary,已办结 served,2');
      // Windows count services done there, not tickets finished: a header that says so, apart from the summary's.
      expect(lines).toContain('分类 section,窗口 window,办件 services done,办理时长(分钟) busy (min)');
      expect(lines).toContain('汇总 summary,过号 no-shows,1');
      expect(lines).toContain('汇总 summary,平均等候(分钟) average wait (min),11.7');
      expect(lines).toContain('汇总 summary,预约已签到 appointments checked in,1');
      expect(lines).toContain('类别 category,A,综合受理,3,1,15.0,20.0,10.0');
      expect(lines).toContain('类别 category,C,不动产登记,0,0,,,');
      expect(lines).toContain('好差评 ratings,4,不满意,1');
      expect(lines).toContain('差评跟进 bad review,B001,2,4,2026-11-25,2026-12-16');
      expect(lines).toContain(`办理时限 time limit,${(await fx.store.listOpenApplications())[0].serial},测试事项乙,${masked(NUMBER_RED)},受理,red,2026-11-23,-2`);
      for (const n of [NUMBER_RED, NUMBER_YELLOW, NUMBER_ON_TIME]) expect(csv).not.toContain(n);
      expect(lines.filter((l) => l === '')).toHaveLength(6); // 5 blank lines between the 6 sections + the final CRLF
    });

    it('CSV: the day\'s per-person limit refusals by kind, and visit steps served per window and category', async () => {
      const apps = new ApplicationService(fx.store, fx.clock);
      const csvOf = async () => dashboardCsv({
        day: DAY, queue: await queueFigures(fx.store, DAY, fx.clock.now(), []), today: await todayFigures(fx.store, DAY),
        timeLimits: await timeLimitFigures(fx.store, (a) => apps.view(a)), visitSteps: await fx.store.listVisitStepsOfDay(DAY),
      }).slice(1).split('\r\n');
      expect((await csvOf()).some((l) => l.startsWith('限额拒绝') || l.startsWith('联办环节'))).toBe(false);

      await fx.store.countLimitRefusal(DAY, 'ticketsPerDay');
      await fx.store.countLimitRefusal(DAY, 'ticketsPerDay');
      await fx.store.countLimitRefusal(DAY, 'openAppointments');
      await fx.store.countLimitRefusal(YESTERDAY, 'ticketsPerCategoryPerDay');
      // Two visits A then B: both A steps finished at window 1, one B step at window 2 (the other still waits there).
      for (const [n, time] of [['A004', '08:52'], ['A005', '08:53']] as const) {
        const v = await ticket(DAY, n, time);
        await fx.store.addVisitSteps(v.id, ['A', 'B']);
        await fx.store.finishVisitStep({ ticketId: v.id, window: 1, startedAt: at('08:55'), at: at('09:00') });
        if (n === 'A004') await fx.store.finishVisitStep({ ticketId: v.id, window: 2, startedAt: at('09:01'), at: at('09:05') });
      }
      const lines = await csvOf();
      expect(lines.filter((l) => l.startsWith('限额拒绝'))).toEqual([
        '限额拒绝 limit refusals,openAppointments,每人未使用预约 / open appointments,1',
        '限额拒绝 limit refusals,ticketsPerDay,每人每日取号 / tickets per day,2',
      ]);
      expect(lines.filter((l) => l.startsWith('联办环节'))).toEqual([
        '联办环节 visit steps,1,A,综合受理,2',
        '联办环节 visit steps,2,B,社保医保,1',
      ]);
    });

    it('csvField quotes commas, quotes and line breaks (RFC 4180) and leaves plain text alone', () => {
      expect(csvField('综合受理')).toBe('综合受理');
      expect(csvField('a,b')).toBe('"a,b"');
      expect(csvField('say "hi"')).toBe('"say ""hi"""');
      expect(csvField('two\nlines')).toBe('"two\nlines"');
      expect(csvField(null)).toBe('');
      expect(csvField(0)).toBe('0');
    });
  });
});
