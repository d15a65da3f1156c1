/**
 * Applying at a kiosk linked to a hall (README "Applying at the kiosk (接件受理)", "Several kiosks, one hall"): a real
 * hall bridge with the demo catalogue and a real kiosk bridge linked to it by its token, with its own ID reader and
 * printer simulators. The form comes prefilled from the hall; a commitment is signed by placing the same card again
 * on the kiosk's reader (another card is refused at the kiosk and nothing is kept at the hall); the submit, sent twice
 * with the same requestId, is one application with its ticket for the material to bring; the clerk sees it waiting at
 * the hall and accepts it; the linked kiosk's progress shows 受理.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskSessionEvent } from '@onedoor/protocol';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../device-bridge/src/auth/demoUsers.ts';
import { loadCatalogueFiles } from '../../device-bridge/src/catalogue/loadCatalogue.ts';
import { staffHttp } from '../../device-bridge/test/helpers/staffHttp.ts';
import { startMultiKioskRig, until, type LinkedKiosk, type MultiKioskRig } from './multikiosk-rig.ts';

const CATALOGUE = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/examples/catalogue/catalogue.json');
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };
const ITEM = { serviceId: 'D35-02', material: '共同居住承诺' };

let rig: MultiKioskRig;
let kiosk: LinkedKiosk;
let session: KioskSessionEvent;
const { call, login } = staffHttp(() => rig.hall.url);

beforeAll(async () => {
  rig = await startMultiKioskRig(1, {}, { users: [...DEMO_USERS], seed: async (store) => void (await loadCatalogueFiles(store, [CATALOGUE])) });
  kiosk = rig.kiosks[0]!;
  session = await kiosk.startSession('zhang-sanfeng');
}, 180_000);
afterAll(async () => rig?.close(), 60_000);

/** Asks to sign, then places `card` on the linked kiosk's reader once the command waits for it. */
async function signWith(card: string) {
  const signing = kiosk.command(session.token, 'intake.sign', ITEM);
  // The sign command must be waiting before the card goes on (its wait is not observable from the screen).
  await new Promise((r) => setTimeout(r, 1000));
  kiosk.reader.placeCard(card);
  const answer = await signing;
  kiosk.reader.removeCard();
  return answer;
}

