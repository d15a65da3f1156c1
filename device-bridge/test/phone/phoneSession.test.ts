/**
 * The kiosk -> phone hand-off and the phone session on a real bridge (kiosk rig: reader and printer simulators, the
 * hall database on SQLite and on PostgreSQL; README "The phone channel"): "在手机上继续" hands the signed-in citizen to
 * the phone once, for 2 minutes; a second use is refused with its reason and counted; behind a trusted proxy the
 * limits key on the forwarded address; the phone session slides, ends on logout or after 15 idle minutes, and reaches
 * the citizen's tickets, appointments (booked through the kiosk's service, so the kiosk sees them, and audited),
 * progress, certificates by name, and an identity code the kiosk's own issuer list accepts.
 */
import { ApplicationService } from '../../src/hall/applications.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KioskAppointment, PhoneAppointments, PhoneCertificate, PhoneIdentityCode, PhoneMe, PhoneMyTicket, PhoneProgress,
  PhoneSessionHandoff, PhoneSignIn } from '@onedoor/protocol';
import { checkIdentityCode, hallIdentityIssuer, IdentityCodeReplays } from '../../src/hall/identityCode.ts';
import { STORE_BACKENDS, TestClock } from '../hall/fixture.ts';
import { SERVICE_A, startKioskRig, type KioskRig } from '../kiosk/kioskRig.ts';

