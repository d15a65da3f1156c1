// Certificates on both real stores and a real key file: MOD 37,36 identifiers of issued certificates, the copy
// (statutory sentence, masked number, 90-day validity), signed payload verify / forged / expired / revoked, the
// key persisted in the data dir, every print logged masked.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { iso7064Mod37_36, verifyCertificateId } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CertificateService, statutoryCopySentence } from '../../src/hall/certificates.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { HALL_KEY_FILE, loadOrCreateHallKeys, verifyCertificatePayload } from '../../src/hall/signing.ts';
import { libraryHolder, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
  const TYPE = '11100000000013338W001';
  const ISSUER = '11440000006940164G';

  async function setup() {
    fx = await openHallFixture('2026-11-25', '10:00');
    const keys = loadOrCreateHallKeys(fx.dir);
    const certs = new CertificateService(fx.store, keys, fx.clock);
    const issue = (expiresOn: string | null, holder = zhang, typeName = '结婚证') => certs.issue({ typeName, typeCode: TYPE,
      issuerName: '广州市天河区民政局', issuerCode: ISSUER, holderNumber: holder.number, holderName: holder.name, issuedOn: '2025-05-22', expiresOn });
    return { keys, certs, issue };
  }

  function tamper(payload: string): string {
    const [tag, claims, sig] = payload.split('.');
    const json = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    json.e = '2099-12-31';
    return [tag, Buffer.from(JSON.stringify(json)).toString('base64url'), sig].join('.');
  }

  describe('CertificateService', () => {
    it('issues identifiers in GB/T 36904 form with a correct MOD 37,36 check character', async () => {
      const { issue } = await setup();
      const ids = [(await issue(null)).identifier, (await issue('2030-01-01')).identifier];
      expect(ids[0]).not.toBe(ids[1]);
      for (const id of ids) {
        const v = verifyCertificateId(id);
        expect(v.checkOk).toBe(true);
        const body = id.split('.').slice(5, 9).join('');
        expect(id.endsWith(`.${iso7064Mod37_36(body)}`)).toBe(true);
        expect(v.parts).toMatchObject({ typeCode: TYPE, issuerCode: ISSUER, version: '001' });
        expect(v.parts.serial).toMatch(/^20250522\d{4}$/);
      }
    });

    it('lists the holder\'s certificates only, masked, with valid / expiring / expired / revoked states', async () => {
      const { certs, issue } = await setup();
      const ok = await issue(null);
      const soon = await issue('2026-12-10');
      const old = await issue('2026-01-01');
      const gone = await issue('2030-01-01');
      await issue(null, wei);
      await certs.revoke(gone.identifier, '已换发');
      const list = await certs.list(zhang);
      const state = Object.fromEntries(list.map((c) => [c.identifier, c.state]));
      expect(state).toEqual({ [ok.identifier]: 'valid', [soon.identifier]: 'expiring', [old.identifier]: 'expired', [gone.identifier]: 'revoked' });
      expect(list.every((c) => c.maskedNumber === '4401**********1231')).toBe(true);
      expect(JSON.stringify(list)).not.toContain(zhang.number);
    });

    it('prints a copy with the statutory sentence, masked number and a 90-day validity, and logs it masked', async () => {
      const { certs, issue } = await setup();
      const c = await issue(null);
      const copy = await certs.printCopy(zhang, c.identifier);
      expect(copy.copyExpires).toBe('2027-02-23');
      expect(copy.statement).toBe('此件由广州市天河区民政局提供，仅供办理政务服务事项时使用，有效期至2027年02月23日');
      expect(copy).toMatchObject({ identifier: c.identifier, holderName: '张三丰', maskedNumber: '4401**********1231', printedAtText: '2026-11-25 10:00' });
      expect(JSON.stringify(copy)).not.toContain(zhang.number);
      expect(copy.payload).toMatch(/^ODC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(copy.payload.length).toBeLessThan(400);
      // Copy validity never exceeds the certificate's own.
      const soon = await issue('2026-12-10');
      expect((await certs.printCopy(zhang, soon.identifier)).statement).toBe(statutoryCopySentence('广州市天河区民政局', '2026-12-10'));
      const log = await fx.store.listPrintLog(10);
      expect(log.map((l) => [l.kind, l.ref, l.maskedNumber])).toEqual([
        ['certificateCopy', soon.identifier, '4401**********1231'], ['certificateCopy', c.identifier, '4401**********1231']]);
      expect(JSON.stringify(await fx.target.sql('SELECT * FROM print_log'))).not.toContain(zhang.number);
    });

    it('refuses copies of another holder\'s, a revoked or an expired certificate', async () => {
      const { certs, issue } = await setup();
      const c = await issue(null);
      await expect(certs.printCopy(wei, c.identifier)).rejects.toMatchObject({ code: 'unknownCertificate' });
      await expect(certs.printCopy(zhang, (await issue('2026-01-01')).identifier)).rejects.toMatchObject({ code: 'certificateExpired' });
      await certs.revoke(c.identifier, 'x');
      await expect(certs.printCopy(zhang, c.identifier)).rejects.toMatchObject({ code: 'certificateRevoked' });
    });

    it('verifies its payload as valid, a tampered or foreign-key one as forged, then expired after 90 days and revoked once revoked', async () => {
      const { certs, issue, keys } = await setup();
      const c = await issue(null);
      const { payload } = await certs.printCopy(zhang, c.identifier);
      const ok = await certs.verifyCertificatePayload(payload);
      expect(ok.status).toBe('valid');
      expect(ok.claims).toMatchObject({ identifier: c.identifier, copyExpires: '2027-02-23', keyId: keys.keyId });
      expect(certs.payloadMatchesHolder(ok, zhang.number)).toBe(true);
      expect(certs.payloadMatchesHolder(ok, wei.number)).toBe(false);
      expect(payload).not.toContain(zhang.number);
      expect(Buffer.from(payload.split('.')[1], 'base64url').toString()).not.toContain(zhang.number);

      expect((await certs.verifyCertificatePayload(tamper(payload))).status).toBe('forged');
      expect((await certs.verifyCertificatePayload(payload.slice(0, -3) + 'AAA')).status).toBe('forged');
      expect((await certs.verifyCertificatePayload('ODC1.abc')).status).toBe('forged');
      // Text that is no certificate code at all is a mistake, not a forgery.
      expect((await certs.verifyCertificatePayload('')).status).toBe('notACode');
      expect((await certs.verifyCertificatePayload('hello 123')).status).toBe('notACode');
      // Signed by another hall's key: forged here.
      const other = new CertificateService(fx.store, loadOrCreateHallKeys(join(fx.dir, 'other')), fx.clock);
      const foreign = (await other.printCopy(zhang, c.identifier)).payload;
      expect((await certs.verifyCertificatePayload(foreign)).status).toBe('forged');
      // Offline with only the public key PEM.
      expect((await verifyCertificatePayload(payload, { publicKey: keys.publicKeyPem, today: '2026-11-25' })).status).toBe('valid');

      fx.clock.set('2027-02-23', '23:59');
      expect((await certs.verifyCertificatePayload(payload)).status).toBe('valid');
      fx.clock.set('2027-02-24', '00:00');
      expect((await certs.verifyCertificatePayload(payload)).status).toBe('expired');
      fx.clock.set('2026-11-26');
      await certs.revoke(c.identifier, '已注销');
      expect((await certs.verifyCertificatePayload(payload)).status).toBe('revoked');
    });

    it('persists the key pair in the data dir (owner-only) and reuses it', async () => {
      const { keys } = await setup();
      const again = loadOrCreateHallKeys(fx.dir);
      expect(again.keyId).toBe(keys.keyId);
      expect(again.salt.equals(keys.salt)).toBe(true);
      expect(statSync(join(fx.dir, HALL_KEY_FILE)).mode & 0o077).toBe(0);
    });
  });
});
