/**
 * The citizen flows through the real bridge (hall-rules.md): reader and printer simulators on PTYs,
 * the hall database on SQLite in a temp dir, a socket.io /kiosk client. Card -> session; ticket
 * twice -> same number, printed; check-in; book and cancel; certificate copy printed and verified
 * at /api/verify, tampered -> forged; guidance; progress; refusals; paper out mid-ticket -> result
 * returned, reprint after refill; database down -> 暂停服务; inactivity ends the session on the bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_BACKENDS } from '../store/backends.ts';
import type { CertificateVerifyAnswer, KioskSessionEvent } from '@onedoor/protocol';
import { libraryHolder } from '../hall/fixture.ts';
import { SEEDED_CARD, SERVICE_A, startKioskRig, until, type KioskRig } from './kioskRig.ts';

const FULL_NUMBER = (libraryHolder(SEEDED_CARD) as { idNumber: string }).idNumber;
const MASKED = `${FULL_NUMBER.slice(0, 4)}${'*'.repeat(FULL_NUMBER.length - 8)}${FULL_NUMBER.slice(-4)}`;

describe.each(STORE_BACKENDS)('kiosk flows over the real bridge on $name', (backend) => {
  let rig: KioskRig;
  let session: KioskSessionEvent;

  beforeAll(async () => {
    rig = await startKioskRig({ backend });
    session = await rig.startSession();
  }, 180_000);
  afterAll(async () => rig?.close(), 60_000);

  it('a valid card read starts a session: opaque token, masked holder, after the cardRead; the number never leaves', async () => {
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(session.holder).toEqual({ cardType: 'resident', displayName: '张三丰', maskedNumber: MASKED, elderly: false });
    expect(session.expiresAt).toBeGreaterThan(session.startedAt);
    expect(session.warnAt).toBe(session.expiresAt - 20_000);
    expect(rig.reads.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify([rig.reads, rig.sessions])).not.toContain(FULL_NUMBER);
  });

  // Before any walk-in ticket of the same category: a waiting walk-in ticket would be returned instead (hall/queue.ts).
  it('lists today\'s appointment and checks in: a priority ticket, printed', async () => {
    const list = await rig.command(session.token, 'appointments.list');
    expect(list.code).toBe('success');
    const today = list.result!.find((a) => a.canCheckIn);
    expect(today).toBeDefined();
    const r = await rig.command(session.token, 'appointments.checkIn', { id: today!.id });
    expect(r.code).toBe('success');
    expect(r.result!.kind).toBe('priority');
    expect(r.result!.ticket.priority).toBe('appointment');
    expect(r.result!.appointment.status).toBe('checkedIn');
    expect(r.result!.print.code).toBe('success');
    expect(rig.printer.tickets.some((p) => p.text.includes(`[4x4]${r.result!.ticket.number}`))).toBe(true);
    const twice = await rig.command(session.token, 'appointments.checkIn', { id: today!.id });
    expect(twice).toMatchObject({ code: 'userError', refusal: { code: 'appointmentNotActive' } });
    expect(twice.refusal!.zh.length).toBeGreaterThan(0);
  });

  it('takes a ticket, prints it (the printer simulator rendered that number), and a second request returns the same', async () => {
    const first = await rig.command(session.token, 'queue.take', { category: 'A' });
    expect(first.code).toBe('success');
    const t = first.result!.ticket;
    expect(t.number).toMatch(/^A\d{3}$/);
    expect(t.maskedNumber).toBe(MASKED);
    expect(first.result!.print).toMatchObject({ code: 'success', state: 'confirmed', pending: false });
    const printed = rig.printer.tickets.find((p) => p.text.includes(`[4x4]${t.number}`));
    expect(printed?.text).toContain('综合受理');
    const again = await rig.command(session.token, 'queue.take', { category: 'a' });
    expect(again.code).toBe('success');
    expect(again.result!.ticket).toMatchObject({ number: t.number, reused: true });
    expect(JSON.stringify([first, again])).not.toContain(FULL_NUMBER);
  });

  it('the same requestId completes once: a repeat gets the first completion and prints nothing more', async () => {
    const before = rig.printer.tickets.length;
    const a = await rig.command(session.token, 'queue.take', { category: 'C' }, { requestId: 'same-request-1' });
    const b = await rig.command(session.token, 'queue.take', { category: 'C' }, { requestId: 'same-request-1' });
    expect(a.code).toBe('success');
    expect(b).toEqual(a);
    expect(rig.printer.tickets.length).toBe(before + 1);
  });

  it('books a slot on a bookable day, prints the slip, refuses a second booking that day, and cancels', async () => {
    const days = await rig.command(session.token, 'appointments.days');
    expect(days.code).toBe('success');
    const date = days.result![0];
    const slots = await rig.command(session.token, 'appointments.slots', { serviceId: SERVICE_A, date });
    expect(slots.result!.map((s) => s.start)).toContain('09:00');
    const booked = await rig.command(session.token, 'appointments.book', { serviceId: SERVICE_A, date, slot: '09:00' });
    expect(booked.code).toBe('success');
    expect(booked.result).toMatchObject({ day: date, start: '09:00', status: 'booked', canCancel: true, maskedNumber: MASKED });
    const slip = await rig.command(session.token, 'print.appointmentSlip', { id: booked.result!.id });
    expect(slip.result!.print.code).toBe('success');
    const [y, m, d] = date.split('-');
    expect(rig.printer.tickets.some((p) => p.text.includes('预约凭条') && p.text.includes(`${y}年${m}月${d}日`))).toBe(true);
    const second = await rig.command(session.token, 'appointments.book', { serviceId: SERVICE_A, date, slot: '09:30' });
    expect(second).toMatchObject({ code: 'userError', refusal: { code: 'alreadyBooked' } });
    const canceled = await rig.command(session.token, 'appointments.cancel', { id: booked.result!.id });
    expect(canceled.result).toMatchObject({ id: booked.result!.id, status: 'canceled' });
    const list = await rig.command(session.token, 'appointments.list');
    expect(list.result!.some((a) => a.id === booked.result!.id)).toBe(false);
  });

  it('prints a certificate copy whose QR verifies at /api/verify; a tampered payload is forged', async () => {
    const list = await rig.command(session.token, 'certificates.list');
    expect(list.code).toBe('success');
    const cert = list.result![0];
    expect(cert).toMatchObject({ typeName: '结婚证', maskedNumber: MASKED, printable: true });
    const r = await rig.command(session.token, 'certificates.print', { id: cert.identifier });
    expect(r.code).toBe('success');
    const { copy, print } = r.result!;
    expect(print.code).toBe('success');
    expect(copy.statement).toMatch(/^此件由广州市天河区民政局提供，仅供办理政务服务事项时使用，有效期至\d{4}年\d{2}月\d{2}日$/);
    // The 60-character identifier wraps at the 48-column line; read the paper without line breaks.
    const paper = rig.printer.tickets.find((p) => p.text.replace(/\n/g, '').includes(copy.identifier));
    expect(paper).toBeDefined();
    expect(paper!.text).toContain(MASKED);
    expect(paper!.text).not.toContain(FULL_NUMBER);
    // The printed QR opens this bridge's /verify page with the payload (what a phone would scan).
    const qr = /\[QR M4:([^\]]+)\]/.exec(paper!.text)?.[1];
    expect(qr).toBe(`${rig.bridge.url}/verify?p=${copy.payload}`);
    const scanned = new URL(qr!).searchParams.get('p')!;
    expect(scanned).toBe(copy.payload);

    const get = await fetch(`${rig.bridge.url}/api/verify?p=${encodeURIComponent(scanned!)}`);
    expect(get.status).toBe(200);
    const valid = (await get.json()) as CertificateVerifyAnswer;
    expect(valid).toMatchObject({ status: 'valid', identifier: copy.identifier, copyExpires: copy.copyExpires });
    // What the paper must show, so a genuine QR stuck onto another document is caught; the holder masked.
    expect(valid.certificate).toEqual({
      typeName: '结婚证', issuerName: '广州市天河区民政局', holderNameMasked: `${[...copy.holderName][0]}${'*'.repeat([...copy.holderName].length - 1)}`,
      holderNumberMasked: MASKED, issuedOn: '2020-05-20', expiresOn: null,
    });
    expect(JSON.stringify(valid)).not.toContain(FULL_NUMBER);
    expect(JSON.stringify(valid)).not.toContain(copy.holderName);
    const random = (await (await fetch(`${rig.bridge.url}/api/verify?p=${encodeURIComponent('https://example.com/menu')}`)).json()) as CertificateVerifyAnswer;
    expect(random).toMatchObject({ status: 'notACode' });
    expect(random.zh).toContain('不是证照复印件的核验码');

    const [tag, claims, sig] = scanned!.split('.');
    const json = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { e: string };
    json.e = '2099-12-31';
    const tampered = `${tag}.${Buffer.from(JSON.stringify(json)).toString('base64url')}.${sig}`;
    const post = await fetch(`${rig.bridge.url}/api/verify`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: tampered }),
    });
    const forged = (await post.json()) as CertificateVerifyAnswer;
    expect(forged.status).toBe('forged');
    expect(forged.identifier).toBeUndefined();
    expect((await fetch(`${rig.bridge.url}/api/verify`)).status).toBe(400);
    // Every print is logged with the masked number only (hall-rules.md "Privacy").
    const log = await rig.bridge.hall.store!.listPrintLog(100);
    expect(log.map((e) => e.kind)).toEqual(expect.arrayContaining(['queueTicket', 'appointmentSlip', 'certificateCopy']));
    expect(log.every((e) => e.maskedNumber === MASKED)).toBe(true);
    expect(JSON.stringify(log)).not.toContain(FULL_NUMBER);
  });

  it('guidance lists departments and a department\'s services with 免提交 materials and their source', async () => {
    const all = await rig.command(session.token, 'services.list', {});
    expect(all.result!.departments.length).toBe(43);
    const dept = all.result!.departments.find((d) => d.serviceCount > 0)!;
    const one = await rig.command(session.token, 'services.list', { departmentId: dept.id });
    const svc = one.result!.services.find((s) => s.id === SERVICE_A)!;
    expect(svc.materials.find((m) => m.name === '居民身份证')).toMatchObject({ exempt: true, source: '电子证照库：居民身份证' });
    expect(svc.materials.find((m) => m.name === '申请表')).toMatchObject({ exempt: false, source: null });
  });

  it('lists applications with their time-limit state and prints a progress slip', async () => {
    const apps = await rig.command(session.token, 'applications.list');
    expect(apps.code).toBe('success');
    const a = apps.result![0];
    expect(a).toMatchObject({ serviceId: SERVICE_A, status: 'accepted', statusName: '受理', maskedNumber: MASKED });
    expect(['onTime', 'yellow', 'red']).toContain(a.timeLimit.state);
    const slip = await rig.command(session.token, 'print.progress', { serial: a.serial });
    expect(slip.result!.print.code).toBe('success');
    expect(rig.printer.tickets.some((p) => p.text.includes('办理进度') && p.text.includes(a.serial))).toBe(true);
  });

  it('refuses bad payloads, unknown tokens and an expired card (no session, reason words on the cardRead)', async () => {
    const bad = await rig.command(session.token, 'queue.take', { category: 'AB' } as never);
    expect(bad.code).toBe('invalidRequest');
    expect(bad.message).toContain('category');
    const noToken = await rig.command('not-a-token', 'certificates.list');
    expect(noToken).toMatchObject({ code: 'userError', refusal: { code: 'noSession' } });
    const missing = (await rig.kiosk.timeout(60_000).emitWithAck('kioskCommand', { requestId: 'r-missing' } as never)) as { code: string };
    expect(missing.code).toBe('invalidRequest');

    const sessionsBefore = rig.sessions.length;
    const readsBefore = rig.reads.length;
    rig.reader.placeCard('li-xiaoming');
    const read = await until('cardRead of the expired card', () => rig.reads[readsBefore]);
    rig.reader.removeCard();
    expect(read.holder.valid).toBe(false);
    expect(read.holder.invalid?.reason).toBe('expired');
    // A new card at the reader ended the previous session, and the refused card started none.
    await until('previous session ended', () => rig.ended.find((e) => e.token === session.token));
    expect(rig.ended.find((e) => e.token === session.token)?.reason).toBe('newCard');
    expect(rig.sessions.length).toBe(sessionsBefore);
    expect(rig.bridge.hall.sessions.activeCount).toBe(0);
    const after = await rig.command(session.token, 'queue.categories');
    expect(after.refusal?.code).toBe('noSession');
    session = await rig.startSession();
  });

  it('paper out mid-ticket: the command returns the ticket and says so; after the refill the reprint arrives', async () => {
    await rig.printer.act('paper-length', { mm: 15 });
    const r = await rig.command(session.token, 'queue.take', { category: 'B' }, { timeout: 20_000 });
    expect(r.code).toBe('success');
    const t = r.result!.ticket;
    expect(t.number).toMatch(/^B\d{3}$/);
    expect(r.result!.print.code).toBe('userError');
    expect(r.result!.print.pending).toBe(true);
    expect(r.result!.print.message).toMatch(/paper/i);
    const jobId = r.result!.print.jobId!;
    expect(rig.jobs.some((u) => u.jobId === jobId && u.state === 'interrupted')).toBe(true);
    await rig.printer.act('paper-length', { mm: 'infinite' });
    await rig.printer.act('paper', { state: 'ok' });
    await until('reprint confirmed', () => rig.jobs.find((u) => u.jobId === jobId && u.state === 'confirmed'), 60_000);
    const reprint = rig.printer.tickets.find((p) => p.reprint && p.text.includes(`[4x4]${t.number}`) && !p.interrupted);
    expect(reprint).toBeDefined();
  });

  it('logout ends the session on the bridge and tells the kiosk', async () => {
    const r = await rig.command(session.token, 'session.logout');
    expect(r).toMatchObject({ code: 'success', result: { ended: true } });
    await until('sessionEnded', () => rig.ended.find((e) => e.token === session.token && e.reason === 'logout'));
    expect(rig.bridge.hall.sessions.get(session.token)).toBeUndefined();
    session = await rig.startSession();
  });

  it('the hall database down: hall commands complete deviceNotReady with 暂停服务', async () => {
    await rig.bridge.hall.store!.close();
    const r = await rig.command(session.token, 'queue.take', { category: 'A' });
    expect(r).toMatchObject({ code: 'deviceNotReady', refusal: { code: 'servicePaused' } });
    expect(r.refusal!.zh).toContain('暂停服务');
    const certs = await rig.command(session.token, 'certificates.list');
    expect(certs.code).toBe('deviceNotReady');
  });
});

describe('inactivity on the bridge', () => {
  let rig: KioskRig;
  beforeAll(async () => {
    rig = await startKioskRig({ hall: { session: { inactivityMs: 4000, warningMs: 1000 } }, seed: false });
  }, 180_000);
  afterAll(async () => rig?.close(), 60_000);

  it('a bad check character or a birth date that disagrees with the number starts no session', async () => {
    for (const [key, reason] of [['huang-lijuan', 'checkChar'], ['zhang-wei', 'birthMismatch']] as const) {
      const reads = rig.reads.length;
      rig.reader.placeCard(key);
      const read = await until(`cardRead of ${key}`, () => rig.reads[reads]);
      rig.reader.removeCard();
      expect(read.holder).toMatchObject({ valid: false, invalid: { reason } });
      expect(read.holder.invalid!.zh.length).toBeGreaterThan(0);
    }
    expect(rig.sessions).toEqual([]);
    expect(rig.bridge.hall.sessions.activeCount).toBe(0);
  });

  it('extends on request and ends the session without touches, wiping it from the bridge', async () => {
    const s = await rig.startSession('wang-guifen');
    expect(s.holder.elderly).toBe(true);
    const ext = await rig.command(s.token, 'session.extend');
    expect(ext.code).toBe('success');
    expect(ext.result!.extensionsLeft).toBe(9);
    const held = rig.bridge.hall.sessions.get(s.token)!;
    await until('inactivity end', () => rig.ended.find((e) => e.token === s.token), 60_000);
    expect(rig.ended.find((e) => e.token === s.token)!.reason).toBe('inactivity');
    expect(rig.bridge.hall.sessions.activeCount).toBe(0);
    expect(() => held.citizen()).toThrow(/ended/);
    // A hall without data (no demo seed) answers with empty lists, not errors.
    const s2 = await rig.startSession('wang-guifen');
    const r = await rig.command(s2.token, 'queue.categories');
    expect(r.code).toBe('success');
    expect(r.result).toEqual([]);
  });
});
