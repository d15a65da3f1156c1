// The result-collection part of the HallStore contract (migration 15, store/resultRecords.ts; README "Collecting
// results (领取结果)"), on both backends: the service item's ways round-trip (counter only stored as the default),
// one record per application, state changes only from the states named, lookups by ticket and by state, the
// finished applications before a time, the hall's own rows only, and retention erasing the post address.
import { describe, expect, it } from 'vitest';
import type { HallRetentionCutoffs, HallStore } from '../../src/store/hallStore.ts';
import type { ResultCollectionRecord } from '../../src/store/resultRecords.ts';
import { seedBasics, SERVICE_A } from '../hall/fixture.ts';
import { freshTargetPerTest, STORE_BACKENDS } from './backends.ts';

const T0 = Date.UTC(2026, 10, 25, 1, 0);
const DAY = '2026-11-25';
const HOLDER = '440106199003071231';
const CERT = { typeName: '出生医学证明', typeCode: '11100000000013338W008', issuerName: '广州市卫生健康委员会', issuerCode: '11440100MB2C12345X' };

const record = (over: Partial<ResultCollectionRecord> = {}): ResultCollectionRecord => ({
  serial: 'GD20261125000001', mode: 'post', state: 'waiting', applicantNumber: HOLDER, recipient: '张三', address: '广州市天河区天河路1号',
  phone: '13800138000', ticketId: null, certificateId: null, chosenAt: T0, finishedAt: null, window: null, finishedBy: null,
  updatedAt: T0, ...over,
});

async function application(s: HallStore, serial: string, status: 'done' | 'review', updatedAt = T0): Promise<void> {
  await s.insertApplication({ serial, serviceId: SERVICE_A, applicantNumber: HOLDER, status, acceptedAt: T0 - 86_400_000 * 20,
    acceptedDay: '2026-11-05', result: null, commitments: [], updatedAt });
}

