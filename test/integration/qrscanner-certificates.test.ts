// A certificate copy's QR at the kiosk's scanner, end to end (README "The QR scanner"; hall-rules.md "Electronic
// certificates"): QrScannerSim behind a real PTY, the whole bridge with its own hall database and key, and the /kiosk
// screen's socket. The printed copy's verification URL shows 有效 with the masked record; the same copy after its
// certificate is revoked shows 已撤销; a copy whose signature was changed shows 无法验证 (forged) with nothing of its
// claims; garbage shows 无法识别此二维码. No session is started by any of them, and the next code always reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResultEvent } from '@onedoor/protocol';
import { issueCertificateRecord } from '../../device-bridge/src/hall/certificates.ts';
import { citizenFromHolder } from '../../device-bridge/src/hall/citizen.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { METRICS_TOKEN, startScannerRig, until, type ScannerRig } from './qrscanner-rig.ts';

let rig: ScannerRig;
const results: ScanResultEvent[] = [];
const sessions: unknown[] = [];
const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));

beforeAll(async () => {
  rig = await startScannerRig({ link: 'pty', sim: { repeatGuardMs: 0 } });
  rig.kiosk.on('scanResult', (e) => results.push(e));
  rig.kiosk.on('session', (e) => sessions.push(e));
  await until(() => rig.state() === 'online', 'scanner online');
}, 120_000);
afterAll(async () => {
  await rig?.close();
}, 60_000);

/** Presents `code` on the simulated engine; resolves with the kiosk screen's scanResult for it. */
async function scan(code: string): Promise<ScanResultEvent> {
  const n = results.length;
  await rig.sim.present(code);
  await until(() => results.length > n, `scanResult for ${code.slice(0, 10)}…`);
  return results[n]!;
}

async function printedCopy(): Promise<{ identifier: string; url: string; payload: string }> {
  const hall = rig.bridge.hall;
  const c = await issueCertificateRecord(hall.store!, { typeName: '结婚证', typeCode: '11100000000013338W001', issuerName: '广州市天河区民政局',
    issuerCode: '11440000006940164G', holderNumber: zhang.number, holderName: zhang.name, issuedOn: '2025-05-22', expiresOn: null });
  const copy = await hall.certificates!.printCopy(zhang, c.identifier);
  // What the printed copy's QR holds (api/kioskPrint.ts): the bridge's /verify page with the payload.
  return { identifier: c.identifier, payload: copy.payload, url: `${rig.bridge.url}/verify?p=${encodeURIComponent(copy.payload)}` };
}

describe('certificate copies at the kiosk scanner (PTY)', () => {
  it('a valid copy shows 有效 with type, issuer, masked holder and dates; revoked shows 已撤销; a changed signature is forged', async () => {
    const copy = await printedCopy();
    const valid = await scan(copy.url);
    expect(valid).toMatchObject({ deviceId: 'scanner', kind: 'certificate', outcome: 'certificateValid', zh: expect.stringContaining('核验通过') });
    expect(valid.certificate).toMatchObject({ identifier: copy.identifier,
      certificate: { typeName: '结婚证', issuerName: '广州市天河区民政局', issuedOn: '2025-05-22', expiresOn: null } });
    expect(valid.certificate!.certificate!.holderNumberMasked).toMatch(/^\d{4}\*+\d{3}[\dX]$/);
    expect(JSON.stringify(valid)).not.toContain(zhang.number);

    const [tag, claims, sig] = copy.payload.split('.') as [string, string, string];
    const forged = await scan(`${tag}.${claims}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect(forged).toMatchObject({ kind: 'certificate', outcome: 'certificateForged', zh: expect.stringContaining('核验失败') });
    expect(forged.certificate).toBeUndefined();

    await rig.bridge.hall.store!.revokeCertificate(copy.identifier, Date.now(), 'test');
    expect(await scan(copy.url)).toMatchObject({ kind: 'certificate', outcome: 'certificateRevoked', zh: expect.stringContaining('已注销') });
    expect(sessions).toEqual([]);
  });

  it('garbage on the wire is dropped and a garbage code is refused in words; the next copy still reads', async () => {
    await rig.sim.garbage(40);
    await new Promise((res) => setTimeout(res, 700)); // the stale-partial limit (500 ms) passes
    expect(await scan('QWERTY?!not-a-code ODC1')).toMatchObject({ kind: 'other', outcome: 'notIdentityCode', zh: expect.stringContaining('无法识别此二维码') });
    // A tagged code that is no payload at all is a forgery, not a crash.
    expect(await scan('ODC1.%%%.###')).toMatchObject({ kind: 'certificate', outcome: 'certificateForged' });
    const copy = await printedCopy();
    expect((await scan(copy.url)).outcome).toBe('certificateValid');
    expect(sessions).toEqual([]);
  });

  it('/metrics counts the outcomes per kind', async () => {
    const text = await (await fetch(`${rig.bridge.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const count = (outcome: string) => Number(new RegExp(`^onedoor_scanned_codes_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect({ valid: count('certificateValid'), forged: count('certificateForged'), revoked: count('certificateRevoked'), other: count('notIdentityCode') })
      .toEqual({ valid: 2, forged: 2, revoked: 1, other: 1 });
  });
});
