// Day boundaries and open-appointment limits (README "Running the hall floor") on both real hall stores: limits on
// open appointments refuse saying why and until when, every per-person refusal is counted per kind for the day;
// a manager's pause and close stop tickets and bookings with their words (check-ins still go), resume opens, a
// day's close ends with the day; at the closing time waiting tickets are carried over (numbered first on the next
// working day, called before that day's tickets) or closed with the reason, once however many instances look; and
// numbering restarts at midnight of the hall's time zone.
import { afterEach, describe, expect, it } from 'vitest';
import { fixedOffsetOf } from '../../src/config/site.ts';
import { AppointmentService } from '../../src/hall/appointments.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { HallClock } from '../../src/hall/clock.ts';
import { DayBoundaries, effectiveIntake } from '../../src/hall/dayBoundaries.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { PhoneTicketReader } from '../../src/hall/phoneTicket.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { SERVICE_A, SERVICE_B, hallFixtureOn, libraryHolder, STORE_BACKENDS, type HallFixture } from './fixture.ts';

const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
const liang = citizenFromHolder(libraryHolder('liang-junjie'));

async function refusal(p: Promise<unknown>): Promise<HallRuleError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HallRuleError);
  return err as HallRuleError;
}

describe.each(STORE_BACKENDS)('day boundaries and abuse limits on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);
  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  it('limits open appointments in all and per service, saying until when, and counts each refusal by kind', async () => {
    fx = await openHallFixture('2026-11-25', '10:00');
    const limits = { openAppointments: 2, openAppointmentsPerService: 1, ticketsPerDay: 1 };
    const queue = new QueueService(fx.store, fx.clock, limits);
    const appts = new AppointmentService(fx.store, queue, fx.clock, {}, { limits });
    const first = await appts.bookAt(zhang, SERVICE_A, '2026-11-26', '09:00');
    const perService = await refusal(appts.bookAt(zhang, SERVICE_A, '2026-11-27', '09:00'));
    expect(perService.code).toBe('personLimit');
    expect(perService.zh).toContain('2026-11-26 09:00的预约签到使用或取消后可再预约');
    expect(perService.en).toMatch(/1 open appointments for this service, the limit per person \(1\).*2026-11-26 09:00/);
    await appts.bookAt(zhang, SERVICE_B, '2026-11-27', '10:00');
    const [dept] = await fx.store.listDepartments();
    await fx.store.upsertServiceItem({ id: 'T-0003', departmentId: dept.id, name: '测试事项丙', category: 'C', timeLimitDays: 5, slotCapacity: 3,
      stepLimits: null }, []);
    const total = await refusal(appts.bookAt(zhang, 'T-0003', '2026-11-30', '10:00'));
    expect(total.en).toMatch(/2 open appointments, the limit per person \(2\)/);
    // Somebody else is not counted; a cancelled appointment frees its place.
    await appts.bookAt(wei, SERVICE_A, '2026-11-27', '09:00');
    await appts.cancel(zhang, first.id);
    await appts.bookAt(zhang, SERVICE_A, '2026-11-27', '09:30');
    // Ticket refusals are counted too (one walk-in ticket a day here).
    const t = await queue.takeTicket(liang, 'A');
    await fx.store.updateTicket(t.id, { status: 'done' });
    expect((await refusal(queue.takeTicket(liang, 'B'))).code).toBe('personLimit');
    expect(await fx.store.listLimitRefusals('2026-11-25')).toEqual([
      { kind: 'openAppointments', count: 1 }, { kind: 'openAppointmentsPerService', count: 1 }, { kind: 'ticketsPerDay', count: 1 },
    ]);
  });

  it('pauses and closes intake with the words given; resume and the next day open again; check-ins still go', async () => {
    fx = await openHallFixture('2026-11-25', '10:00');
    const days = new DayBoundaries(fx.store, fx.clock, { at: '17:00', waiting: 'close' });
    const queue = new QueueService(fx.store, fx.clock, {}, {}, days);
    const appts = new AppointmentService(fx.store, queue, fx.clock, {}, { boundaries: days });
    const booked = await appts.bookAt(zhang, SERVICE_A, '2026-11-26', '09:00');
    expect((await days.current()).mode).toBe('open');

    const paused = await days.apply({ action: 'pause', message: '系统维护，暂停取号，请到咨询台' }, 'mgr');
    expect(paused).toMatchObject({ mode: 'paused', message: '系统维护，暂停取号，请到咨询台', by: 'mgr' });
    const r = await refusal(queue.takeTicket(wei, 'A'));
    expect(r.code).toBe('intakePaused');
    expect(r.zh).toBe('系统维护，暂停取号，请到咨询台');
    expect((await refusal(appts.bookAt(wei, SERVICE_A, '2026-11-26', '09:00'))).code).toBe('intakePaused');
    // Another instance on the same data sees the pause.
    expect((await new DayBoundaries(fx.store, fx.clock).current()).mode).toBe('paused');
    // The pause outlasts the day; the check-in of an appointment is not intake.
    fx.clock.set('2026-11-26', '08:45');
    expect((await days.current()).mode).toBe('paused');
    expect((await appts.checkIn(zhang, booked.id)).kind).toBe('priority');

    await days.apply({ action: 'resume' }, 'mgr');
    expect((await queue.takeTicket(wei, 'A')).number).toBe('A002');
    const closed = await days.apply({ action: 'close' }, 'mgr');
    expect(closed).toMatchObject({ mode: 'closed', message: '今日已停止办理，请明日再来' });
    expect((await refusal(queue.takeTicket(liang, 'A'))).zh).toBe('今日已停止办理，请明日再来');
    fx.clock.set('2026-11-27', '09:00');
    expect((await days.current()).mode).toBe('open');
    // From the closing time the schedule closes intake.
    fx.clock.set('2026-11-27', '17:00');
    expect(await days.current()).toMatchObject({ mode: 'closed', by: 'schedule', closingAt: '17:00' });
    expect((await refusal(queue.takeTicket(liang, 'A'))).code).toBe('intakePaused');
  });

  it('carries the waiting tickets over to the next working day at closing time, once, numbered and called first', async () => {
    fx = await openHallFixture('2026-11-27', '16:00'); // a Friday: the next working day is Monday
    const days = new DayBoundaries(fx.store, fx.clock, { at: '17:00', waiting: 'carryOver' }, '08:30');
    const queue = new QueueService(fx.store, fx.clock, {}, {}, days);
    const a1 = await queue.takeTicket(zhang, 'A');
    const a2 = await queue.takeTicket(wei, 'A');
    await fx.store.updateTicket(a2.id, { status: 'done' });
    const a3 = await queue.takeTicket(liang, 'A');
    const anonymous = await queue.takeTicket(null, 'A');
    expect(await days.runClosingIfDue()).toBeNull(); // not time yet
    fx.clock.set('2026-11-27', '17:00');
    expect(await days.runClosingIfDue()).toBe(3);
    expect(await days.runClosingIfDue()).toBeNull();
    expect(await new DayBoundaries(fx.store, fx.clock, { at: '17:00', waiting: 'carryOver' }).runClosingIfDue()).toBeNull();
    expect((await fx.store.getTicket(anonymous.id))?.closedReason).toBe('carriedOver:2026-11-30 A003');
    // Each holder is told through the outbox (kiosk, phone page, gateway), once; the ticket without a card has no one to tell.
    const notices = await fx.store.listNotices();
    expect(notices.map((n) => [n.holderNumber, n.outcome, n.serial, n.serviceName, n.text, n.status])).toEqual([
      [zhang.number, 'carriedOver', a1.number, '综合受理', `您的${a1.number}号今日未能办理，已保留到2026-11-30，新号码A001，当天优先叫号`, 'pending'],
      [liang.number, 'carriedOver', a3.number, '综合受理', `您的${a3.number}号今日未能办理，已保留到2026-11-30，新号码A002，当天优先叫号`, 'pending'],
    ]);
    expect(notices.every((n) => !n.text.includes(zhang.number.slice(0, 10)))).toBe(true);
    expect(await fx.store.getTicket(a1.id)).toMatchObject({ status: 'canceled', closedReason: 'carriedOver:2026-11-30 A001' });
    expect(await fx.store.getTicket(a3.id)).toMatchObject({ status: 'canceled', closedReason: 'carriedOver:2026-11-30 A002' });
    expect((await fx.store.getTicket(a2.id))?.status).toBe('done');
    // The phone page of the old ticket says where the place went.
    const phone = await new PhoneTicketReader(fx.store, fx.clock).view(a1.id);
    expect(phone?.closingNotice?.zh).toBe('今日已停止办理，您的号已保留到2026-11-30，新号码A001，当天优先叫号');
    expect((await new PhoneTicketReader(fx.store, fx.clock).view(a2.id))?.closingNotice).toBeUndefined();

    fx.clock.set('2026-11-30', '08:30');
    const monday = await fx.store.listTickets('2026-11-30', { status: 'waiting' });
    expect(monday.map((t) => [t.number, t.holderNumber])).toEqual([['A001', zhang.number], ['A002', liang.number], ['A003', null]]);
    const fresh = await queue.takeTicket(wei, 'A');
    expect(fresh.number).toBe('A004');
    expect(fresh.ahead).toBe(3);
    expect((await fx.store.nextWaitingTicket('2026-11-30', ['A'], fx.clock.stamp()))?.number).toBe('A001');
    // The citizen's own ticket list shows the kept ticket.
    expect((await queue.ticketsOf(zhang)).map((t) => t.number)).toEqual(['A001']);
  });

  it('closes the waiting tickets with the reason when so configured', async () => {
    fx = await openHallFixture('2026-11-25', '16:00');
    const days = new DayBoundaries(fx.store, fx.clock, { at: '17:30', waiting: 'close' });
    const queue = new QueueService(fx.store, fx.clock, {}, {}, days);
    const t = await queue.takeTicket(zhang, 'B');
    fx.clock.set('2026-11-25', '18:10'); // a bridge started after the closing time still runs it
    expect(await days.runClosingIfDue()).toBe(1);
    expect(await fx.store.getTicket(t.id)).toMatchObject({ status: 'canceled', closedReason: 'closedAtClosing' });
    expect((await fx.store.listNotices({ holderNumber: zhang.number })).map((n) => [n.outcome, n.serial, n.serviceName, n.text])).toEqual([
      ['closedAtClosing', t.number, '社保医保', `您的${t.number}号今日未能办理：今日已停止办理，请明日再来`],
    ]);
    expect((await new PhoneTicketReader(fx.store, fx.clock).view(t.id))?.closingNotice?.zh).toBe('今日已停止办理，请明日再来');
    expect(await fx.store.listTickets('2026-11-26')).toEqual([]);
    expect(await fx.store.getDayClosing('2025-11-25')).toBeUndefined();
    expect((await fx.store.getDayClosing('2026-11-25'))?.waiting).toBe('close');
  });

  it('restarts numbering at midnight of the hall time zone (Asia/Shanghai), not of the server', async () => {
    fx = await openHallFixture('2026-11-25', '09:00');
    const offset = fixedOffsetOf('Asia/Shanghai');
    if (!('minutes' in offset)) throw new Error(offset.problem);
    let now = Date.parse('2026-11-25T15:59:30Z'); // 23:59:30 in Shanghai
    const clock = new HallClock(() => now, offset.minutes);
    const queue = new QueueService(fx.store, clock);
    expect((await queue.takeTicket(zhang, 'A')).number).toBe('A001');
    expect((await queue.takeTicket(wei, 'A')).number).toBe('A002');
    now = Date.parse('2026-11-25T16:00:10Z'); // 00:00:10 on the 26th in Shanghai, still the 25th in UTC
    const next = await queue.takeTicket(liang, 'A');
    expect(next).toMatchObject({ number: 'A001', day: '2026-11-26', issuedAtText: '2026-11-26 00:00' });
  });
});

describe('effectiveIntake', () => {
  it('ends a day\'s close with the day, keeps a pause, and closes from the closing time', () => {
    const closed = { mode: 'closed' as const, message: null, day: '2026-11-25', changedAt: 1, changedBy: 'm' };
    expect(effectiveIntake(closed, '2026-11-25', '10:00', undefined).mode).toBe('closed');
    expect(effectiveIntake(closed, '2026-11-26', '10:00', undefined).mode).toBe('open');
    expect(effectiveIntake({ ...closed, mode: 'paused' }, '2026-12-01', '10:00', undefined).message).toBe('暂停取号和预约，请到咨询台');
    expect(effectiveIntake(undefined, '2026-11-25', '16:59', { at: '17:00', waiting: 'close' }).mode).toBe('open');
    expect(effectiveIntake(undefined, '2026-11-25', '17:00', { at: '17:00', waiting: 'close' }).mode).toBe('closed');
  });
});
