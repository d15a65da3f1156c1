// Appointment rules on both real stores: booking window (1 day .. 5 working days, 调休 counted), one booking per
// person per service per day, capacity, 2-hour cancellation cutoff, no-show lockout, check-in window.
import { afterEach, describe, expect, it } from 'vitest';
import { AppointmentService, noShowLockoutUntil, DEFAULT_APPOINTMENT_RULES } from '../../src/hall/appointments.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { SERVICE_A, SERVICE_B, libraryHolder, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
  const liang = citizenFromHolder(libraryHolder('liang-junjie'));

  async function setup(day = '2026-11-25', time = '10:00') {
    fx = await openHallFixture(day, time);
    const queue = new QueueService(fx.store, fx.clock);
    return { queue, appts: new AppointmentService(fx.store, queue, fx.clock) };
  }

  async function slotAt(appts: AppointmentService, service: string, day: string, start: string): Promise<number> {
    const s = (await appts.slots(service, day)).find((x) => x.start === start);
    if (!s) throw new Error(`no slot ${day} ${start}`);
    return s.id;
  }

  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; message: string }) => e.code ?? e.message);

  describe('AppointmentService booking', () => {
    it('offers working days from tomorrow to the 5th working day, counting a make-up Saturday and skipping a holiday', async () => {
      const { appts } = await setup();
      await fx.store.setCalendarDay({ day: '2026-11-27', kind: 'holiday', name: '测试假日' });
      await fx.store.setCalendarDay({ day: '2026-11-28', kind: 'workday', name: '测试调休' });
      expect(await appts.bookableDays()).toEqual(['2026-11-26', '2026-11-28', '2026-11-30', '2026-12-01', '2026-12-02']);
      expect(await code(appts.slots(SERVICE_A, '2026-11-25'))).toBe('bookingTooEarly');
      expect(await code(appts.slots(SERVICE_A, '2026-11-27'))).toBe('notWorkingDay');
      expect(await code(appts.slots(SERVICE_A, '2026-11-29'))).toBe('notWorkingDay');
      expect(await code(appts.slots(SERVICE_A, '2026-12-03'))).toBe('bookingTooLate');
      const slots = await appts.slots(SERVICE_A, '2026-11-28');
      expect(slots.map((s) => s.start)).toEqual(DEFAULT_APPOINTMENT_RULES.slotStarts);
      expect(slots[0]).toMatchObject({ start: '09:00', end: '09:30', capacity: 2, remaining: 2 });
      expect((await appts.slots(SERVICE_A, '2026-12-02')).length).toBe(12);
    });

    it('books once per person per service per day, within capacity, and frees the place on cancelling', async () => {
      const { appts } = await setup();
      const s9 = await slotAt(appts, SERVICE_A, '2026-11-26', '09:00');
      const s10 = await slotAt(appts, SERVICE_A, '2026-11-26', '10:00');
      const first = await appts.book(zhang, s9);
      expect(first).toMatchObject({ day: '2026-11-26', start: '09:00', end: '09:30', status: 'booked', maskedNumber: '4401**********1231' });
      expect(await code(appts.book(zhang, s10))).toBe('alreadyBooked');
      expect(await code(appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-11-27', '09:00')))).toBe('ok');
      expect(await code(appts.book(zhang, await slotAt(appts, SERVICE_B, '2026-11-26', '09:00')))).toBe('ok');
      expect(await code(appts.book(wei, s9))).toBe('ok');
      expect(await code(appts.book(liang, s9))).toBe('slotFull');
      expect((await appts.slots(SERVICE_A, '2026-11-26'))[0].remaining).toBe(0);
      await appts.cancel(zhang, first.id);
      expect(await code(appts.book(liang, s9))).toBe('ok');
      expect(await code(appts.book(zhang, s10))).toBe('ok');
      expect((await appts.upcoming(zhang)).map((a) => `${a.day} ${a.start} ${a.serviceId}`)).toEqual([
        '2026-11-26 09:00 T-0002', '2026-11-26 10:00 T-0001', '2026-11-27 09:00 T-0001']);
      // A slot whose day has come is no longer bookable.
      fx.clock.set('2026-11-26', '08:00');
      expect(await code(appts.book(wei, s10))).toBe('bookingTooEarly');
    });

    it('cancels only up to 2 hours before the slot, and only the holder\'s own booking', async () => {
      const { appts } = await setup();
      const a = await appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-11-26', '09:00'));
      const b = await appts.book(wei, await slotAt(appts, SERVICE_A, '2026-11-26', '09:00'));
      expect(await code(appts.cancel(wei, a.id))).toBe('notYourAppointment');
      fx.clock.set('2026-11-26', '07:00');
      expect((await appts.upcoming(zhang))[0].canCancel).toBe(true);
      expect((await appts.cancel(zhang, a.id)).status).toBe('canceled');
      expect(await code(appts.cancel(zhang, a.id))).toBe('appointmentNotActive');
      fx.clock.set('2026-11-26', '07:01');
      expect((await appts.upcoming(wei))[0].canCancel).toBe(false);
      expect(await code(appts.cancel(wei, b.id))).toBe('cancelTooLate');
    });

    it('after 3 no-shows in 30 days refuses bookings for 30 days', async () => {
      const { appts } = await setup();
      for (const day of ['2026-11-26', '2026-11-27', '2026-11-30']) await appts.book(zhang, await slotAt(appts, SERVICE_A, day, '09:00'));
      await appts.book(wei, await slotAt(appts, SERVICE_A, '2026-11-26', '09:30'));
      fx.clock.set('2026-11-30', '12:00');
      expect(await appts.markNoShows()).toBe(3); // 26 and 27 for zhang, 26 for wei; the 30th is today
      fx.clock.set('2026-12-01', '08:00');
      expect(await appts.markNoShows()).toBe(1);
      expect(await appts.markNoShows()).toBe(0);
      expect(await appts.lockoutUntil(zhang)).toBe('2026-12-30');
      expect(await appts.lockoutUntil(wei)).toBeNull();
      expect(await code(appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-12-02', '09:00')))).toBe('noShowLockout');
      expect(await code(appts.book(wei, await slotAt(appts, SERVICE_A, '2026-12-02', '09:00')))).toBe('ok');
      fx.clock.set('2026-12-29', '09:00');
      expect(await code(appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-12-30', '09:00')))).toBe('noShowLockout');
      fx.clock.set('2026-12-30', '09:00');
      expect(await code(appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-12-31', '09:00')))).toBe('ok');
    });

    it('counts no-shows only when three fall within 30 days', () => {
      const rules = DEFAULT_APPOINTMENT_RULES;
      expect(noShowLockoutUntil(['2026-01-01', '2026-01-20', '2026-02-15'], rules)).toBeNull(); // 45 days apart
      expect(noShowLockoutUntil(['2026-01-01', '2026-01-20', '2026-01-30'], rules)).toBe('2026-03-01');
      expect(noShowLockoutUntil(['2026-01-01', '2026-01-20'], rules)).toBeNull();
    });
  });

  describe('AppointmentService check-in', () => {
    it('issues a priority ticket from 30 min before to 15 min after the start, then an ordinary walk-in ticket', async () => {
      const { appts, queue } = await setup();
      const a = await appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-11-26', '10:00'));
      const b = await appts.book(wei, await slotAt(appts, SERVICE_A, '2026-11-26', '10:00'));
      const c = await appts.book(liang, await slotAt(appts, SERVICE_A, '2026-11-26', '10:30'));
      expect(await code(appts.checkIn(zhang, a.id))).toBe('checkInNotToday');
      fx.clock.set('2026-11-26', '09:10');
      const walkIn = await queue.takeTicket({ number: 'W1', name: 'w', birthDate: '1990-01-01' }, 'A');
      fx.clock.set('2026-11-26', '09:25');
      const old = await queue.takeTicket(citizenFromHolder(libraryHolder('wang-guifen')), 'A');
      fx.clock.set('2026-11-26', '09:29');
      expect(await code(appts.checkIn(zhang, a.id))).toBe('checkInTooEarly');
      expect(await code(appts.checkIn(wei, a.id))).toBe('notYourAppointment');
      fx.clock.set('2026-11-26', '09:30');
      const early = await appts.checkIn(zhang, a.id);
      expect(early.kind).toBe('priority');
      expect(early.ticket).toMatchObject({ priority: 'appointment', ahead: 1, category: 'A', maskedNumber: '4401**********1231' });
      expect(early.appointment.status).toBe('checkedIn');
      expect((await queue.ticket(walkIn.id)).ahead).toBe(2);
      // Before its slot starts, a checked-in appointment ranks with the green channel (by issue time); from the start, first.
      fx.clock.set('2026-11-26', '10:00');
      expect((await queue.ticket(early.ticket.id)).ahead).toBe(0);
      expect((await queue.ticket(old.id)).ahead).toBe(1);
      expect((await queue.ticket(walkIn.id)).ahead).toBe(2);
      expect(await code(appts.checkIn(zhang, a.id))).toBe('appointmentNotActive');
      fx.clock.set('2026-11-26', '10:15');
      expect((await appts.checkIn(wei, b.id)).kind).toBe('priority');
      fx.clock.set('2026-11-26', '10:45');
      expect((await appts.checkIn(liang, c.id)).kind).toBe('priority');
      const d = await appts.book(liang, await slotAt(appts, SERVICE_B, '2026-11-27', '10:00'));
      fx.clock.set('2026-11-27', '10:16');
      const late = await appts.checkIn(liang, d.id);
      expect(late.kind).toBe('walkIn');
      expect(late.ticket.priority).toBeNull();
      expect(late.appointment.status).toBe('late');
      // A late arrival is not a no-show.
      fx.clock.set('2026-11-30', '09:00');
      expect(await appts.markNoShows()).toBe(0);
    });

    it('checking in while holding a waiting walk-in ticket in that category upgrades it: same number, appointment priority', async () => {
      const { appts, queue } = await setup();
      const a = await appts.book(zhang, await slotAt(appts, SERVICE_A, '2026-11-26', '10:00'));
      fx.clock.set('2026-11-26', '09:20');
      const other = await queue.takeTicket(wei, 'A');
      const walkIn = await queue.takeTicket(zhang, 'A');
      expect(walkIn.priority).toBeNull();
      fx.clock.set('2026-11-26', '10:00');
      const done = await appts.checkIn(zhang, a.id);
      expect(done.kind).toBe('priority');
      expect(done.ticket).toMatchObject({ id: walkIn.id, number: walkIn.number, priority: 'appointment', ahead: 0 });
      expect(done.appointment.status).toBe('checkedIn');
      expect((await queue.ticket(walkIn.id)).priority).toBe('appointment'); // stored, not only in the answer
      expect((await queue.ticket(other.id)).ahead).toBe(1);
      // Still one waiting ticket for the person in the category.
      expect((await queue.ticketsOf(zhang)).filter((t) => t.status === 'waiting')).toHaveLength(1);
    });
  });
});