for (const backend of STORE_BACKENDS) {
  describe(`result collections on ${backend.name}`, () => {
    const { open } = freshTargetPerTest(backend);

    it('stores a service item\'s ways and certificate; counter only reads back as the default (absent)', async () => {
      const s = await open();
      await seedBasics(s);
      const a = (await s.getServiceItem(SERVICE_A))!;
      expect(a.resultCollection).toBeUndefined();
      await s.upsertServiceItem({ ...a, resultCollection: ['electronic', 'post', 'counter'], resultCertificate: CERT }, []);
      expect(await s.getServiceItem(SERVICE_A)).toEqual({ ...a, resultCollection: ['electronic', 'post', 'counter'], resultCertificate: CERT });
      await s.upsertServiceItem({ ...a, resultCollection: ['counter'] }, []);
      expect(await s.getServiceItem(SERVICE_A)).toEqual(a);
      // A certificate without the electronic way is not kept.
      await s.upsertServiceItem({ ...a, resultCollection: ['post'], resultCertificate: CERT }, []);
      expect((await s.getServiceItem(SERVICE_A))!.resultCertificate).toBeUndefined();
    });

    it('keeps one record per application, round-trips it, and changes state only from the states named', async () => {
      const s = await open();
      await seedBasics(s);
      await application(s, 'GD20261125000001', 'done');
      await s.insertResultCollection(record());
      expect(await s.getResultCollection('GD20261125000001')).toEqual(record());
      await expect(s.insertResultCollection(record({ mode: 'counter' }))).rejects.toThrow();
      expect(await s.updateResultCollection('GD20261125000001', ['ticketIssued'], { state: 'collected', finishedAt: T0 + 1, window: 3, updatedAt: T0 + 1 })).toBe(false);
      expect(await s.updateResultCollection('GD20261125000001', ['waiting'], { state: 'posted', finishedAt: T0 + 5, finishedBy: 'manager', updatedAt: T0 + 5 })).toBe(true);
      expect(await s.getResultCollection('GD20261125000001')).toEqual(record({ state: 'posted', finishedAt: T0 + 5, finishedBy: 'manager', updatedAt: T0 + 5 }));
      expect(await s.updateResultCollection('GD20261125000001', ['waiting'], { state: 'posted', finishedAt: T0 + 9, updatedAt: T0 + 9 })).toBe(false);
      expect(await s.updateResultCollection('nope', ['waiting'], { state: 'posted', finishedAt: T0, updatedAt: T0 })).toBe(false);
    });

    it('finds a record by its pickup ticket, lists by state (oldest first), and lists finished applications before a time', async () => {
      const s = await open();
      await seedBasics(s);
      const t = await s.insertTicket({ day: DAY, category: 'A', seq: 1, number: 'A001', holderNumber: HOLDER, priority: null, issuedAt: T0, appointmentId: null });
      await application(s, 'S1', 'done', T0 - 11 * 86_400_000);
      await application(s, 'S2', 'done', T0 - 12 * 86_400_000);
      await application(s, 'S3', 'done', T0);
      await application(s, 'S4', 'review', T0 - 30 * 86_400_000);
      await s.insertResultCollection(record({ serial: 'S1', mode: 'counter', state: 'ticketIssued', ticketId: t.id, recipient: null, address: null, phone: null, chosenAt: T0 + 2 }));
      await s.insertResultCollection(record({ serial: 'S3', chosenAt: T0 + 1 }));
      expect((await s.findResultCollectionByTicket(t.id))?.serial).toBe('S1');
      expect(await s.findResultCollectionByTicket(t.id + 100)).toBeUndefined();
      expect((await s.listResultCollections(['waiting', 'ticketIssued'])).map((r) => r.serial)).toEqual(['S3', 'S1']);
      expect((await s.listResultCollections(['posted'])).map((r) => r.serial)).toEqual([]);
      expect((await s.listDoneApplicationsBefore(T0 - 10 * 86_400_000)).map((a) => a.serial)).toEqual(['S2', 'S1']);
    });

    it('a hall sees only its own records', async () => {
      const one = await open('HALL-1');
      const two = await open('HALL-2');
      for (const s of [one, two]) await seedBasics(s);
      await application(one, 'S1', 'done');
      await one.insertResultCollection(record({ serial: 'S1' }));
      expect(await two.getResultCollection('S1')).toBeUndefined();
      expect(await two.listResultCollections(['waiting'])).toEqual([]);
      expect(await two.listDoneApplicationsBefore(T0 + 1)).toEqual([]);
      expect(await two.updateResultCollection('S1', ['waiting'], { state: 'posted', finishedAt: T0, updatedAt: T0 })).toBe(false);
      expect((await one.getResultCollection('S1'))?.state).toBe('waiting');
    });

    it('retention erases the recipient, address and phone of results handed over before the cut-off, and masks the number; open ones stay', async () => {
      const s = await open();
      await seedBasics(s);
      await application(s, 'S1', 'done');
      await application(s, 'S2', 'done');
      await s.insertResultCollection(record({ serial: 'S1', state: 'posted', finishedAt: T0 }));
      await s.insertResultCollection(record({ serial: 'S2' }));
      const LONG_AGO = { day: '2000-01-01', at: 0 };
      const c: HallRetentionCutoffs = { maskTickets: LONG_AGO, deleteTickets: LONG_AGO, maskAppointments: LONG_AGO, deleteAppointments: LONG_AGO,
        deleteNoShows: LONG_AGO, maskClosedApplications: { day: DAY, at: T0 + 1 }, maskEndedCertificates: LONG_AGO, deleteKioskRequests: LONG_AGO,
        deleteAccessAudit: LONG_AGO };
      const r = await s.applyRetention(c);
      expect(r.resultAddressesErased).toBe(1);
      expect(await s.getResultCollection('S1')).toEqual(record({ serial: 'S1', state: 'posted', finishedAt: T0, recipient: null, address: null,
        phone: null, applicantNumber: '4401**********1231' }));
      expect(await s.getResultCollection('S2')).toEqual(record({ serial: 'S2' }));
      expect((await s.applyRetention(c)).resultAddressesErased).toBe(0);
    });
  });
}

