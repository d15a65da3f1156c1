/**
 * The hall's side of a linked kiosk's scanner (hallLink/hallRequests.ts; README "The QR scanner"): a certificate
 * copy's payload gets the whole /verify answer with the library's masked record, as a read (not recorded); an
 * appointment code is checked with the hall's key and, as a mutating op, its answer is recorded once per request id
 * (a resend gets it back, `replayed`); bad arguments are `invalid`; with no phone channel the op is paused. Real
 * SQLite hall database and key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CertificateVerifyAnswer } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { PhoneChannel } from '../../src/api/phoneChannel.ts';
import { issueCertificateRecord } from '../../src/hall/certificates.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { libraryHolder, seedBasics } from '../hall/fixture.ts';
import { sqliteBackend, type StoreTarget } from '../store/backends.ts';

let target: StoreTarget;
let hall: KioskHall;
const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));

beforeEach(async () => {
  target = await sqliteBackend.create();
  hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: (store) => seedBasics(store) });
});
afterEach(async () => {
  await hall.close();
  await target.destroy();
});

describe('a linked kiosk\'s scanned codes at the hall', () => {
  it('certificates.verifyCopy: the /verify answer with the masked record; a read, not recorded; bad payloads invalid', async () => {
    const c = await issueCertificateRecord(hall.store!, { typeName: '结婚证', typeCode: '11100000000013338W001', issuerName: '广州市天河区民政局',
      issuerCode: '11440000006940164G', holderNumber: zhang.number, holderName: zhang.name, issuedOn: '2025-05-22', expiresOn: null });
    const copy = await hall.certificates!.printCopy(zhang, c.identifier);
    const handle = hallRequestHandler({ hall });
    const a = await handle('kiosk-1', { requestId: 'v1', op: 'certificates.verifyCopy', args: [copy.payload] });
    expect(a.ok).toBe(true);
    const answer = (a as { result: CertificateVerifyAnswer }).result;
    expect(answer).toMatchObject({ status: 'valid', identifier: c.identifier, certificate: { typeName: '结婚证', issuerName: '广州市天河区民政局' } });
    expect(JSON.stringify(answer)).not.toContain(zhang.number);
    expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(0);
    for (const args of [[], [''], ['x'.repeat(2001)], [42], [copy.payload, 'more']]) {
      const bad = await handle('kiosk-1', { requestId: 'v2', op: 'certificates.verifyCopy', args });
      expect(!bad.ok && bad.failure.kind, JSON.stringify(args).slice(0, 30)).toBe('invalid');
    }
  });

  it('appointments.checkInByCode: a code the hall\'s key did not make is refused in words, once per request id; paused without a phone channel', async () => {
    const phone = new PhoneChannel(hall, 'hall-test', silentLogger());
    const handle = hallRequestHandler({ hall, phone });
    const genuine = phone.appointmentCodes.issue({ id: 99, day: hall.clock.today() });
    const altered = `${genuine.slice(0, -1)}${genuine.endsWith('A') ? 'B' : 'A'}`;
    const r = await handle('kiosk-1', { requestId: 'c1', op: 'appointments.checkInByCode', args: [altered] });
    expect(r).toMatchObject({ ok: false, failure: { kind: 'rule', code: 'appointmentCode', zh: expect.stringContaining('签到码无效') } });
    expect(await handle('kiosk-1', { requestId: 'c1', op: 'appointments.checkInByCode', args: [altered] })).toMatchObject({ replayed: true, ok: false });
    // A genuine code of an appointment that does not exist: the hall's words, not a crash.
    expect(await handle('kiosk-1', { requestId: 'c2', op: 'appointments.checkInByCode', args: [genuine] }))
      .toMatchObject({ ok: false, failure: { kind: 'rule', code: 'unknownAppointment' } });
    const bad = await handle('kiosk-1', { requestId: 'c3', op: 'appointments.checkInByCode', args: ['x'.repeat(129)] });
    expect(!bad.ok && bad.failure.kind).toBe('invalid');
    const paused = await hallRequestHandler({ hall })('kiosk-1', { requestId: 'c4', op: 'appointments.checkInByCode', args: [genuine] });
    expect(!paused.ok && paused.failure.kind).toBe('paused');
  });
});
