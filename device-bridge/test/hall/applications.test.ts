// Applications on both real stores: serial numbers, status history with reasons, allowed transitions, and the
// time-limit colours counted in working days (incl. 调休), plus the single-step-over-limit yellow.
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationService, defaultStepLimits, timeLimitOf } from '../../src/hall/applications.ts';
import { WorkingCalendar } from '../../src/hall/calendar.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { GuidanceService } from '../../src/hall/guidance.ts';
import { SERVICE_A, SERVICE_B, libraryHolder, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  const wei = citizenFromHolder(libraryHolder('wei-xiulan'));

  describe('ApplicationService', () => {
    it('accepts with a serial number, records history with reasons, and refuses wrong transitions', async () => {
      fx = await openHallFixture('2026-11-25', '10:00');
      const apps = new ApplicationService(fx.store, fx.clock);
      const a = await apps.submit(zhang, SERVICE_A, { commitments: ['无犯罪记录证明'] });
      expect(a.serial).toBe('GD20261125000001');
      expect(a).toMatchObject({ status: 'accepted', statusName: '受理', maskedNumber: '4401**********1231', commitments: ['无犯罪记录证明'] });
      await expect(apps.submit(zhang, SERVICE_A, { commitments: ['申请表'] })).rejects.toThrow(/written commitment/);
      expect((await apps.submit(wei, SERVICE_B)).serial).toBe('GD20261125000002');
      await expect(apps.advance(a.serial, 'done')).rejects.toMatchObject({ code: 'badTransition' });
      await expect(apps.advance(a.serial, 'returned')).rejects.toMatchObject({ code: 'reasonRequired' });
      fx.clock.set('2026-11-26', '11:00');
      await apps.advance(a.serial, 'review');
      fx.clock.set('2026-11-27', '15:00');
      await apps.advance(a.serial, 'decided', '准予许可');
      const done = await apps.advance(a.serial, 'done');
      expect(done.history.map((h) => `${h.statusName} ${h.atText}`)).toEqual([
        '受理 2026-11-25 10:00', '审查 2026-11-26 11:00', '决定 2026-11-27 15:00', '办结 2026-11-27 15:00']);
      expect(done.result).toBe('准予许可');
      expect(done.timeLimit).toMatchObject({ state: 'closed', finishedOnTime: true });
      const b = (await apps.listOf(wei))[0];
      const returned = await apps.advance(b.serial, 'rejected', '不属于本部门职权范围');
      expect(returned).toMatchObject({ statusName: '不予受理', result: '不属于本部门职权范围' });
      await expect(apps.get(wei, a.serial)).rejects.toMatchObject({ code: 'unknownApplication' });
      expect(JSON.stringify(await apps.listOf(zhang))).not.toContain(zhang.number);
    });

    it('colours the time limit: on time, yellow at 3 working days left, red when overdue', async () => {
      fx = await openHallFixture('2026-11-02', '10:00'); // Monday
      const apps = new ApplicationService(fx.store, fx.clock);
      const a = await apps.submit(zhang, SERVICE_A); // 10 working days: due Monday 16 Nov
      await apps.advance(a.serial, 'review');
      const at = async (day: string) => {
        fx.clock.set(day, '12:00');
        return (await apps.get(zhang, a.serial)).timeLimit;
      };
      expect(await at('2026-11-02')).toMatchObject({ state: 'onTime', dueDay: '2026-11-16', remainingWorkingDays: 10, stepOverLimit: false });
      expect(await at('2026-11-10')).toMatchObject({ state: 'onTime', remainingWorkingDays: 4 });
      expect(await at('2026-11-11')).toMatchObject({ state: 'yellow', remainingWorkingDays: 3 });
      expect(await at('2026-11-16')).toMatchObject({ state: 'yellow', remainingWorkingDays: 0 });
      expect(await at('2026-11-17')).toMatchObject({ state: 'red', remainingWorkingDays: -1 });
      // A make-up Saturday counts as a working day: with it, the due day moves earlier.
      await fx.store.setCalendarDay({ day: '2026-11-07', kind: 'workday', name: '调休' });
      expect(await at('2026-11-02')).toMatchObject({ dueDay: '2026-11-13' });
    });

    it('is yellow when one step is over its own limit even with time left overall', () => {
      const cal = new WorkingCalendar();
      const base = { acceptedDay: '2026-11-02', timeLimitDays: 20, stepLimits: defaultStepLimits(20) };
      expect(timeLimitOf({ ...base, status: 'accepted', statusSince: '2026-11-02' }, cal, '2026-11-03')).toMatchObject({ state: 'onTime' });
      expect(timeLimitOf({ ...base, status: 'accepted', statusSince: '2026-11-02' }, cal, '2026-11-04'))
        .toMatchObject({ state: 'yellow', stepOverLimit: true, remainingWorkingDays: 18 });
      expect(timeLimitOf({ ...base, status: 'review', statusSince: '2026-11-03' }, cal, '2026-11-04')).toMatchObject({ state: 'onTime' });
      // Configurable yellow threshold.
      const review = { ...base, status: 'review' as const, statusSince: '2026-11-03' };
      expect(timeLimitOf(review, cal, '2026-11-23')).toMatchObject({ state: 'onTime', remainingWorkingDays: 5, dueDay: '2026-11-30' });
      expect(timeLimitOf(review, cal, '2026-11-23', 5)).toMatchObject({ state: 'yellow' });
      // Step limits of the service item win over the defaults (SERVICE_B: review 2).
      expect(timeLimitOf({ ...base, timeLimitDays: 5, stepLimits: { accepted: 1, review: 2, decided: 1 }, status: 'review',
        statusSince: '2026-11-02' }, cal, '2026-11-05')).toMatchObject({ state: 'yellow', stepOverLimit: true });
    });
  });

  describe('GuidanceService', () => {
    it('lists departments and services with materials, marking 免提交 ones and where they come from', async () => {
      fx = await openHallFixture();
      const g = new GuidanceService(fx.store);
      const depts = await g.departments();
      expect(depts).toHaveLength(43);
      expect(depts[0]).toMatchObject({ name: '省发展改革委', batch: 1, serviceCount: 1 });
      const [svc] = await g.servicesOf(depts[0].id);
      expect(svc).toMatchObject({ id: SERVICE_A, departmentName: '省发展改革委', categoryName: '综合受理', toBring: 2 });
      expect(svc.materials).toEqual([
        { name: '居民身份证', exempt: true, source: '电子证照库：居民身份证', commitmentAllowed: false },
        { name: '申请表', exempt: false, source: null, commitmentAllowed: false },
        { name: '无犯罪记录证明', exempt: false, source: null, commitmentAllowed: true },
      ]);
      await expect(g.service('nope')).rejects.toMatchObject({ code: 'unknownService' });
    });
  });
});
