// The demo generator on both real stores, empty, with the real card library: every valid holder gets an
// appointment open for check-in now, an upcoming one, applications incl. yellow and red, certificates incl.
// expiring and revoked; refused cards get nothing; a second run adds nothing.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { holderNumber, validateHolder } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/demo/demoData.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import { AppointmentService } from '../../src/hall/appointments.ts';
import { CertificateService } from '../../src/hall/certificates.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { GuidanceService } from '../../src/hall/guidance.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { loadOrCreateHallKeys } from '../../src/hall/signing.ts';
import { loadDepartmentSeed } from '../../src/store/departmentSeed.ts';
import { cardsFile, departmentSeedFile, libraryCards, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

const catalogueFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  async function generateAt(day: string, time: string) {
    fx = await openHallFixture(day, time, false);
    const summary = await generateDemoData(fx.store, fx.clock, { cardsFile, catalogueFile });
    const queue = new QueueService(fx.store, fx.clock);
    return {
      summary,
      queue,
      appts: new AppointmentService(fx.store, queue, fx.clock),
      apps: new ApplicationService(fx.store, fx.clock),
      certs: new CertificateService(fx.store, loadOrCreateHallKeys(fx.dir), fx.clock),
    };
  }

  describe('demo data', () => {
    it('gives every valid library holder real-looking appointments, applications and certificates', async () => {
      const { summary, appts, apps, certs } = await generateAt('2026-11-25', '10:07');
      const cards = libraryCards();
      const valid = cards.filter((c) => validateHolder(c.holder, '2026-11-25').ok);
      expect(valid.length).toBeGreaterThanOrEqual(10);
      expect(summary).toMatchObject({ skipped: false, holders: valid.length });
      for (const card of cards) {
        const citizen = citizenFromHolder(card.holder);
        const upcoming = await appts.upcoming(citizen);
        const applications = await apps.listOf(citizen);
        const certificates = await certs.list(citizen);
        if (!valid.includes(card)) {
          expect([upcoming.length, applications.length, certificates.length], card.key).toEqual([0, 0, 0]);
          continue;
        }
        const todays = upcoming.filter((a) => a.day === '2026-11-25');
        expect(todays, card.key).toHaveLength(1);
        expect(todays[0].canCheckIn, card.key).toBe(true);
        expect(upcoming.some((a) => a.day > '2026-11-25'), card.key).toBe(true);
        const states = applications.map((a) => a.timeLimit.state);
        for (const s of ['onTime', 'yellow', 'red', 'closed'] as const) expect(states, `${card.key} ${s}`).toContain(s);
        expect(certificates.map((c) => c.state).sort(), card.key).toEqual(['expiring', 'revoked', 'valid']);
        expect(JSON.stringify([upcoming, applications, certificates])).not.toContain(holderNumber(card.holder));
        // The appointment today really checks in with a priority ticket.
        const checked = await appts.checkIn(citizen, todays[0].id);
        expect(checked.kind, card.key).toBe('priority');
      }
      // A returned application with a reason exists too.
      const all = (await Promise.all(valid.map((c) => apps.listOf(citizenFromHolder(c.holder))))).flat();
      expect(all.some((a) => a.status === 'returned' && a.result)).toBe(true);
    });

    it('fills the catalogue: 43 departments each with services, categories, materials marked 免提交 with a source', async () => {
      await generateAt('2026-11-25', '10:00');
      const g = new GuidanceService(fx.store);
      const depts = await g.departments();
      expect(depts).toHaveLength(43);
      expect(depts.every((d) => d.serviceCount >= 1)).toBe(true);
      expect((await fx.store.listQueueCategories()).map((c) => c.letter)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'R']);
      // The catalogue's departments are the shared seed's, in its order, with codes.
      expect((await fx.store.listDepartments()).map((d) => d.name)).toEqual(loadDepartmentSeed(departmentSeedFile).map((d) => d.name));
      expect((await fx.store.listDepartments()).every((d) => /^D\d{2}$/.test(d.code ?? ''))).toBe(true);
      const services = (await Promise.all(depts.map((d) => g.servicesOf(d.id)))).flat();
      // Every named department in the catalogue exists in the seed (a typo would fall back to the generic item).
      expect(services.filter((s) => s.name !== '政府信息公开申请').length).toBeGreaterThanOrEqual(35);
      const materials = services.flatMap((s) => s.materials);
      expect(materials.some((m) => m.exempt && m.source?.startsWith('电子证照库'))).toBe(true);
      expect(materials.some((m) => m.exempt && m.source?.startsWith('共享数据'))).toBe(true);
      expect(materials.some((m) => m.commitmentAllowed)).toBe(true);
      expect(materials.filter((m) => m.exempt).every((m) => m.source)).toBe(true);
      expect((await fx.store.listCalendarDays()).some((d) => d.kind === 'workday')).toBe(true);
      // Slots exist for every service on the next 5 working days (Thu 26 Nov .. Wed 2 Dec 2026).
      for (const s of services) {
        for (const day of ['2026-11-26', '2026-12-02']) expect((await fx.store.listSlots(s.id, day)).length, `${s.id} ${day}`).toBe(12);
        expect(await fx.store.listSlots(s.id, '2026-11-28')).toEqual([]);
      }
    });

    it('today\'s appointment lies inside opening hours: after closing the day\'s last slot (shown as missed), never 00:50', async () => {
      const { appts, summary } = await generateAt('2026-11-25', '23:58');
      expect(summary.skipped).toBe(false);
      const zhang = citizenFromHolder(libraryCards().find((c) => c.key === 'zhang-sanfeng')!.holder);
      const today = (await appts.upcoming(zhang)).filter((a) => a.day === '2026-11-25');
      for (const a of today) expect(appts.rules.slotStarts).toContain(a.start);
      const before = await appts.upcoming(zhang);
      const again = await generateDemoData(fx.store, fx.clock, { cardsFile, catalogueFile });
      expect(again.skipped).toBe(true);
      expect(await appts.upcoming(zhang)).toEqual(before);
      expect(await fx.store.listDepartments()).toHaveLength(43);
    });
  });

  describe('demo data: today\'s appointment in opening hours', () => {
    for (const [time, start, checkIn] of [
      ['00:40', '09:00', false], // before opening: the first slot, not 00:50
      ['08:40', '09:00', true],
      ['10:12', '10:30', true], // the latest slot whose check-in window is open
      ['12:40', '14:00', false], // lunch: the afternoon's first slot
      ['16:50', '16:30', true],
    ] as const) {
      it(`at ${time} the appointment starts at ${start}${checkIn ? ', check-in open' : ''}`, async () => {
        const { appts } = await generateAt('2026-11-25', time);
        const zhang = citizenFromHolder(libraryCards().find((c) => c.key === 'zhang-sanfeng')!.holder);
        const today = (await appts.upcoming(zhang)).filter((a) => a.day === '2026-11-25');
        expect(today.map((a) => a.start)).toEqual([start]);
        expect(today[0].canCheckIn).toBe(checkIn);
      });
    }
  });

  describe('checkout demo files', () => {
    it('finds the card library and the example catalogue in the checkout and fills an empty store with them', async () => {
      const { DEMO_DATA_FILES, checkoutDemoHallFiller } = await import('../../src/demo/demoFiles.ts');
      expect(DEMO_DATA_FILES).toEqual({ cardsFile, catalogueFile });
      fx = await openHallFixture('2026-11-25', '10:00', false);
      await checkoutDemoHallFiller()(fx.store, fx.clock);
      expect(await fx.store.listDepartments()).toHaveLength(43);
      expect(() => checkoutDemoHallFiller({ cardsFile: '/nonexistent/cards.json', catalogueFile })).toThrow(/nonexistent/);
    });
  });
});
