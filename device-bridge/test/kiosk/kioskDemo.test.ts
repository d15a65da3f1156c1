/**
 * The kiosk commands on the demo data `npm start` uses (device-bridge/src/demo, filled into an empty data dir through
 * the bridge's `hall.demo` hook): a library card finds an appointment open for check-in, certificates (a revoked one
 * refused for printing), applications with their time-limit states, and every department in the guidance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_BACKENDS } from '../store/backends.ts';
import type { CertificateVerifyAnswer, KioskSessionEvent } from '@onedoor/protocol';
import { checkoutDemoHallFiller } from '../../src/demo/demoFiles.ts';
import { HallClock } from '../../src/hall/clock.ts';
import { startKioskRig, type KioskRig } from './kioskRig.ts';

describe.each(STORE_BACKENDS)('kiosk commands on the demo data on $name', (backend) => {
  let rig: KioskRig;
  let session: KioskSessionEvent;
  beforeAll(async () => {
    // A working day inside opening hours (10:07 China time, Wed 25 Nov 2026), running on from there: the demo puts
    // today's appointment in the hall's slots, so at night there is none open for check-in.
    const start = Date.parse('2026-11-25T02:07:00Z');
    const t0 = Date.now();
    const clock = new HallClock(() => start + (Date.now() - t0));
    rig = await startKioskRig({ hall: { demo: checkoutDemoHallFiller(), clock }, backend });
    session = await rig.startSession('ayiguli');
  }, 180_000);
  afterAll(async () => rig?.close(), 60_000);

  it('the holder checks in to the appointment open now and gets a printed priority ticket', async () => {
    const list = await rig.command(session.token, 'appointments.list');
    expect(list.code).toBe('success');
    const open = list.result!.find((a) => a.canCheckIn);
    expect(open).toBeDefined();
    const r = await rig.command(session.token, 'appointments.checkIn', { id: open!.id });
    expect(r.code).toBe('success');
    expect(r.result!.kind).toBe('priority');
    expect(r.result!.print.code).toBe('success');
  });

  it('certificates: a valid one prints and verifies, a revoked one is listed but refused', async () => {
    const list = await rig.command(session.token, 'certificates.list');
    const valid = list.result!.find((c) => c.printable)!;
    const revoked = list.result!.find((c) => c.state === 'revoked')!;
    expect(revoked.printable).toBe(false);
    const refused = await rig.command(session.token, 'certificates.print', { id: revoked.identifier });
    expect(refused).toMatchObject({ code: 'userError', refusal: { code: 'certificateRevoked' } });
    const printed = await rig.command(session.token, 'certificates.print', { id: valid.identifier });
    expect(printed.result!.print.code).toBe('success');
    const v = (await (await fetch(`${rig.bridge.url}/api/verify?p=${encodeURIComponent(printed.result!.copy.payload)}`)).json()) as CertificateVerifyAnswer;
    expect(v.status).toBe('valid');
  });

  it('applications show their time-limit states and print; guidance covers the 43 departments with services', async () => {
    const apps = await rig.command(session.token, 'applications.list');
    const states = new Set(apps.result!.map((a) => a.timeLimit.state));
    expect(states.size).toBeGreaterThan(1);
    const slip = await rig.command(session.token, 'print.progress', { serial: apps.result![0].serial });
    expect(slip.result!.print.code).toBe('success');
    const g = await rig.command(session.token, 'services.list', {});
    expect(g.result!.departments).toHaveLength(43);
    const dept = g.result!.departments.find((d) => d.serviceCount > 0)!;
    const services = await rig.command(session.token, 'services.list', { departmentId: dept.id });
    expect(services.result!.services.length).toBe(dept.serviceCount);
    expect(services.result!.services.some((s) => s.materials.some((m) => m.exempt && m.source))).toBe(true);
  });

  it('the finder: every service with the pinyin of its name and category, the life events, the most used in the last 30 days', async () => {
    const f = await rig.command(session.token, 'services.finder', {});
    expect(f.code).toBe('success');
    const { services, lifeEvents, mostUsed } = f.result!;
    expect(services).toHaveLength(56);
    const hukou = services.find((s) => s.name === '户口迁移（投靠）')!;
    expect(hukou.namePinyin).toEqual(['hu', 'kou', 'qian', 'yi', '（', 'tou', 'kao', '）']);
    expect(services.find((s) => s.categoryName === '社保医保')!.categoryPinyin).toEqual(['she', 'bao', 'yi', 'bao']);
    expect(hukou.materials.length).toBeGreaterThan(0);
    expect(lifeEvents.map((e) => e.name)).toEqual(['生孩子', '上学', '找工作', '结婚', '买房', '开公司', '出境旅行', '退休']);
    expect(lifeEvents.find((e) => e.code === 'birth')!.serviceIds).toEqual(['D27-02', 'D35-02', 'D37-01']);
    // The demo books appointments and issues tickets: most used comes from them, each a known service, at most six.
    expect(mostUsed.length).toBeGreaterThan(0);
    expect(mostUsed.length).toBeLessThanOrEqual(6);
    expect(mostUsed.every((id) => services.some((s) => s.id === id))).toBe(true);
  });

  it('books a free slot of a service on a bookable day it holds no appointment for, then cancels it', async () => {
    const g = await rig.command(session.token, 'services.list', {});
    const dept = g.result!.departments.find((d) => d.serviceCount > 0)!;
    const service = (await rig.command(session.token, 'services.list', { departmentId: dept.id })).result!.services[0];
    const mine = (await rig.command(session.token, 'appointments.list')).result!;
    const days = (await rig.command(session.token, 'appointments.days')).result!;
    const date = days.find((d) => !mine.some((a) => a.serviceId === service.id && a.day === d))!;
    const slots = (await rig.command(session.token, 'appointments.slots', { serviceId: service.id, date })).result!;
    const free = slots.find((s) => s.remaining > 0)!;
    const booked = await rig.command(session.token, 'appointments.book', { serviceId: service.id, date, slot: free.start });
    expect(booked.code).toBe('success');
    const canceled = await rig.command(session.token, 'appointments.cancel', { id: booked.result!.id });
    expect(canceled.result!.status).toBe('canceled');
  });
});
