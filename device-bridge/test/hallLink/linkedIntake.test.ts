/**
 * Applying from a kiosk linked to a hall (README "Applying at the kiosk (接件受理)", "Several kiosks, one hall"): the
 * linked kiosk's `applying` asks the hall over the link (the hall's request handler, hallRequests.ts, on a real hall
 * database: SQLite and PostgreSQL). The card check stays at the kiosk (a different card never reaches the hall); the
 * hall holds a session's signatures keyed by kiosk, session hash and citizen, forgets them when the kiosk session
 * ends, and applies a resent submit once.
 */
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskLinkAnswer, KioskLinkCitizen, KioskLinkOp } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { IntakeFormRefused } from '../../src/hall/intake.ts';
import { tokenHashOf } from '../../src/hall/phoneSessions.ts';
import { HallLinkAnswerError } from '../../src/hallLink/hallLinkClient.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { linkedKioskHall } from '../../src/hallLink/linkedKioskHall.ts';
import { libraryHolder, seedBasics, STORE_BACKENDS } from '../hall/fixture.ts';
import type { StoreTarget } from '../store/backends.ts';

const CATALOGUE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };
const ZHANG = libraryHolder('zhang-sanfeng');
const zhang = citizenFromHolder(ZHANG);

describe.each(STORE_BACKENDS)('linked kiosk applying on $name', (backend) => {
  let target: StoreTarget;
  let hall: KioskHall;
  let kiosk: KioskHall;
  let handle: (kioskId: string, payload: unknown) => Promise<KioskLinkAnswer>;
  let sent: Array<{ op: KioskLinkOp; args: unknown[] }>;
  /** The next request is a resend of the last one (the same link request id). */
  let resend = false;

  beforeEach(async () => {
    target = await backend.create();
    hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: async (store) => {
      await seedBasics(store);
      await loadCatalogueFiles(store, [CATALOGUE]);
    } });
    handle = hallRequestHandler({ hall });
    sent = [];
    resend = false;
    let last = '';
    const link = {
      request: async (op: KioskLinkOp, citizen: unknown, args: unknown[]) => {
        last = resend ? last : randomUUID();
        sent.push({ op, args });
        const answer = await handle('kiosk-2', { requestId: last, op, ...(citizen ? { citizen: citizen as KioskLinkCitizen } : {}), args });
        if (!answer.ok) throw new HallLinkAnswerError(answer);
        return answer.result;
      },
    };
    kiosk = linkedKioskHall(link, target.dir, silentLogger());
  });

  afterEach(async () => {
    await kiosk.close();
    await hall.close();
    await target.destroy();
  });

  const startSession = () => {
    const s = kiosk.sessions.start('kiosk-2', ZHANG);
    if (!s.ok) throw new Error('no session');
    return s.session.token;
  };
  const submit = (token: string, requestId: string) => kiosk.applying!.submit({ sessionKey: token, citizen: zhang, kioskId: 'kiosk-2', requestId,
    serviceId: 'D35-02', form: FORM, bringBy: 'ticket' });

  it('refuses another card at the kiosk without asking the hall; the same card signs at the hall and the submit records it once', async () => {
    const token = startSession();
    const other = citizenFromHolder(libraryHolder('wang-guifen')).number;
    await expect(kiosk.applying!.sign(token, zhang, 'D35-02', '共同居住承诺', other, 'kiosk-2')).rejects.toMatchObject({ code: 'cardMismatch' });
    expect(sent.filter((r) => r.op === 'intake.sign')).toHaveLength(0);
    const signed = await kiosk.applying!.sign(token, zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-2');
    expect(signed).toMatchObject({ material: '共同居住承诺', textVersion: 'v1' });
    // The hall learns the session by its token's hash, never the token.
    expect(JSON.stringify(sent)).not.toContain(token);
    expect(sent.at(-1)!.args[0]).toBe(tokenHashOf(token));

    const a = await submit(token, 'apply-1');
    expect(a.materials.find((m) => m.name === '共同居住承诺')!.how).toBe('commitment');
    resend = true;
    const resent = await submit(token, 'apply-1');
    resend = false;
    expect(resent.serial).toBe(a.serial);
    const again = await submit(token, 'apply-1');
    expect(again).toMatchObject({ serial: a.serial, repeated: true });
    expect(await hall.store!.listIntakes()).toHaveLength(1);
    expect(await hall.store!.countKioskRequests('kiosk-2')).toBe(2);
    expect(await hall.store!.listCommitments({ serial: a.serial })).toEqual([expect.objectContaining({ kioskId: 'kiosk-2', textVersion: 'v1' })]);
    expect((await kiosk.applying!.listOf(zhang)).map((x) => x.serial)).toEqual([a.serial]);
  });

  it('forgets a session\'s signatures at the hall when the kiosk session ends; another kiosk cannot use them', async () => {
    const token = startSession();
    await kiosk.applying!.sign(token, zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-2');
    const origin = tokenHashOf(token);
    const citizen = zhang as KioskLinkCitizen;
    // Another kiosk naming the same session hash: its key differs (the kiosk id comes from its link token).
    const elsewhere = await handle('kiosk-3', { requestId: 'r-3', op: 'intake.submit', citizen, args: [origin, 'apply-3', 'D35-02', FORM, 'slot', []] });
    expect(elsewhere).toMatchObject({ ok: true });
    expect((elsewhere as { result: { materials: Array<{ name: string; how: string }> } }).result.materials
      .find((m) => m.name === '共同居住承诺')!.how).toBe('bring');

    kiosk.sessions.end(token);
    await expect.poll(() => sent.some((r) => r.op === 'intake.forget' && r.args[0] === origin)).toBe(true);
    const after = await submit(token, 'apply-4');
    expect(after.materials.find((m) => m.name === '共同居住承诺')!.how).toBe('bring');
  });

  it('a signature the hall no longer holds (it restarted since) is refused at submit, not turned into a material to bring', async () => {
    const token = startSession();
    await kiosk.applying!.sign(token, zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-2');
    // What a hall restart does to the signatures it held in memory.
    hall.intake!.forgetSessionsStartingWith('link\n');
    await expect(submit(token, 'apply-lost')).rejects.toMatchObject({ code: 'commitmentLost' });
    expect(await hall.store!.listIntakes()).toHaveLength(0);
    // Started again: signed again it is a commitment; not signed this time, the material is to bring (not refused again).
    await kiosk.applying!.sign(token, zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-2');
    expect((await submit(token, 'apply-lost')).materials.find((m) => m.name === '共同居住承诺')!.how).toBe('commitment');
    await kiosk.applying!.sign(token, zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-2');
    hall.intake!.forgetSessionsStartingWith('link\n');
    await expect(submit(token, 'apply-lost-2')).rejects.toMatchObject({ code: 'commitmentLost' });
    expect((await submit(token, 'apply-lost-3')).materials.find((m) => m.name === '共同居住承诺')!.how).toBe('bring');
  });

  it('a form refused field by field at the hall comes back with its fields', async () => {
    const token = startSession();
    const err = await kiosk.applying!.submit({ sessionKey: token, citizen: zhang, kioskId: 'kiosk-2', requestId: 'bad', serviceId: 'D35-02',
      form: { ...FORM, phone: '1380013800a' }, bringBy: 'ticket' }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(IntakeFormRefused);
    expect((err as IntakeFormRefused).fields.map((f) => f.field)).toEqual(['phone']);
    expect(await hall.store!.listIntakes()).toHaveLength(0);
  });
});
