// A certificate copy's QR at the kiosk's scanner: the text parsed at the boundary into the payload (the printed
// verification URL or the bare payload; anything else is no certificate code), and the verdict /verify gives mapped
// to the kiosk's scan outcomes with the masked record, over a real SQLite hall store and a real key file. Garbage,
// an over-long code and a library away never throw: each gets words on the screen.
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanResultEvent } from '@onedoor/protocol';
import { copyVerifierOf } from '../../src/api/certificateVerifyAnswer.ts';
import { certificatePayloadOf, certificateScanOf } from '../../src/api/scannedCertificates.ts';
import { ScannedCodeHandler } from '../../src/api/scannedCodes.ts';
import { CertificateService } from '../../src/hall/certificates.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { loadOrCreateHallKeys } from '../../src/hall/signing.ts';
import { silentLogger } from '../../src/index.ts';
import { libraryHolder, openHallFixture, type HallFixture } from '../hall/fixture.ts';

const PAYLOAD = 'ODC1.eyJpIjoiMSJ9.c2ln';

describe('certificatePayloadOf', () => {
  it('takes the printed verification URL (any host, /verify, p=ODC1.…) and the bare payload', () => {
    expect(certificatePayloadOf(`https://hall.example.gov.cn/verify?p=${PAYLOAD}`)).toBe(PAYLOAD);
    expect(certificatePayloadOf(`http://192.168.1.20:8080/verify?p=${encodeURIComponent(PAYLOAD)}`)).toBe(PAYLOAD);
    expect(certificatePayloadOf(`  ${PAYLOAD}\r\n`)).toBe(PAYLOAD);
  });

  it('is null for every other text: other pages, other codes, garbage, over-long', () => {
    for (const text of ['', 'hello', `https://hall.example.gov.cn/display?p=${PAYLOAD}`, 'https://hall.example.gov.cn/verify?p=T1.x',
      'https://hall.example.gov.cn/verify', `ftp://x/verify?p=${PAYLOAD}`, 'A1.1.20261125.aaaaaaaaaaaaaaaaaaaaaa', 'ODC', '\u0000\uffff',
      `${PAYLOAD}${'x'.repeat(2100)}`, `https://h/verify?p=${PAYLOAD}${'x'.repeat(2100)}`]) {
      expect(certificatePayloadOf(text), text.slice(0, 40)).toBeNull();
    }
  });
});

describe('certificateScanOf', () => {
  it('maps each verdict to its outcome; a forged copy repeats nothing of its claims', () => {
    const certificate = { typeName: '结婚证', issuerName: '民政局', holderNameMasked: '张*', holderNumberMasked: '4401**********1234', issuedOn: '2025-05-22', expiresOn: null };
    const base = { zh: 'z', en: 'e', identifier: 'id', copyExpires: '2027-01-01', printedAt: 1, certificate };
    expect(certificateScanOf({ ...base, status: 'valid' })).toEqual({ outcome: 'certificateValid', certificate: { identifier: 'id', copyExpires: '2027-01-01', printedAt: 1, certificate } });
    expect(certificateScanOf({ ...base, status: 'expired' }).outcome).toBe('certificateExpired');
    expect(certificateScanOf({ ...base, status: 'revoked' }).outcome).toBe('certificateRevoked');
    expect(certificateScanOf({ ...base, status: 'forged' })).toEqual({ outcome: 'certificateForged' });
  });
});

describe('ScannedCodeHandler with certificate codes (real SQLite store, real key)', () => {
  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());
  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));

  async function setup() {
    fx = await openHallFixture('2026-11-25', '10:00');
    const certs = new CertificateService(fx.store, loadOrCreateHallKeys(fx.dir), fx.clock);
    const issue = () => certs.issue({ typeName: '结婚证', typeCode: '11100000000013338W001', issuerName: '广州市天河区民政局',
      issuerCode: '11440000006940164G', holderNumber: zhang.number, holderName: zhang.name, issuedOn: '2025-05-22', expiresOn: null });
    const events: ScanResultEvent[] = [];
    const sessions: unknown[] = [];
    let available = true;
    const handler = new ScannedCodeHandler({
      issuers: [], clock: fx.clock, kioskId: (id) => id, log: silentLogger(),
      toScreen: { cardRead: () => undefined, scanResult: (e) => events.push(e) },
      startSession: (r) => sessions.push(r),
      certificates: () => (available ? copyVerifierOf({ certificates: certs }) : null),
    });
    let seq = 0;
    const scan = async (text: string) => {
      await handler.handle({ deviceId: 'scanner', bytes: Buffer.from(text), text, encoding: 'utf8', at: Date.now(), seq: ++seq });
      return events.at(-1)!;
    };
    return { certs, issue, handler, scan, events, sessions, pause: () => void (available = false) };
  }

  it('valid, revoked, expired and forged copies: their outcome, words and (unless forged) the masked record; no session', async () => {
    const { certs, issue, handler, scan, sessions } = await setup();
    const c = await issue();
    const copy = await certs.printCopy(zhang, c.identifier);
    const url = `https://hall.example.gov.cn/verify?p=${encodeURIComponent(copy.payload)}`;

    const valid = await scan(url);
    expect(valid).toMatchObject({ kind: 'certificate', outcome: 'certificateValid', zh: expect.stringContaining('核验通过') });
    expect(valid.certificate).toMatchObject({ identifier: c.identifier, copyExpires: copy.copyExpires,
      certificate: { typeName: '结婚证', issuerName: '广州市天河区民政局', holderNameMasked: `${[...zhang.name][0]}${'*'.repeat([...zhang.name].length - 1)}`, issuedOn: '2025-05-22', expiresOn: null } });
    expect(valid.certificate!.certificate!.holderNumberMasked).not.toContain(zhang.number.slice(6, 14));
    expect(JSON.stringify(valid)).not.toContain(zhang.number);

    const [tag, claims, sig] = copy.payload.split('.');
    const flipped = `${tag}.${claims}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const forged = await scan(flipped);
    expect(forged).toMatchObject({ kind: 'certificate', outcome: 'certificateForged', zh: expect.stringContaining('核验失败') });
    expect(forged.certificate).toBeUndefined();

    fx.clock.set('2027-06-01', '10:00');
    expect((await scan(copy.payload)).outcome).toBe('certificateExpired');

    await certs.revoke(c.identifier, 'test');
    expect((await scan(copy.payload)).outcome).toBe('certificateRevoked');

    expect(sessions).toEqual([]);
    expect(handler.counts).toMatchObject({ certificateValid: 1, certificateForged: 1, certificateExpired: 1, certificateRevoked: 1 });
  });

  it('garbage and a malformed ODC1 code never throw; the library away is 暂停服务', async () => {
    const { scan, pause, handler } = await setup();
    expect(await scan('\u0000\u0001garbage\uffff')).toMatchObject({ kind: 'other', outcome: 'notIdentityCode', zh: expect.stringContaining('证照复印件上的核验码') });
    expect(await scan('ODC1.%%%')).toMatchObject({ kind: 'certificate', outcome: 'certificateForged' });
    pause();
    expect(await scan(PAYLOAD)).toMatchObject({ kind: 'certificate', outcome: 'unavailable' });
    expect(handler.counts.unavailable).toBe(1);
  });
});
