// Calling rules per category on both real hall stores (README "Running the hall floor"): a scripted morning shows
// the appointment ratio and the green-channel ratio in the order of calls, each call carries the reason it was
// chosen; a no-show after N recalls; the hold pool brings a ticket back in its place within its time, not after.
import { afterEach, describe, expect, it } from 'vitest';
import { pickInCategory, type CallingRule } from '../../src/hall/callingRules.ts';
import type { Citizen } from '../../src/hall/citizen.ts';
import { queueFigures } from '../../src/hall/dashboardFigures.ts';
import type { TicketRecord } from '../../src/store/hallStore.ts';
import { SERVICE_A, STORE_BACKENDS } from '../hall/fixture.ts';
import { BUS, openWorkflowRig, type WorkflowRig } from './workflowRig.ts';

const person = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });
const ONE_WINDOW = { windows: [{ window: 1, deviceId: BUS, unit: 1, categories: ['A'] }] };

describe.each(STORE_BACKENDS)('calling rules on $name', (backend) => {
  let rig: WorkflowRig;
  afterEach(async () => rig?.close());

  /** A checked-in appointment ticket (category A) for a slot that started at 09:00. */
  async function appointment(r: WorkflowRig, c: Citizen): Promise<{ number: string }> {
    const { store, clock } = r.fx;
    const day = clock.today();
    await store.ensureSlots([{ serviceId: SERVICE_A, day, start: '09:00', minutes: 30, capacity: 50 }]);
    const slot = (await store.listSlots(SERVICE_A, day)).find((s) => s.start === '09:00')!;
    const appt = await store.insertAppointment({ slotId: slot.id, holderNumber: c.number, createdAt: clock.now() });
    clock.advance(60_000);
    const { ticket } = await store.withTransaction((tx) => r.queue.issueIn(tx, { citizen: c, category: 'A', appointmentId: appt.id }));
    return ticket;
  }

  /** Calls until nothing waits; returns the called numbers and the reasons of their calls. */
  async function callAll(r: WorkflowRig): Promise<string[]> {
    const order: string[] = [];
    for (;;) {
      const a = await r.press(1, 'callNext');
      if (!a?.outcome.startsWith('called ')) return order;
      order.push(a.outcome.slice('called '.length));
      await r.press(1, 'finish');
    }
  }

  it('a scripted morning: one appointment after every two other calls, one green ticket after every three walk-ins', async () => {
    rig = await openWorkflowRig({
      ...ONE_WINDOW,
      callingRules: { categories: { A: { appointments: { mode: 'ratio', every: 2 }, greenChannel: { mode: 'ratio', every: 3 } } } },
    }, undefined, backend);
    // 09:00: the doors open on six walk-ins, three booked citizens and two elderly/disabled citizens.
    const walk: string[] = [];
    for (let i = 1; i <= 6; i++) walk.push((await rig.take(person(i), 'A')).number);
    const appt: string[] = [];
    for (let i = 11; i <= 13; i++) appt.push((await appointment(rig, person(i))).number);
    const green: string[] = [];
    for (let i = 21; i <= 22; i++) green.push((await rig.take(person(i), 'A', { disabled: true })).number);

    const order = await callAll(rig);
    const kind = (n: string) => (appt.includes(n) ? 'P' : green.includes(n) ? 'G' : 'W');
    // P every third call; G after three walk-ins since the last G (the walk-in count pauses while P is called).
    expect(order.map(kind).join('')).toBe('WWPWGPWWPWG');
    expect(order.filter((n) => kind(n) === 'W')).toEqual(walk); // walk-ins keep their issue order
    const reasons = rig.calls.filter((c) => c.recall === 0).map((c) => c.reason ?? '');
    expect(reasons[2]).toMatch(/appointment: 2 others called since the last \(1:2\)/);
    expect(reasons[0]).toMatch(/walk-in in issue order.*ratio not reached/);
    expect(reasons[4]).toMatch(/green channel: 3 walk-ins since the last \(1:3\)/);
    // The reasons are stored with the calls (the dashboard reads them from there).
    const stored = await rig.fx.store.listCounterCalls(rig.fx.clock.today(), 20);
    expect(stored.map((c) => c.reason).reverse()).toEqual(reasons);
    // The dashboard's queue panel lists them, newest first.
    const q = await queueFigures(rig.fx.store, rig.fx.clock.today(), rig.fx.clock.now(), []);
    expect(q.recentCalls?.map((c) => c.reason)).toEqual([...reasons].reverse());
  });

  it('strict by default: started appointments, then green channel, then walk-ins, each with its reason', async () => {
    rig = await openWorkflowRig(ONE_WINDOW, undefined, backend);
    const w = await rig.take(person(1), 'A');
    const g = await rig.take(person(2), 'A', { disabled: true });
    const p = await appointment(rig, person(3));
    expect(await callAll(rig)).toEqual([p.number, g.number, w.number]);
    expect(rig.calls.map((c) => c.reason)).toEqual([
      '预约号优先 / appointment first (strict)', '绿色通道优先 / green channel first (strict)', '按取号顺序 / walk-in in issue order',
    ]);
  });

  it('no-show after N recalls, into the hold pool; brought back in time it keeps its place, not after the hold ran out', async () => {
    rig = await openWorkflowRig({ ...ONE_WINDOW, callingRules: { default: { recallsBeforeNoShow: 2, holdMinutes: 10 } } }, undefined, backend);
    const first = await rig.take(person(1), 'A');
    const second = await rig.take(person(2), 'A');
    await rig.press(1, 'callNext');
    expect((await rig.press(1, 'recall'))?.outcome).toMatch(/^recalled/);
    expect((await rig.press(1, 'recall'))?.outcome).toMatch(/^recalled/);
    expect((await rig.press(1, 'recall'))?.outcome).toMatch(new RegExp(`^no-show ${first.number} \\(held until .*\\) after 2 recalls`));
    expect((await rig.fx.store.getTicket(first.id))?.status).toBe('noShow');
    expect((await rig.workflow.holds()).map((h) => h.number)).toEqual([first.number]);
    const q = await queueFigures(rig.fx.store, rig.fx.clock.today(), rig.fx.clock.now(), []);
    expect(q.holds?.map((h) => h.ticketNumber)).toEqual([first.number]);

    rig.fx.clock.advance(9 * 60_000);
    expect(await rig.workflow.returnFromHold(first.id)).toEqual({ ok: true, number: first.number });
    expect(await rig.workflow.returnFromHold(first.id)).toMatchObject({ ok: false, why: expect.stringMatching(/brought back before/) });
    expect(await rig.workflow.holds()).toEqual([]);
    // Back in its place: issued before `second`, so called first.
    expect((await rig.press(1, 'callNext'))?.outcome).toBe(`called ${first.number}`);

    // Held again (the plain no-show key), and this time the citizen comes back too late.
    await rig.press(1, 'noShow');
    rig.fx.clock.advance(11 * 60_000);
    expect(await rig.workflow.returnFromHold(first.id)).toMatchObject({ ok: false, why: expect.stringMatching(/hold ran out/) });
    expect(await rig.workflow.holds()).toEqual([]);
    expect((await rig.press(1, 'callNext'))?.outcome).toBe(`called ${second.number}`);
  });

  it('without recallsBeforeNoShow the 4th recall is refused as before, and a no-show is void without a hold pool', async () => {
    rig = await openWorkflowRig(ONE_WINDOW, undefined, backend);
    const t = await rig.take(person(1), 'A');
    await rig.press(1, 'callNext');
    for (let i = 0; i < 3; i++) await rig.press(1, 'recall');
    expect((await rig.press(1, 'recall'))?.outcome).toMatch(/refused \(recallLimit\)/);
    expect((await rig.press(1, 'noShow'))?.outcome).toBe(`no-show ${t.number} (void)`);
    expect(await rig.workflow.returnFromHold(t.id)).toMatchObject({ ok: false });
  });
});

describe('pickInCategory', () => {
  const rule = (every: number): CallingRule => ({ appointments: { mode: 'ratio', every }, greenChannel: { mode: 'strict', every: 2 }, holdMinutes: 0 });
  const t = (id: number, priority: TicketRecord['priority']): TicketRecord => ({
    id, day: '2026-11-25', category: 'A', seq: id, number: `A00${id}`, holderNumber: null, priority, status: 'waiting',
    issuedAt: id, calledAt: null, startedAt: null, finishedAt: null, appointmentId: null,
  });
  it('with only appointments waiting the ratio does not hold them back', () => {
    expect(pickInCategory([t(1, 'appointment')], () => true, [], rule(5))?.ticket.id).toBe(1);
  });
  it('counts every call since the last appointment, across the day', () => {
    const waiting = [t(1, null), t(2, 'appointment')];
    expect(pickInCategory(waiting, () => true, ['appointment', 'walkIn'], rule(2))?.ticket.id).toBe(1);
    expect(pickInCategory(waiting, () => true, ['appointment', 'walkIn', 'green'], rule(2))?.ticket.id).toBe(2);
  });
});