for (const backend of STORE_BACKENDS) describe(`on ${backend.name}`, () => {
  const clock = new TestClock('2026-11-25', '09:30');
  let rig: KioskRig;

  beforeAll(async () => {
    // Behind a trusted proxy on loopback (config site.trustProxy): each test is its own client address.
    rig = await startKioskRig({ hall: { clock }, site: { trustProxy: ['127.0.0.1'] }, backend });
  }, 60_000);
  let address = 0;
  beforeEach(() => {
    address++;
  });
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  const api = async <T>(path: string, opts: { token?: string; body?: unknown; method?: string } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${rig.bridge.url}${path}`, {
      method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
      headers: { 'x-forwarded-for': `198.51.100.${address}`, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  async function handOff(): Promise<{ handoff: string; kioskToken: string }> {
    const s = await rig.startSession();
    const done = await rig.command(s.token, 'phone.handoff');
    expect(done.code).toBe('success');
    const h = done.result as PhoneSessionHandoff;
    expect(h.url).toMatch(/\/m#h=H1\.[A-Za-z0-9_-]{43}$/);
    expect(h.qr.size).toBeGreaterThan(20);
    return { handoff: h.url.split('#h=')[1]!, kioskToken: s.token };
  }

  async function signIn(): Promise<string> {
    const { handoff } = await handOff();
    const r = await api<PhoneSignIn>('/api/m/session', { body: { handoff } });
    expect(r.status).toBe(200);
    return r.body.token;
  }

  describe('kiosk hand-off', () => {
    it('opens a phone session once; a second use is refused as used and counted', async () => {
      const { handoff } = await handOff();
      const first = await api<PhoneSignIn>('/api/m/session', { body: { handoff } });
      expect(first.status).toBe(200);
      expect(first.body.token).toMatch(/^PS1\./);
      expect(first.body.me.maskedNumber).toMatch(/^\d{4}\*+\d{3}[\dX]$/);
      expect(first.body.me.maskedName).toContain('*');
      const before = rig.bridge.phone!.refusals.handoffUsed;
      const again = await api<{ error: string; zh: string }>('/api/m/session', { body: { handoff } });
      expect(again.status).toBe(410);
      expect(again.body.error).toBe('handoffUsed');
      expect(again.body.zh).toContain('只能用一次');
      expect(rig.bridge.phone!.refusals.handoffUsed).toBe(before + 1);
    });

    it('expires after 2 minutes', async () => {
      const { handoff } = await handOff();
      clock.advance(120_000);
      const r = await api<{ error: string }>('/api/m/session', { body: { handoff } });
      expect([r.status, r.body.error]).toEqual([410, 'handoffExpired']);
    });

    it('dies with the kiosk session it came from when that ends first', async () => {
      const { handoff, kioskToken } = await handOff();
      expect((await rig.command(kioskToken, 'session.logout')).code).toBe('success');
      await expect.poll(async () => (await api<{ error: string }>('/api/m/session', { body: { handoff } })).body.error).toBe('handoffUnknown');
    });

    it('a malformed hand-off is refused at the boundary', async () => {
      const r = await api<{ error: string }>('/api/m/session', { body: { handoff: 'H1.short', more: 1 } });
      expect([r.status, r.body.error]).toEqual([400, 'handoffUnknown']);
    });
  });

  describe('rate limits behind a trusted proxy', () => {
    it('key on the forwarded client address: one client shut out, the next one still served', async () => {
      let status = 0;
      for (let i = 0; i < 10 && status !== 429; i++) status = (await api('/api/m/session', { body: { handoff: `H1.${'x'.repeat(43)}` } })).status;
      expect(status).toBe(429);
      address++;
      expect((await api('/api/m/session', { body: { handoff: `H1.${'x'.repeat(43)}` } })).status).toBe(404);
    });
  });

  describe('phone session', () => {
    it('without a session token the door answers 401; with an unknown one the route says the session ended', async () => {
      expect((await api('/api/m/me')).status).toBe(401);
      const r = await api<{ error: string }>('/api/m/me', { token: `PS1.${'A'.repeat(43)}` });
      expect([r.status, r.body.error]).toEqual([401, 'sessionEnded']);
    });

    it('slides on use and ends after 15 idle minutes', async () => {
      const token = await signIn();
      clock.advance(14 * 60_000);
      expect((await api<PhoneMe>('/api/m/me', { token })).status).toBe(200);
      clock.advance(14 * 60_000);
      expect((await api<PhoneMe>('/api/m/me', { token })).status).toBe(200);
      clock.advance(15 * 60_000);
      expect((await api<{ error: string }>('/api/m/me', { token })).body.error).toBe('sessionEnded');
    });

    it('logout ends it at once and deletes its row', async () => {
      const token = await signIn();
      expect((await api<{ ended: boolean }>('/api/m/session/logout', { token, body: {} })).body).toEqual({ ended: true });
      expect((await api('/api/m/me', { token })).status).toBe(401);
    });

    it('books through the kiosk\'s service: the kiosk lists the appointment; cancels it again', async () => {
      const token = await signIn();
      const view = (await api<PhoneAppointments>('/api/m/me/appointments', { token })).body;
      expect(view.services.map((s) => s.id)).toContain(SERVICE_A);
      const date = view.days.find((d) => d > '2026-11-25')!;
      const slots = (await api<Array<{ start: string; remaining: number }>>(`/api/m/me/slots?serviceId=${SERVICE_A}&date=${date}`, { token })).body;
      const booked = await api<KioskAppointment>('/api/m/me/appointments', { token, body: { serviceId: SERVICE_A, date, slot: slots[0]!.start } });
      expect(booked.status).toBe(200);
      const kiosk = await rig.startSession();
      const listed = (await rig.command(kiosk.token, 'appointments.list')).result as KioskAppointment[];
      expect(listed.map((a) => a.id)).toContain(booked.body.id);
      const refused = await api<{ error: string; zh: string }>('/api/m/me/appointments', { token, body: { serviceId: SERVICE_A, date, slot: '03:00' } });
      expect(refused.status).toBe(409);
      const bad = await api<{ error: string }>('/api/m/me/appointments', { token, body: { serviceId: SERVICE_A, date: 'tomorrow', slot: '09:00' } });
      expect([bad.status, bad.body.error]).toEqual([400, 'invalid']);
      const canceled = await api<KioskAppointment>(`/api/m/me/appointments/${booked.body.id}/cancel`, { token, body: {} });
      expect(canceled.body.status).toBe('canceled');
      // Audited like the kiosk's (actor `phone`), with the masked number only.
      const audited = await rig.bridge.hall.store!.queryAccessAudit({ actor: 'phone', function: 'appointments.book', limit: 10, offset: 0 });
      expect(audited.entries.map((e) => [e.result, e.code, e.maskedNumber, e.detail])).toEqual([
        ['refused', 'slotFull', booked.body.maskedNumber, 'channel=phone'], ['success', null, booked.body.maskedNumber, 'channel=phone']]);
    });

    it('shows the citizen\'s tickets, progress and certificates (names only)', async () => {
      const token = await signIn();
      const kiosk = await rig.startSession();
      await rig.command(kiosk.token, 'queue.take', { category: 'A' });
      const tickets = (await api<PhoneMyTicket[]>('/api/m/me/tickets', { token })).body;
      expect(tickets.length).toBeGreaterThan(0);
      expect((await api(`/api/m/ticket?c=${tickets[0]!.capability}`)).status).toBe(200);
      const progress = (await api<PhoneProgress>('/api/m/me/progress', { token })).body;
      expect(progress.applications.length).toBeGreaterThan(0);
      const certs = (await api<PhoneCertificate[]>('/api/m/me/certificates', { token })).body;
      expect(certs).toEqual([expect.objectContaining({ typeName: '结婚证' })]);
      expect(Object.keys(certs[0]!)).not.toContain('identifier');
    });

    it('shows a result notice once the application is decided (结果反馈), with no ID number in it', async () => {
      const token = await signIn();
      const before = (await api<PhoneProgress>('/api/m/me/progress', { token })).body;
      const open = before.applications.find((a) => a.status === 'accepted' || a.status === 'review');
      expect(open, 'the demo citizen has an application in progress').toBeDefined();
      expect(before.notices.filter((n) => n.serial === open!.serial)).toEqual([]);
      await new ApplicationService(rig.bridge.hall.store!, clock).advance(open!.serial, 'returned', '材料不齐全：请补正申请表签名');
      const after = (await api<PhoneProgress>('/api/m/me/progress', { token })).body;
      const notice = after.notices.find((n) => n.serial === open!.serial);
      expect(notice).toMatchObject({ outcome: 'returned', serviceName: open!.serviceName });
      expect(notice!.text).toContain('材料不齐全');
      expect(JSON.stringify(after.notices)).not.toMatch(/\d{17}[\dX]/);
    });

    it('shows an identity code signed by the hall\'s key that the kiosk accepts once', async () => {
      const token = await signIn();
      const r = (await api<PhoneIdentityCode>('/api/m/me/identity-code', { token, body: {} })).body;
      expect(r.code).toMatch(/^ODI1\./);
      const issuer = hallIdentityIssuer(rig.bridge.hall.keys, 'hall');
      const replays = new IdentityCodeReplays();
      expect(checkIdentityCode(r.code, [issuer], clock.now(), replays).ok).toBe(true);
      expect(checkIdentityCode(r.code, [issuer], clock.now(), replays)).toEqual({ ok: false, reason: 'replayed' });
    });
  });
});
