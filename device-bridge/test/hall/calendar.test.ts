// Working days from the holiday table, including make-up working weekends (调休), on both real stores.
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkingCalendar, WorkingCalendar } from '../../src/hall/calendar.ts';
import { HallClock, addDays, daysBetween } from '../../src/hall/clock.ts';
import { hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  // National Day 2026 as a holiday table would hold it: 1-7 Oct off, Sunday 27 Sep and Saturday 10 Oct worked.
  const NATIONAL_DAY = [
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ day: `2026-10-${d}`, kind: 'holiday' as const, name: '国庆节' })),
    { day: '2026-09-27', kind: 'workday' as const, name: '国庆节调休' },
    { day: '2026-10-10', kind: 'workday' as const, name: '国庆节调休' },
  ];

  describe('working-day calendar', () => {
    it('counts Monday to Friday, closes holidays and opens make-up weekends from the stored table', async () => {
      fx = await openHallFixture();
      for (const d of NATIONAL_DAY) await fx.store.setCalendarDay(d);
      const cal = await loadWorkingCalendar(fx.store);
      expect(cal.isWorkingDay('2026-11-25')).toBe(true); // Wednesday
      expect(cal.isWorkingDay('2026-11-28')).toBe(false); // Saturday
      expect(cal.isWorkingDay('2026-10-01')).toBe(false); // Thursday, holiday
      expect(cal.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休
      expect(cal.isWorkingDay('2026-09-27')).toBe(true); // Sunday, 调休
      // Wed 30 Sep + 1 working day skips the holiday week and lands on the make-up Saturday.
      expect(cal.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
      expect(cal.addWorkingDays('2026-10-08', 2)).toBe('2026-10-10');
      expect(cal.nextWorkingDays('2026-09-25', 3)).toEqual(['2026-09-27', '2026-09-28', '2026-09-29']);
      expect(cal.workingDaysBetween('2026-09-30', '2026-10-12')).toBe(4); // 8, 9, 10 (Sat), 12
      expect(cal.workingDaysBetween('2026-10-12', '2026-10-12')).toBe(0);
    });

    it('rejects malformed days naming them', () => {
      expect(() => new WorkingCalendar().isWorkingDay('2026-02-30')).toThrow(/2026-02-30/);
      expect(() => new WorkingCalendar().addWorkingDays('2026-02-03', -1)).toThrow(/non-negative/);
    });

    it('keeps hall-local days at UTC+8 whatever the server zone', () => {
      const clock = new HallClock(() => Date.parse('2026-11-25T16:30:00Z'));
      expect(clock.today()).toBe('2026-11-26');
      expect(clock.timeOf()).toBe('00:30');
      expect(clock.at('2026-11-26', '00:30')).toBe(Date.parse('2026-11-25T16:30:00Z'));
      expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
      expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
    });
  });
});
