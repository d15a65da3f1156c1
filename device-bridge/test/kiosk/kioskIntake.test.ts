/**
 * 接件受理 over the real bridge with the ID reader and printer simulators (README "Applying at the kiosk (接件受理)"):
 * card -> item -> prefilled form -> a commitment signed by placing the same card again (another card is refused and
 * starts no session) -> submit with a ticket for the material to bring -> the receipt printed (decoded by the printer
 * simulator) -> a resend of the submit is the same application -> the clerk accepts -> the progress shows 受理.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskSessionEvent } from '@onedoor/protocol';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { startKioskRig, until, type KioskRig } from './kioskRig.ts';

const CATALOGUE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };

describe('applying at the kiosk over the real bridge', () => {
  let rig: KioskRig;
  let session: KioskSessionEvent;

  beforeAll(async () => {
    rig = await startKioskRig({ hall: { demo: async (store) => void (await loadCatalogueFiles(store, [CATALOGUE])) } });
    session = await rig.startSession('zhang-sanfeng');
  }, 180_000);
  afterAll(async () => rig?.close(), 60_000);

  it('lists the items and opens the form filled from the card', async () => {
    const items = await rig.command(session.token, 'intake.items');
    expect(items.code).toBe('success');
    expect(items.result!.map((i) => i.serviceId)).toContain('D35-02');
    const draft = await rig.command(session.token, 'intake.start', { serviceId: 'D35-02' });
    expect(draft.result!.fields.find((f) => f.key === 'idNumber')).toMatchObject({ value: '4401**********1231', origin: 'card' });
  });

  it('refuses a commitment confirmed with another card (no session starts with it), then signs with the same card; the screen never hears these reads as a citizen arriving', async () => {
    const sessionsBefore = rig.sessions.length;
    const readsBefore = rig.reads.length;
    const other = rig.command(session.token, 'intake.sign', { serviceId: 'D35-02', material: '共同居住承诺' });
    // The sign command must be waiting before the card goes on (its wait is not observable from the screen).
    await new Promise((r) => setTimeout(r, 1000));
    rig.reader.placeCard('wang-guifen');
    const refused = await other;
    rig.reader.removeCard();
    expect(refused).toMatchObject({ code: 'userError', refusal: { code: 'cardMismatch' } });
    expect(rig.sessions.length).toBe(sessionsBefore);
    const signing = rig.command(session.token, 'intake.sign', { serviceId: 'D35-02', material: '共同居住承诺' });
    // The sign command must be waiting before the card goes on (its wait is not observable from the screen).
    await new Promise((r) => setTimeout(r, 1000));
    rig.reader.placeCard('zhang-sanfeng');
    const signed = await signing;
    rig.reader.removeCard();
    expect(signed).toMatchObject({ code: 'success', result: { material: '共同居住承诺', textVersion: 'v1' } });
    expect(rig.sessions.length).toBe(sessionsBefore);
    // A cardRead would have reached the screen before the command's answer (same socket, sent first).
    expect(rig.reads.length).toBe(readsBefore);
  });

  it('refuses a bad form field by field, each field with what to change in the refusal, and stores nothing', async () => {
    const bad = { ...FORM, moveFrom: '北京', phone: '1380013800a' };
    const r = await rig.command(session.token, 'intake.submit', { serviceId: 'D35-02', form: bad, bringBy: 'ticket' }, { requestId: 'apply-bad' });
    expect(r).toMatchObject({ code: 'userError', refusal: { code: 'formInvalid' } });
    expect(r.refusal!.fields!.map((f) => f.field).sort()).toEqual(['moveFrom', 'phone']);
    expect(r.refusal!.fields!.find((f) => f.field === 'moveFrom')!.zh).toContain('迁出地址');
    expect(await rig.bridge.hall.store!.listIntakes()).toHaveLength(0);
  });

  it('submits, prints the receipt, answers a resend with the same application; the clerk accepts and the progress shows 受理', async () => {
    const before = rig.printer.tickets.length;
    const r = await rig.command(session.token, 'intake.submit', { serviceId: 'D35-02', form: FORM, bringBy: 'ticket' }, { requestId: 'apply-1' });
    expect(r.code).toBe('success');
    const a = r.result!.application;
    expect(a).toMatchObject({ stateName: '待预审', repeated: false });
    expect(a.materials.map((m) => m.how)).toEqual(['shared', 'shared', 'shared', 'commitment', 'bring']);
    const receipt = await until('receipt printed', () => rig.printer.tickets.slice(before).find((t) => t.text.includes('申请回执')));
    expect(receipt.text).toContain(`申办流水号：${a.serial}`);
    expect(receipt.text).toContain('  共同居住承诺：告知承诺');
    expect(receipt.text).not.toContain('440106199003071231');
    const again = await rig.command(session.token, 'intake.submit', { serviceId: 'D35-02', form: FORM, bringBy: 'ticket' }, { requestId: 'apply-1' });
    expect(again.result!.application.serial).toBe(a.serial);
    expect(await rig.bridge.hall.store!.listIntakes()).toHaveLength(1);
    const hallId = (await rig.bridge.hall.store!.getIntake(a.serial))!.hallId;
    await rig.bridge.hall.intake!.decide(a.serial, { decision: 'accept' }, { user: 'clerk', hallId });
    const progress = await rig.command(session.token, 'applications.list');
    expect(progress.result!.find((p) => p.serial === a.serial)).toMatchObject({ statusName: '受理', timeLimitDays: 20 });
  });
});
