// The counter workflow on both real hall stores: calling order, recall limit, no-show, transfer, pause, ratings and
// bad-review follow-ups on working days, a replayed event applied once, and presses kept while the database is down.
import { afterEach, describe, expect, it } from 'vitest';
import { citizenFromHolder, type Citizen } from '../../src/hall/citizen.ts';
import { parseCounterWorkflowConfig } from '../../src/hall/counterConfig.ts';
import { DB_ERROR_TEXT } from '../../src/hall/counterOutputs.ts';
import { SERVICE_A, libraryHolder } from '../hall/fixture.ts';
import { STORE_BACKENDS } from '../hall/fixture.ts';
import { BUS, failableStore, openWorkflowRig as openRig, type WorkflowRig } from './workflowRig.ts';
import { until } from '../../../test/support/until.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openWorkflowRig: typeof openRig = (config, store) => openRig(config, store, backend);

  let rig: WorkflowRig;
  afterEach(async () => rig?.close());

  const person = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });
  const elderly = citizenFromHolder(libraryHolder('wang-guifen'));
  const ONE_WINDOW = { windows: [{ window: 3, deviceId: BUS, unit: 1 }] };

  /** A checked-in appointment ticket for a slot of SERVICE_A (category A) starting at `start` today. */
  async function appointmentTicket(r: WorkflowRig, c: Citizen, start: string): Promise<{ id: number; number: string }> {
    const { store, clock } = r.fx;
    const day = clock.today();
    await store.ensureSlots([{ serviceId: SERVICE_A, day, start, minutes: 30, capacity: 5 }]);
    const slot = (await store.listSlots(SERVICE_A, day)).find((s) => s.start === start)!;
    const appt = await store.insertAppointment({ slotId: slot.id, holderNumber: c.number, createdAt: clock.now() });
    r.fx.clock.advance(60_000);
    const { ticket } = await store.withTransaction((tx) => r.queue.issueIn(tx, { citizen: c, category: 'A', appointmentId: appt.id }));
    return ticket;
  }

  describe('CounterWorkflow', () => {
    it('calls started appointments first, then priority tickets, then by issue time, only of the window categories', async () => {
      rig = await openWorkflowRig({ windows: [{ window: 3, deviceId: BUS, unit: 1, categories: ['A'] }] });
      const plain1 = await rig.take(person(1), 'A');
      const otherCat = await rig.take(person(2), 'B');
      const plain2 = await rig.take(person(3), 'A');
      const green = await rig.take(elderly, 'A');
      const disabled = await rig.take(person(4), 'A', { disabled: true });
      const later = await appointmentTicket(rig, person(5), '10:00'); // slot not started yet: a priority ticket
      const started = await appointmentTicket(rig, person(6), '09:00'); // slot started: first
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        const a = await rig.press(1, 'callNext');
        expect(a?.outcome).toMatch(/^called /);
        order.push(a!.outcome.slice('called '.length));
        await rig.press(1, 'finish');
      }
      expect(order).toEqual([started.number, green.number, disabled.number, later.number, plain1.number, plain2.number]);
      expect((await rig.press(1, 'callNext'))?.outcome).toMatch(/refused \(noneWaiting\)/);
      expect((await rig.fx.store.getTicket(otherCat.id))?.status).toBe('waiting');
    });

    it('shows the number, red LED and a beep on a call, and announces 请A001号到3号窗口办理', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      await rig.take(person(1), 'A');
      await rig.press(1, 'callNext');
      const t = rig.terminals.of(1);
      expect([t.text, t.led, t.beeps]).toEqual(['A001', 'red', 1]);
      expect(rig.calls.map((c) => [c.text, c.recall])).toEqual([['请A001号到3号窗口办理', 0]]);
      const board = await rig.workflow.board();
      expect(board.windows).toEqual([{ window: 3, state: 'called', ticketNumber: 'A001' }]);
      expect(board.calls.map((c) => c.callId)).toEqual([rig.calls[0].callId]);
      await rig.press(1, 'start');
      expect((await rig.workflow.board()).windows[0].state).toBe('serving');
      await rig.press(1, 'finish');
      expect([t.text, t.led, t.ratingPad]).toEqual(['', 'green', true]);
    });

    it('recalls at most 3 times, each a call of its own; the 4th is refused on the terminal', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      await rig.take(person(1), 'A');
      await rig.press(1, 'callNext');
      for (let i = 1; i <= 3; i++) expect((await rig.press(1, 'recall'))?.outcome).toBe(`recalled A001 (${i})`);
      expect((await rig.press(1, 'recall'))?.outcome).toMatch(/refused \(recallLimit\)/);
      expect(rig.terminals.of(1).text).toBe('RCL MAX');
      expect(rig.calls.map((c) => c.recall)).toEqual([0, 1, 2, 3]);
      expect(new Set(rig.calls.map((c) => c.callId)).size).toBe(4);
      expect(rig.terminals.of(1).beeps).toBe(4);
    });

    it('no-show voids the ticket and frees the window', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      const a = await rig.take(person(1), 'A');
      const b = await rig.take(person(2), 'A');
      await rig.press(1, 'callNext');
      expect((await rig.press(1, 'noShow'))?.outcome).toBe('no-show A001 (void)');
      expect((await rig.fx.store.getTicket(a.id))?.status).toBe('noShow');
      expect(rig.terminals.of(1).led).toBe('green');
      expect((await rig.press(1, 'callNext'))?.outcome).toBe(`called ${b.number}`);
      // A voided ticket is never called again.
      await rig.press(1, 'finish');
      expect((await rig.press(1, 'callNext'))?.outcome).toMatch(/noneWaiting/);
    });

    it('transfers to the category of the key argument, keeping number and issue time, and another window calls it', async () => {
      rig = await openWorkflowRig({
        windows: [{ window: 1, deviceId: BUS, unit: 1, categories: ['A'] }, { window: 2, deviceId: BUS, unit: 2, categories: ['B'] }],
      });
      const a = await rig.take(person(1), 'A');
      const b = await rig.take(person(2), 'B'); // issued after a
      const before = (await rig.fx.store.getTicket(a.id))!;
      await rig.press(1, 'callNext');
      expect((await rig.press(1, 'transfer', 9))?.outcome).toMatch(/refused \(badCategory\)/); // no category I
      expect((await rig.press(1, 'transfer', 2))?.outcome).toBe('transferred A001 to B');
      const moved = (await rig.fx.store.getTicket(a.id))!;
      expect([moved.category, moved.number, moved.status, moved.issuedAt]).toEqual(['B', 'A001', 'waiting', before.issuedAt]);
      expect(await rig.fx.store.listTicketTransfers(a.id)).toMatchObject([{ fromCategory: 'A', toCategory: 'B', window: 1 }]);
      // Its original issue time puts it before B001, which was issued later.
      expect((await rig.press(2, 'callNext'))?.outcome).toBe('called A001');
      await rig.press(2, 'finish');
      expect((await rig.press(2, 'callNext'))?.outcome).toBe(`called ${b.number}`);
    });

    it('a paused window calls nobody until resumed; its LED blinks red', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      await rig.take(person(1), 'A');
      await rig.press(1, 'pause');
      expect(rig.terminals.of(1)).toMatchObject({ text: 'PAUSE', led: 'redBlinking' });
      expect((await rig.press(1, 'callNext'))?.outcome).toMatch(/refused \(paused\)/);
      expect((await rig.workflow.board()).windows[0].state).toBe('paused');
      await rig.press(1, 'resume');
      expect(rig.terminals.of(1).led).toBe('green');
      expect((await rig.press(1, 'callNext'))?.outcome).toBe('called A001');
    });

    it('stores the rating with the finished ticket, once; a bad review opens a follow-up due in 15 working days', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      // 2026-11-25 is a Wednesday; a holiday on Tuesday 1 December pushes the 15th working day from 12-16 to 12-17.
      await rig.fx.store.setCalendarDay({ day: '2026-12-01', kind: 'holiday', name: 'test holiday' });
      const good = await rig.take(person(1), 'A');
      const bad = await rig.take(person(2), 'A');
      await rig.press(1, 'callNext');
      await rig.press(1, 'finish');
      expect((await rig.rate(1, 2))?.outcome).toBe('rated A001 2');
      expect(await rig.fx.store.getTicketRating(good.id)).toMatchObject({ rating: 2, window: 3 });
      expect((await rig.rate(1, 5))?.outcome).toMatch(/^ignored rating 5/); // one rating per service
      expect((await rig.fx.store.getTicketRating(good.id))?.rating).toBe(2);
      await rig.press(1, 'callNext');
      await rig.press(1, 'start');
      await rig.press(1, 'finish');
      expect((await rig.rate(1, 4))?.outcome).toBe('rated A002 4: follow-up due 2026-12-17');
      expect(await rig.fx.store.getTicketRating(bad.id)).toMatchObject({ rating: 4 });
      expect(await rig.fx.store.listRatingFollowUps({ openOnly: true })).toMatchObject([
        { ticketId: bad.id, rating: 4, openedDay: '2026-11-25', deadlineDay: '2026-12-17', closedAt: null },
      ]);
    });

    it('applies a replayed event once', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      await rig.take(person(1), 'A');
      await rig.take(person(2), 'A');
      const first = await rig.press(1, 'callNext', 0, 'bus/1@1000#0');
      await rig.press(1, 'finish', 0, 'bus/1@1000#1');
      const replay = await rig.press(1, 'callNext', 0, 'bus/1@1000#0');
      expect(first).toMatchObject({ duplicate: false, outcome: 'called A001' });
      expect(replay).toMatchObject({ duplicate: true, outcome: 'called A001' });
      expect(rig.calls).toHaveLength(1);
      expect((await rig.workflow.board()).windows[0].state).toBe('idle');
      // Across a restart too: the applied ids are in the database.
      rig.workflow.close();
      const { CounterWorkflow } = await import('../../src/hall/counterWorkflow.ts');
      const { silentLogger } = await import('../../src/log.ts');
      const again = new CounterWorkflow({ store: rig.fx.store, clock: rig.fx.clock, config: parseCounterWorkflowConfig(ONE_WINDOW), terminals: () => rig.terminals, log: silentLogger() });
      const seen: boolean[] = [];
      again.events.on('applied', (a) => seen.push(a.duplicate));
      again.receive({ deviceId: BUS, unit: 1, key: 'finish', arg: 0, at: 1000, eventId: 'bus/1@1000#1' });
      await again.settled();
      again.close();
      expect(seen).toEqual([true]);
    });

    it('numbers the events of one poll apart, so two equal presses read together both apply', async () => {
      rig = await openWorkflowRig(ONE_WINDOW);
      await rig.take(person(1), 'A');
      await rig.press(1, 'callNext');
      const at = rig.fx.clock.now();
      const ids = [1, 2].map(() => rig.workflow.receive({ deviceId: BUS, unit: 1, key: 'recall', arg: 0, at }));
      await rig.workflow.settled();
      expect(new Set(ids).size).toBe(2);
      expect(rig.calls.map((c) => c.recall)).toEqual([0, 1, 2]);
    });

    it('keeps presses while the database is down, shows ERR DB, and applies each once when it is back', async () => {
      let control!: ReturnType<typeof failableStore>;
      rig = await openWorkflowRig(ONE_WINDOW, (real) => (control = failableStore(real)).store);
      await rig.take(person(1), 'A');
      control.setDown(true);
      await rig.press(1, 'callNext');
      await rig.press(1, 'start');
      expect(rig.terminals.of(1).text).toBe(DB_ERROR_TEXT);
      expect(rig.workflow.pending()).toEqual({ 3: 2 });
      expect(rig.applied).toHaveLength(0);
      control.setDown(false);
      await until(() => rig.applied.length === 2, 'both presses applied after the database is back');
      await rig.workflow.settled();
      expect(rig.applied.map((a) => [a.outcome, a.duplicate])).toEqual([['called A001', false], ['started A001', false]]);
      expect(rig.calls).toHaveLength(1);
      expect(rig.terminals.of(1)).toMatchObject({ text: 'A001', led: 'red' });
      expect(rig.workflow.pending()).toEqual({ 3: 0 });
    });

    it('refuses a bad window configuration naming the field', () => {
      expect(() => parseCounterWorkflowConfig({ windows: [{ window: 1, deviceId: BUS, unit: 1 }, { window: 1, deviceId: BUS, unit: 2 }] }))
        .toThrow(/counterWorkflow\.windows\.1\.window: window 1 is configured twice/);
      expect(() => parseCounterWorkflowConfig({ windows: [{ window: 1, deviceId: BUS, unit: 1, categories: ['a'] }] }))
        .toThrow(/windows\.0\.categories\.0: must be one capital letter/);
    });
  });
});