describe('applying at a linked kiosk', () => {
  it('lists the hall\'s self-service items and opens the form filled from the card', async () => {
    const items = await kiosk.command(session.token, 'intake.items');
    expect(items.code).toBe('success');
    expect(items.result!.map((i) => i.serviceId)).toContain('D35-02');
    const draft = await kiosk.command(session.token, 'intake.start', { serviceId: 'D35-02' });
    expect(draft.code).toBe('success');
    expect(draft.result!.fields.find((f) => f.key === 'idNumber')).toMatchObject({ value: '4401**********1231', origin: 'card' });
    expect(draft.result!.fields.find((f) => f.key === 'name')).toMatchObject({ origin: 'card' });
  });

  it('refuses a commitment confirmed with another card at the kiosk (no new session), then signs with the same card', async () => {
    const sessionsBefore = kiosk.sessions.length;
    const refused = await signWith('wang-guifen');
    expect(refused).toMatchObject({ code: 'userError', refusal: { code: 'cardMismatch' } });
    expect(kiosk.sessions.length).toBe(sessionsBefore);
    const signed = await signWith('zhang-sanfeng');
    expect(signed).toMatchObject({ code: 'success', result: { serviceId: 'D35-02', material: '共同居住承诺', textVersion: 'v1' } });
    expect(kiosk.sessions.length).toBe(sessionsBefore);
  });

  it('refuses a bad form field by field over the link, and the hall keeps nothing', async () => {
    const r = await kiosk.command(session.token, 'intake.submit', { serviceId: 'D35-02', form: { ...FORM, moveFrom: '北京', phone: '1380013800a' },
      bringBy: 'ticket' }, { requestId: 'linked-apply-bad' });
    expect(r).toMatchObject({ code: 'userError', refusal: { code: 'formInvalid' } });
    expect(r.refusal!.fields!.map((f) => f.field).sort()).toEqual(['moveFrom', 'phone']);
    expect(await rig.hall.hall.store!.listIntakes()).toHaveLength(0);
  });

  it('submitted twice with one requestId is one application (commitment recorded at the hall with this kiosk); the clerk accepts it and the kiosk shows 受理', async () => {
    const before = kiosk.printer.tickets.length;
    const first = await kiosk.command(session.token, 'intake.submit', { serviceId: 'D35-02', form: FORM, bringBy: 'ticket' }, { requestId: 'linked-apply-1' });
    expect(first.code).toBe('success');
    const a = first.result!.application;
    expect(a).toMatchObject({ stateName: '待预审', repeated: false, maskedNumber: '4401**********1231' });
    expect(a.materials.map((m) => m.how)).toEqual(['shared', 'shared', 'shared', 'commitment', 'bring']);
    // The material to bring got its ticket from the hall's queue, in the submit's transaction.
    const ticket = a.materials.find((m) => m.how === 'bring')!.ticket!;
    expect(ticket).toMatch(/^E\d+$/);
    const receipt = await until('receipt printed at the kiosk', () => kiosk.printer.tickets.slice(before).find((t) => t.text.includes('申请回执')));
    expect(receipt.text).toContain(`申办流水号：${a.serial}`);
    expect(receipt.text).not.toContain('440106199003071231');

    const again = await kiosk.command(session.token, 'intake.submit', { serviceId: 'D35-02', form: FORM, bringBy: 'ticket' }, { requestId: 'linked-apply-1' });
    expect(again.code).toBe('success');
    // The kiosk bridge may answer a repeated command itself; either way it is the one application.
    expect(again.result!.application.serial).toBe(a.serial);
    const store = rig.hall.hall.store!;
    expect(await store.listIntakes()).toHaveLength(1);
    expect((await store.listTickets(rig.hall.hall.clock.today())).filter((t) => t.number === ticket)).toHaveLength(1);
    // The hall recorded the commitment with its own time, the kiosk id it knows from the link token, the text version.
    expect(await store.listCommitments({ serial: a.serial })).toEqual([expect.objectContaining({ material: '共同居住承诺', kioskId: kiosk.id,
      textVersion: 'v1', cardMasked: '4401**********1231' })]);

    // Audited at the hall under the kiosk's id, with the masked number only (the kiosk has no audit of its own).
    const audited = (await store.queryAccessAudit({ function: 'intake.submit', limit: 10, offset: 0 })).entries;
    expect(audited[0]).toMatchObject({ actorKind: 'kiosk', actor: kiosk.id, maskedNumber: '4401**********1231', result: 'success' });
    expect((await store.queryAccessAudit({ function: 'intake.sign', limit: 10, offset: 0 })).entries).toHaveLength(1);

    const listed = await kiosk.command(session.token, 'intake.list');
    expect(listed.result!.map((x) => [x.serial, x.stateName])).toEqual([[a.serial, '待预审']]);

    const clerk = await login('clerk', DEMO_PASSWORDS.clerk);
    const pending = await call('/api/hall/intake/pending', { cookie: clerk });
    expect(pending.status).toBe(200);
    expect(pending.body.applications.map((x: { serial: string }) => x.serial)).toEqual([a.serial]);
    expect((await call(`/api/hall/intake/${a.serial}/decision`, { cookie: clerk, body: { decision: 'accept' } })).status).toBe(200);

    const progress = await kiosk.command(session.token, 'applications.list');
    expect(progress.result!.find((p) => p.serial === a.serial)).toMatchObject({ statusName: '受理', timeLimitDays: 20 });
    // No longer waiting: the kiosk's list of applications not yet accepted no longer holds it.
    expect((await kiosk.command(session.token, 'intake.list')).result!.map((x) => x.serial)).not.toContain(a.serial);
  });
});
