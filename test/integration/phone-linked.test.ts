/**
 * The phone channel from a kiosk linked to a hall (README "The phone channel", "Several kiosks, one hall"): the
 * linked kiosk has no hall key, so the hall makes the ticket's capability and the hand-off over the link; the QR
 * URLs point at the hall's public URL (site.publicUrl of a kiosk PC) and work there. A hand-off not scanned before
 * the kiosk session ends is revoked at the hall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskTicketResult, PhoneSessionHandoff, PhoneSignIn } from '@onedoor/protocol';
import { startMultiKioskRig, type MultiKioskRig } from './multikiosk-rig.ts';

let rig: MultiKioskRig;

beforeAll(async () => {
  rig = await startMultiKioskRig(1);
}, 120_000);
afterAll(async () => {
  await rig?.close();
}, 60_000);

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('phone QR codes of a linked kiosk', () => {
  it('the ticket\'s QR opens the ticket on the hall', async () => {
    const k = rig.kiosks[0]!;
    const s = await k.startSession('liu-shuzhen');
    const taken = await k.command(s.token, 'queue.take', { category: 'A' });
    expect(taken.code).toBe('success');
    const url = (taken.result as KioskTicketResult).phone?.url;
    expect(url).toMatch(new RegExp(`^${rig.hall.url}/m#c=T1\\.`));
    const res = await fetch(`${rig.hall.url}/api/m/ticket?c=${url!.split('#c=')[1]}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { number: string }).number).toBe((taken.result as KioskTicketResult).ticket.number);
    await k.command(s.token, 'session.logout');
  });

  it('在手机上继续 opens a phone session at the hall; an unscanned hand-off dies with the kiosk session', async () => {
    const k = rig.kiosks[0]!;
    const s = await k.startSession('liu-shuzhen');
    const first = (await k.command(s.token, 'phone.handoff')).result as PhoneSessionHandoff;
    expect(first.url).toMatch(new RegExp(`^${rig.hall.url}/m#h=H1\\.`));
    const signedIn = await post(`${rig.hall.url}/api/m/session`, { handoff: first.url.split('#h=')[1] });
    expect(signedIn.status).toBe(200);
    const { token } = (await signedIn.json()) as PhoneSignIn;
    expect((await fetch(`${rig.hall.url}/api/m/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const second = (await k.command(s.token, 'phone.handoff')).result as PhoneSessionHandoff;
    await k.command(s.token, 'session.logout');
    await expect.poll(async () => (await post(`${rig.hall.url}/api/m/session`, { handoff: second.url.split('#h=')[1] })).status, { timeout: 10_000 })
      .toBe(404);
  });
});
