// Print recipes from real service results: the bytes decode (protocol's command decoder) to the expected text and
// QR, and no recipe puts a full ID number on paper; the print log refuses full numbers.
import { EscPosCommandDecoder } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationService } from '../../src/hall/applications.ts';
import { AppointmentService } from '../../src/hall/appointments.ts';
import { CertificateService } from '../../src/hall/certificates.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { recordPrint } from '../../src/hall/printLog.ts';
import { buildAppointmentSlip, buildCertificateCopyPrint, buildProgressSlip, buildQueueTicket, queueTicketData } from '../../src/hall/printRecipes.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { loadOrCreateHallKeys } from '../../src/hall/signing.ts';
import { SERVICE_A, libraryHolder, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  const elderly = citizenFromHolder(libraryHolder('liu-shuzhen')); // number ends in X
  const OPTS = { hallName: '广东省政务服务中心', ticketQrBase: 'https://hall.example', verifyBaseUrl: 'https://hall.example/verify' };

  function decode(bytes: Uint8Array): { text: string; qr: string[]; raw: string } {
    const cmds = new EscPosCommandDecoder().push(bytes);
    return {
      text: cmds.map((c) => (c.type === 'text' ? c.text : c.type === 'lineFeed' ? '\n' : '')).join(''),
      qr: cmds.flatMap((c) => (c.type === 'qrStore' ? [c.text] : [])),
      raw: Buffer.from(bytes).toString('latin1'),
    };
  }

  function expectMaskedOnly(out: { text: string; qr: string[]; raw: string }): void {
    for (const s of [out.text, out.raw, ...out.qr]) {
      expect(s).not.toContain(elderly.number);
      expect(s).not.toContain(elderly.number.slice(0, 14));
    }
  }

  describe('print recipes', () => {
    it('prints the queue ticket in the standard layout with the real number, category, people ahead and time', async () => {
      fx = await openHallFixture('2026-11-25', '09:31');
      const q = new QueueService(fx.store, fx.clock);
      await q.takeTicket({ number: 'P1', name: 'p', birthDate: '2000-01-01' }, 'A');
      const t = await q.takeTicket(elderly, 'A');
      expect(queueTicketData(t, OPTS)).toMatchObject({ number: 'A002', category: '综合受理（长者优先）', waiting: 0, time: '2026-11-25 09:31',
        qrUrl: 'https://hall.example/q/A002?d=20261125' });
      const out = decode(buildQueueTicket(t, OPTS, '0042'));
      expect(out.text).toContain('A002');
      expect(out.text).toContain('综合受理（长者优先） · 前面还有 0 人等候');
      expect(out.qr).toEqual(['https://hall.example/q/A002?d=20261125']);
      expectMaskedOnly(out);
    });

    it('prints the appointment slip with service, day, slot, check-in window and the masked number', async () => {
      fx = await openHallFixture('2026-11-25', '10:00');
      const appts = new AppointmentService(fx.store, new QueueService(fx.store, fx.clock), fx.clock);
      const a = await appts.bookAt(elderly, SERVICE_A, '2026-11-26', '10:30');
      const out = decode(buildAppointmentSlip(a, OPTS, (ms) => fx.clock.timeOf(ms)));
      for (const s of ['预约凭条', '测试事项甲', '2026年11月26日', '10:30-11:00', '1101**********002X', '10:00 至 10:45']) expect(out.text).toContain(s);
      expectMaskedOnly(out);
    });

    it('prints the certificate copy with the statutory sentence, identifier, dates and a QR that verifies', async () => {
      fx = await openHallFixture('2026-11-25', '10:00');
      const certs = new CertificateService(fx.store, loadOrCreateHallKeys(fx.dir), fx.clock);
      const c = await certs.issue({ typeName: '不动产权证书', typeCode: '11100000000013338W002', issuerName: '广州市规划和自然资源局',
        issuerCode: '11440100MB2C92435L', holderNumber: elderly.number, holderName: elderly.name, issuedOn: '2020-06-01', expiresOn: null });
      const copy = await certs.printCopy(elderly, c.identifier);
      const out = decode(buildCertificateCopyPrint(copy, OPTS));
      for (const s of [copy.statement, c.identifier, '刘淑珍', '1101**********002X', '2020年06月01日', '长期', '2026-11-25 10:00']) {
        expect(out.text).toContain(s);
      }
      expect(out.qr).toHaveLength(1);
      expect(out.qr[0]).toBe(`https://hall.example/verify?p=${copy.payload}`);
      expect((await certs.verifyCertificatePayload(out.qr[0])).status).toBe('valid');
      expectMaskedOnly(out);
      const raw = decode(buildCertificateCopyPrint(copy, { hallName: 'h' }));
      expect(raw.qr).toEqual([copy.payload]);
    });

    it('prints the progress slip with serial, status, time limit and history', async () => {
      fx = await openHallFixture('2026-11-25', '10:00');
      const apps = new ApplicationService(fx.store, fx.clock);
      const a = await apps.submit(elderly, SERVICE_A);
      const v = await apps.advance(a.serial, 'review', '材料齐全');
      const out = decode(buildProgressSlip(v, OPTS));
      for (const s of ['办理进度', a.serial, '审查', '10个工作日，至2026年12月09日', '正常', '2026-11-25 10:00 受理', '审查（材料齐全）', '1101**********002X']) {
        expect(out.text).toContain(s);
      }
      expectMaskedOnly(out);
    });

    it('the print log takes masked numbers only', async () => {
      fx = await openHallFixture();
      await expect(recordPrint(fx.store, { at: 1, kind: 'queueTicket', ref: 'A001', maskedNumber: elderly.number })).rejects.toThrow(/masked/);
      await expect(recordPrint(fx.store, { at: 1, kind: 'queueTicket', ref: 'A001', maskedNumber: '1101**********002X', detail: elderly.number }))
        .rejects.toThrow(/masked/);
      expect((await recordPrint(fx.store, { at: 1, kind: 'queueTicket', ref: 'A001', maskedNumber: '1101**********002X' })).id).toBe(1);
    });
  });
});
