/**
 * Several kiosks, one hall (README "Several kiosks, one hall"): one hall bridge owning the database
 * and three kiosk bridges, each with its own reader and printer simulators on PTYs, linked over
 * `/kiosklink`. Citizens start sessions by card at their kiosk and take tickets through each
 * kiosk's `/kiosk` socket (the real path); the hall numbers them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskLinkAnswer, KioskTicket } from '@onedoor/protocol';
import { startMultiKioskRig, until, type MultiKioskRig } from './multikiosk-rig.ts';

let rig: MultiKioskRig;

// Valid resident cards of the simulator's library, two per kiosk.
const CARDS = [['zhang-sanfeng', 'wei-xiulan'], ['ayiguli', 'ouyang-zhiqiang'], ['liang-junjie', 'wang-guifen']];

beforeAll(async () => {
  // A caller whose request was in flight when the link dropped waits long enough for the resend's answer.
  rig = await startMultiKioskRig(3, { inFlightGraceMs: 120_000 });
}, 240_000);

afterAll(async () => {
  await rig?.close();
}, 120_000);

describe('one hall, three kiosks', () => {
  it('registers every kiosk with its devices at the hall', async () => {
    const registry = rig.hall.kioskLink!.registry;
    const list = await until('three kiosks registered with online devices', () => {
      const l = registry.list();
      return l.length === 3 && l.every((k) => k.connected && k.devices.length === 2 && k.devices.every((d) => d.state === 'online')) && l;
    }, 60_000);
    expect(list.map((k) => k.kioskId)).toEqual(['kiosk-1', 'kiosk-2', 'kiosk-3']);
    expect(list.map((k) => k.name)).toEqual(['自助机 1', '自助机 2', '自助机 3']);
    expect(list.every((k) => k.lastHeartbeat !== null)).toBe(true);
    for (const k of rig.kiosks) expect(k.bridge.hallLink!.up).toBe(true);
  });

  it('tickets taken at all three kiosks interleave without a duplicate number', async () => {
    // One reader per kiosk, so one citizen at a time per kiosk (a new card ends the session before): in each round
    // a citizen at every kiosk starts a session, then all three take tickets in three categories at once.
    const answers = [];
    for (const round of [0, 1]) {
      const tokens = await Promise.all(rig.kiosks.map(async (k, i) => (await k.startSession(CARDS[i][round])).token));
      answers.push(...await Promise.all(tokens.flatMap((token, i) => ['A', 'B', 'C'].map((category) =>
        rig.kiosks[i].command(token, 'queue.take', { category })))));
    }
    for (const a of answers) expect(a.code, JSON.stringify(a)).toBe('success');
    const tickets = answers.map((a) => (a.result as { ticket: KioskTicket }).ticket);
    const numbers = tickets.map((t) => t.number);
    expect(new Set(numbers).size).toBe(18);
    for (const letter of ['A', 'B', 'C']) {
      expect(numbers.filter((n) => n.startsWith(letter))).toHaveLength(6);
    }
    // The hall's database holds exactly these, and the kiosks hold none (they have no database).
    const store = rig.hall.hall.store!;
    const stored = await store.listTickets(rig.hall.hall.clock.today());
    expect(stored.map((t) => t.number).sort()).toEqual([...numbers].sort());
    for (const k of rig.kiosks) expect(k.bridge.hall.store).toBeNull();
    // Masked numbers only on the wire back to the kiosk.
    for (const t of tickets) expect(t.maskedNumber).toMatch(/^\d{4}\*+[\dX]{4}$/);
  }, 240_000);

  it('link cut: hall functions answer 暂停服务 while the devices stay online; restored: resync, and an in-flight request applied exactly once', async () => {
    const k1 = rig.kiosks[0];
    await rig.stopHall();
    for (const k of rig.kiosks) await until(`${k.id} sees the link down`, () => !k.bridge.hallLink!.up, 60_000);

    // The kiosk keeps its devices: a card read still starts a session there...
    const session = await k1.startSession('liu-shuzhen');
    expect(k1.bridge.devices.statuses().map((s) => s.state)).toEqual(['online', 'online']);
    // ...but every hall function answers deviceNotReady with 暂停服务.
    for (const [command, args] of [['queue.categories', {}], ['queue.take', { category: 'A' }], ['certificates.list', {}]] as const) {
      const c = await k1.command(session.token, command, args as never);
      expect(c.code, command).toBe('deviceNotReady');
      expect(c.refusal?.code).toBe('servicePaused');
      expect(c.refusal?.zh).toContain('暂停服务');
    }

    // Restore the hall: every kiosk re-registers with a full device snapshot.
    const hall = await rig.restartHall();
    const registry = hall.kioskLink!.registry;
    await until('three kiosks registered again', () =>
      registry.list().every((k) => k.connected && k.devices.length === 2) && rig.kiosks.every((k) => k.bridge.hallLink!.up), 60_000);

    // In flight: the hall applies kiosk-1's ticket request and the link drops before the answer gets back.
    const applied: string[] = [];
    const answered: Array<{ requestId: string; answer: KioskLinkAnswer }> = [];
    hall.kioskLink!.on('applied', (kioskId, req) => {
      if (kioskId !== 'kiosk-1' || req.op !== 'queue.take') return;
      applied.push(req.requestId);
      if (applied.length === 1) hall.kioskLink!.drop('kiosk-1');
    });
    hall.kioskLink!.on('answered', (kioskId, req, answer) => {
      if (kioskId === 'kiosk-1') answered.push({ requestId: req.requestId, answer });
    });
    const taken = await k1.command(session.token, 'queue.take', { category: 'A' });

    // The kiosk re-sent it after reconnecting; the hall answered from its record instead of applying it again.
    expect(taken.code, JSON.stringify(taken)).toBe('success');
    expect(applied).toHaveLength(1);
    const replays = answered.filter((a) => a.requestId === applied[0] && a.answer.replayed);
    expect(replays.length).toBeGreaterThanOrEqual(1);
    const ticket = (taken.result as { ticket: KioskTicket }).ticket;
    expect(replays[0].answer.ok && (replays[0].answer.result as KioskTicket).number).toBe(ticket.number);
    const store = hall.hall.store!;
    const mine = (await store.listTickets(hall.hall.clock.today())).filter((t) => t.number === ticket.number);
    expect(mine).toHaveLength(1);
    expect(await store.getKioskRequest('kiosk-1', applied[0])).toBeDefined();
    expect(k1.bridge.hallLink!.pending).toBe(0);

    // And the hall functions work again at every kiosk.
    for (const k of rig.kiosks) {
      await until(`${k.id} link up`, () => k.bridge.hallLink!.up, 60_000);
    }
    const categories = await k1.command(session.token, 'queue.categories');
    expect(categories.code).toBe('success');
  }, 300_000);
});
