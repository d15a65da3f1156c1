// One visit, several windows (多窗联办; hall/visits.ts) on both real hall stores: one ticket for several services is
// served window after window with its number, keeping its place by its original issue time; the display's latest
// call and the ticket's view say where to go next; no-show, hold and transfer act on the current step; the visit is
// checked when issued and counts once against the per-person limits; the dashboard counts it where it waits.
import { afterEach, describe, expect, it } from 'vitest';
import type { Citizen } from '../../src/hall/citizen.ts';
import { queueFigures } from '../../src/hall/dashboardFigures.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { queueTicketData } from '../../src/hall/printRecipes.ts';
import { STORE_BACKENDS } from '../hall/fixture.ts';
import { BUS, openWorkflowRig, type WorkflowRig } from './workflowRig.ts';

const person = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });
/** Window 1 serves A, window 2 serves B, window 3 serves C. */
const WINDOWS = {
  windows: [
    { window: 1, deviceId: BUS, unit: 1, categories: ['A'] },
    { window: 2, deviceId: BUS, unit: 2, categories: ['B'] },
    { window: 3, deviceId: BUS, unit: 3, categories: ['C'] },
  ],
  transferCategories: { 3: 'C' },
};

describe.each(STORE_BACKENDS)('visits on $name', (backend) => {
  let rig: WorkflowRig;
  afterEach(async () => rig?.close());
  const open = (config: Parameters<typeof openWorkflowRig>[0] = WINDOWS) => openWorkflowRig(config, undefined, backend);
  const visit = (c: Citizen | null, first: string, ...also: string[]) => {
    rig.fx.clock.advance(60_000);
    return rig.queue.takeTicket(c, first, {}, also);
  };

  it('a two-service visit moves window to window with one number, before the tickets of B issued after it', async () => {
    rig = await open();
    const earlyB = await rig.take(person(1), 'B');
    const t = await visit(person(2), 'A', 'B');
    const lateB = await rig.take(person(3), 'B');
    expect(t.number).toBe('A001');
    expect(t.visit?.steps.map((s) => [s.position, s.category, s.categoryName, s.state]))
      .toEqual([[1, 'A', '综合受理', 'waiting'], [2, 'B', '社保医保', 'waiting']]);
    expect(t.visit?.next).toBeNull();

    expect((await rig.press(1, 'callNext'))?.outcome).toBe('called A001');
    expect((await rig.queue.ticket(t.id)).visit?.next).toMatchObject({ position: 2, of: 2, category: 'B', zh: '下一步：请到 社保医保 等候 (第 2/2 项)' });
    // The display shows nothing extra while the step is called.
    expect((await rig.workflow.board()).calls[0]).not.toHaveProperty('next');
    await rig.press(1, 'start');
    rig.fx.clock.advance(4 * 60_000);
    expect((await rig.press(1, 'finish'))?.outcome).toBe('finished A001 (step 1/2): waits in B for step 2');
    // The step's 4 minutes are A's service time for the wait estimate (no A ticket is done).
    expect(await rig.queue.serviceMinutes('A')).toBe(4);
    const moved = await rig.queue.ticket(t.id);
    expect(moved).toMatchObject({ number: 'A001', category: 'B', status: 'waiting', issuedAt: t.issuedAt, ahead: 1 });
    expect(moved.visit?.steps.map((s) => s.state)).toEqual(['done', 'waiting']);
    expect(moved.visit?.next?.zh).toBe('下一步：请到 社保医保 等候 (第 2/2 项)');
    const board = await rig.workflow.board();
    expect(board.calls[0]).toMatchObject({ ticketNumber: 'A001', window: 1, next: { zh: '下一步：请到 社保医保 等候 (第 2/2 项)' } });
    // Waiting at its current step counts in B on the dashboard.
    const q = await queueFigures(rig.fx.store, rig.fx.clock.today(), rig.fx.clock.now(), []);
    expect(q.categories.find((c) => c.letter === 'B')?.waiting).toBe(3);
    expect(q.categories.find((c) => c.letter === 'A')?.waiting).toBe(0);

    // Window 2 calls by issue time: B001, then the visit (issued before B002), then B002.
    expect((await rig.press(2, 'callNext'))?.outcome).toBe(`called ${earlyB.number}`);
    await rig.press(2, 'finish');
    expect((await rig.press(2, 'callNext'))?.outcome).toBe('called A001');
    expect(rig.calls.at(-1)?.text).toBe('请A001号到2号窗口办理');
    expect((await rig.workflow.board()).calls.every((c) => c.next === undefined)).toBe(true);
    expect((await rig.press(2, 'finish'))?.outcome).toBe('finished A001 (step 2/2)');
    const done = await rig.queue.ticket(t.id);
    expect(done).toMatchObject({ status: 'done', number: 'A001' });
    expect(done.visit?.steps.map((s) => s.state)).toEqual(['done', 'done']);
    expect(done.visit?.next).toBeNull();
    expect((await rig.fx.store.listVisitSteps(t.id)).map((s) => s.window)).toEqual([1, 2]);
    expect((await rig.press(2, 'callNext'))?.outcome).toBe(`called ${lateB.number}`);
    // Each window served the visit once: window 1 its first step (4 minutes), window 2 B001 and its last step.
    const idle = (window: number) => ({ window, state: 'idle' as const, ticketNumber: null, categories: [] });
    const figures = await queueFigures(rig.fx.store, rig.fx.clock.today(), rig.fx.clock.now(), [idle(1), idle(2)]);
    expect(figures.windows.map((w) => [w.window, w.served, w.busyMs])).toEqual([[1, 1, 4 * 60_000], [2, 2, 0]]);
  });

  it('a step finished without being served is still the ticket\'s step; a third step follows the second', async () => {
    rig = await open();
    const t = await visit(null, 'C', 'A', 'B');
    await rig.press(3, 'callNext');
    expect((await rig.press(3, 'finish'))?.outcome).toBe('finished C001 (step 1/3): waits in A for step 2');
    await rig.press(1, 'callNext');
    expect((await rig.queue.ticket(t.id)).visit?.next?.zh).toBe('下一步：请到 社保医保 等候 (第 3/3 项)');
    expect((await rig.press(1, 'finish'))?.outcome).toBe('finished C001 (step 2/3): waits in B for step 3');
    await rig.press(2, 'callNext');
    expect((await rig.press(2, 'finish'))?.outcome).toBe('finished C001 (step 3/3)');
    expect((await rig.fx.store.getTicket(t.id))?.status).toBe('done');
  });

  it('a transfer at a step moves that step; the later steps stay', async () => {
    rig = await open();
    const t = await visit(person(1), 'A', 'B');
    await rig.press(1, 'callNext');
    expect((await rig.press(1, 'transfer', 3))?.outcome).toBe('transferred A001 to C');
    expect((await rig.fx.store.listVisitSteps(t.id)).map((s) => [s.category, s.state])).toEqual([['C', 'waiting'], ['B', 'waiting']]);
    await rig.press(3, 'callNext');
    expect((await rig.press(3, 'finish'))?.outcome).toBe('finished A001 (step 1/2): waits in B for step 2');
    expect((await rig.press(2, 'callNext'))?.outcome).toBe('called A001');
  });

  it('a no-show at a step is the ticket\'s (held by the category\'s rule); brought back it waits at the same step', async () => {
    rig = await open({ ...WINDOWS, callingRules: { categories: { B: { holdMinutes: 10 } } } });
    const t = await visit(person(1), 'A', 'B');
    await rig.press(1, 'callNext');
    await rig.press(1, 'finish');
    await rig.press(2, 'callNext');
    expect((await rig.press(2, 'noShow'))?.outcome).toMatch(/^no-show A001 \(held until/);
    const missed = await rig.queue.ticket(t.id);
    expect(missed).toMatchObject({ status: 'noShow', category: 'B' });
    expect(missed.visit?.next).toBeNull();
    expect(await rig.workflow.returnFromHold(t.id)).toEqual({ ok: true, number: 'A001' });
    expect((await rig.press(2, 'callNext'))?.outcome).toBe('called A001');
    expect((await rig.fx.store.listVisitSteps(t.id)).map((s) => s.state)).toEqual(['done', 'serving']);
  });

  it('ends the visit at a step whose category the holder already waits in with another ticket', async () => {
    rig = await open();
    const t = await visit(person(1), 'A', 'B');
    await rig.press(1, 'callNext');
    // Taken meanwhile (e.g. at another kiosk after being called): that ticket serves B.
    const own = await rig.take(person(1), 'B');
    expect((await rig.press(1, 'finish'))?.outcome).toBe(`finished A001 (step 1/2): visit ended, the holder waits in B with ${own.number}`);
    expect((await rig.fx.store.getTicket(t.id))?.status).toBe('done');
    expect((await rig.fx.store.listVisitSteps(t.id)).map((s) => s.state)).toEqual(['done', 'skipped']);
  });

  it('checks a visit when issued: known categories, each once, at most the configured number, none already waited in', async () => {
    rig = await open();
    const queue = new QueueService(rig.fx.store, rig.fx.clock, {}, {}, undefined, { maxSteps: 2 });
    const refused = async (p: Promise<unknown>) => p.then(() => 'issued', (e: unknown) => (e instanceof HallRuleError ? `${e.code}: ${e.zh}` : String(e)));
    expect(await refused(queue.takeTicket(person(1), 'A', {}, ['B', 'C']))).toBe('visitInvalid: 每张号票最多办理2项业务，请分开取号');
    expect(await refused(queue.takeTicket(person(1), 'A', {}, ['a']))).toBe('visitInvalid: 同一项业务只需选择一次');
    expect(await refused(queue.takeTicket(person(1), 'A', {}, ['Z']))).toMatch(/^unknownCategory/);
    const b = await queue.takeTicket(person(1), 'B');
    expect(await refused(queue.takeTicket(person(1), 'A', {}, ['B']))).toBe(`visitInvalid: 您已在“B”类业务排队（${b.number}号），请不要重复选择`);
    expect(await rig.fx.store.listTickets(rig.fx.clock.today())).toHaveLength(1);
    // Asked again with more services, the waiting ticket of one service takes them on: still one ticket.
    const a = await queue.takeTicket(person(2), 'A');
    const again = await queue.takeTicket(person(2), 'A', {}, ['C']);
    expect(again).toMatchObject({ id: a.id, number: a.number, reused: true });
    expect(again.visit?.steps.map((s) => s.category)).toEqual(['A', 'C']);
  });

  it('counts a visit once against the per-person limits, and prints its services in order', async () => {
    rig = await open();
    const queue = new QueueService(rig.fx.store, rig.fx.clock, { ticketsPerDay: 2 });
    const t = await queue.takeTicket(person(1), 'A', {}, ['B', 'C']);
    // Three services on one ticket are one of the two tickets a day: a second ticket is issued, a third refused.
    expect(await queue.takeTicket(person(1), 'C').then(() => 'issued', (e: HallRuleError) => e.code)).toBe('issued');
    expect(await queue.takeTicket(person(1), 'B').then(() => 'issued', (e: HallRuleError) => e.code)).toBe('personLimit');
    const printed = queueTicketData(t, { hallName: '测试大厅' });
    expect(printed.steps).toEqual(['综合受理', '社保医保', '不动产登记']);
    expect(queueTicketData(await queue.takeTicket(null, 'A'), { hallName: '测试大厅' })).not.toHaveProperty('steps');
  });
});
