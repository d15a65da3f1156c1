/**
 * The QR scanner of a kiosk linked to a hall (README "The QR scanner", "Several kiosks, one hall"): the kiosk holds
 * no hall key and no library, so the appointment code and the certificate copy's QR it reads are answered by the
 * hall over the link (`appointments.checkInByCode`, `certificates.verifyCopy`). The check-in lands in the hall's
 * database, and the kiosk prints the ticket with the phone QR the hall made; the copy's verdict comes with the
 * hall library's masked record. Real simulators on PTYs, two real bridges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResultEvent } from '@onedoor/protocol';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { SEEDED_CARD } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { startMultiKioskRig, until, type LinkedKiosk, type MultiKioskRig } from './multikiosk-rig.ts';

let rig: MultiKioskRig;
let kiosk: LinkedKiosk;
const holder = citizenFromHolder(libraryHolder(SEEDED_CARD));

beforeAll(async () => {
  rig = await startMultiKioskRig(1, {}, { scanner: true });
  kiosk = rig.kiosks[0]!;
  await until('the kiosk linked', () => rig.hall.kioskLink?.registry.list().some((k) => k.connected) || undefined, 60_000);
}, 120_000);
afterAll(async () => {
  await rig?.close();
}, 60_000);

async function scan(code: string): Promise<ScanResultEvent> {
  const n = kiosk.scanResults.length;
  await kiosk.scanner!.present(code);
  return until(`scanResult for ${code.slice(0, 10)}…`, () => kiosk.scanResults[n], 30_000);
}

describe('a linked kiosk\'s scanner, answered by the hall', () => {
  it('an appointment code checks the appointment in at the hall; the kiosk prints the ticket with the hall\'s phone QR; again: refused', async () => {
    const hall = rig.hall.hall;
    const today = hall.clock.today();
    const booked = (await hall.store!.listAppointmentsOfHolder(holder.number, today)).find((a) => a.status === 'booked' && a.day === today);
    expect(booked).toBeDefined();
    const code = rig.hall.phone!.appointmentCodes.issue({ id: booked!.id, day: booked!.day });
    const before = kiosk.printer.tickets.length;

    const done = await scan(code);
    expect(done).toMatchObject({ kind: 'appointment', outcome: 'checkedIn', ticketNumber: expect.stringMatching(/^[A-Z]\d{3}$/) });
    expect((await hall.store!.getAppointment(booked!.id))?.status).toBe('checkedIn');
    const paper = await until('printed ticket', () => kiosk.printer.tickets.slice(before).find((p) => p.text.includes(`[4x4]${done.ticketNumber}`)), 30_000);
    expect(paper.text).toContain(`${rig.hall.url}/m#c=T1.`);
    // Audited at the hall under the kiosk's link id with the holder's masked number (the kiosk named no one).
    const audited = (await hall.store!.queryAccessAudit({ function: 'appointments.checkIn', limit: 100, offset: 0 })).entries;
    expect(audited).toContainEqual(expect.objectContaining({ actor: kiosk.id, result: 'success', maskedNumber: expect.stringMatching(/^\d{4}\*+\d{3}[\dX]$/) }));
    expect(JSON.stringify(audited)).not.toContain(holder.number);

    expect(await scan(code)).toMatchObject({ kind: 'appointment', outcome: 'appointmentRefused', zh: expect.stringContaining('该预约已签到或已失效') });
    // A code of this shape that the hall's key did not make is refused in the hall's words.
    const [tag, id, day, mac] = code.split('.') as [string, string, string, string];
    const altered = `${tag}.${id}.${day}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect(await scan(altered)).toMatchObject({ kind: 'appointment', outcome: 'appointmentRefused', zh: expect.stringContaining('签到码无效') });
  });

  it('a certificate copy\'s QR gets the hall\'s verdict with its masked record: valid, forged, revoked', async () => {
    const hall = rig.hall.hall;
    const [cert] = await hall.store!.listCertificatesOfHolder(holder.number);
    expect(cert).toBeDefined();
    const copy = await hall.certificates!.printCopy(holder, cert!.identifier);
    const url = `${rig.hall.url}/verify?p=${encodeURIComponent(copy.payload)}`;

    const valid = await scan(url);
    expect(valid).toMatchObject({ kind: 'certificate', outcome: 'certificateValid',
      certificate: { identifier: cert!.identifier, certificate: { typeName: cert!.typeName, issuerName: cert!.issuerName } } });
    expect(JSON.stringify(valid)).not.toContain(holder.number);

    const [tag, claims, sig] = copy.payload.split('.') as [string, string, string];
    expect(await scan(`${tag}.${claims}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`)).toMatchObject({ kind: 'certificate', outcome: 'certificateForged' });

    await hall.store!.revokeCertificate(cert!.identifier, Date.now(), 'test');
    expect(await scan(url)).toMatchObject({ kind: 'certificate', outcome: 'certificateRevoked' });
    expect(kiosk.sessions).toEqual([]);
  });
});
