/**
 * The site config on the real kiosk (README "Installing", site config): tickets and certificate copies carry the
 * configured hall name and QR codes under `site.publicUrl`, not the address the bridge listens on; with no public
 * URL, nothing with a QR code is printed (no phone could open it) and the outcome names the field to set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskSessionEvent } from '@onedoor/protocol';
import { startKioskRig, type KioskRig } from './kioskRig.ts';

const PUBLIC = 'http://192.168.10.5:8080';

describe('kiosk with site.hallName and site.publicUrl', () => {
  let rig: KioskRig;
  let session: KioskSessionEvent;
  beforeAll(async () => {
    rig = await startKioskRig({ site: { hallName: '天河区政务服务中心', publicUrl: `${PUBLIC}/` }, publicUrl: null });
    session = await rig.startSession();
  }, 180_000);
  afterAll(async () => rig?.close(), 60_000);

  it('prints the ticket with the hall name and a QR code under the public URL: the ticket\'s own phone page', async () => {
    const r = await rig.command(session.token, 'queue.take', { category: 'A' });
    expect(r.result!.print.code).toBe('success');
    const paper = rig.printer.tickets.find((p) => p.text.includes(`[4x4]${r.result!.ticket.number}`));
    expect(paper?.text).toContain('天河区政务服务中心');
    expect(paper?.text).not.toContain('广东省政务服务中心');
    const qr = /\[QR [^:\]]+:([^\]]+)\]/.exec(paper!.text)?.[1];
    // The same URL the screen shows as its QR (README "The phone channel"): /m with the ticket's capability.
    expect(qr).toBe(r.result!.phone!.url);
    expect(qr).toMatch(new RegExp(`^${PUBLIC.replace(/[.]/g, '\\.')}/m#c=T1\\.[0-9a-z]+\\.\\d{8}\\.[A-Za-z0-9_-]{22}$`));
    expect(qr).not.toContain(new URL(rig.bridge.url).host);
  });

  it('prints the appointment slip with its check-in code as a QR (docs/mobile-codes.md)', async () => {
    const a = (await rig.command(session.token, 'appointments.list')).result![0]!;
    const r = await rig.command(session.token, 'print.appointmentSlip', { id: a.id });
    expect(r.code).toBe('success');
    const paper = rig.printer.tickets.find((p) => p.text.includes('预约凭条') && p.text.includes(String(a.id)));
    expect(/\[QR [^:\]]+:([^\]]+)\]/.exec(paper!.text)?.[1]).toBe(rig.bridge.phone!.appointmentCodes.issue({ id: a.id, day: a.day }));
    expect(paper!.text).toContain('扫描此码签到');
  });

  it('tells the screens which hall this is: GET /api/site', async () => {
    const r = await fetch(`${rig.bridge.url}/api/site`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ hallId: 'hall', hallName: '天河区政务服务中心', publicUrl: PUBLIC, timeZone: 'Asia/Shanghai', visitSteps: 3 });
  });

  it('prints the certificate copy with its verification QR under the public URL, and answers it', async () => {
    const cert = (await rig.command(session.token, 'certificates.list')).result![0];
    const r = await rig.command(session.token, 'certificates.print', { id: cert.identifier });
    expect(r.code).toBe('success');
    expect(r.result!.verifyUrl).toBe(`${PUBLIC}/verify?p=${encodeURIComponent(r.result!.copy.payload)}`);
    const paper = rig.printer.tickets.find((p) => p.text.replace(/\n/g, '').includes(r.result!.copy.identifier));
    expect(/\[QR M4:([^\]]+)\]/.exec(paper!.text)?.[1]).toBe(`${PUBLIC}/verify?p=${r.result!.copy.payload}`);
  });
});

describe('kiosk without site.publicUrl', () => {
  let rig: KioskRig;
  let session: KioskSessionEvent;
  beforeAll(async () => {
    rig = await startKioskRig({ publicUrl: null });
    session = await rig.startSession();
  }, 180_000);
  afterAll(async () => rig?.close(), 60_000);

  it('issues the ticket (number on screen) but prints no QR no phone could open, naming site.publicUrl', async () => {
    const before = rig.printer.tickets.length;
    const r = await rig.command(session.token, 'queue.take', { category: 'A' });
    expect(r.code).toBe('success');
    expect(r.result!.ticket.number).toMatch(/^A\d{3}$/);
    expect(r.result!.print).toMatchObject({ jobId: null, code: 'deviceNotReady', pending: false });
    expect(r.result!.print.message).toContain('site.publicUrl');
    await new Promise((res) => setTimeout(res, 300));
    expect(rig.printer.tickets.length).toBe(before);
  });

  it('says so on GET /api/site (publicUrl null)', async () => {
    expect(await (await fetch(`${rig.bridge.url}/api/site`)).json()).toMatchObject({ publicUrl: null, hallName: '广东省政务服务中心' });
  });

  it('refuses a certificate copy (its point is the QR) with the field named, and makes none', async () => {
    const cert = (await rig.command(session.token, 'certificates.list')).result![0];
    const r = await rig.command(session.token, 'certificates.print', { id: cert.identifier });
    expect(r).toMatchObject({ code: 'deviceNotReady', refusal: { code: 'noPublicUrl' } });
    expect(r.message).toContain('site.publicUrl');
    expect(rig.printer.tickets.some((p) => p.text.includes('[QR'))).toBe(false);
  });
});
