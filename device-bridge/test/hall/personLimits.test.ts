// Per-person ticket limits (README "Running the hall floor", abuse limits) on both real hall stores: the limit per
// category and per day refuse with the reason and the day from which a ticket can be taken again; the ticket a
// person already waits with is returned, not refused; appointment check-ins and other people are not counted.
import { afterEach, describe, expect, it } from 'vitest';
import type { Citizen } from '../../src/hall/citizen.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

const person = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });

describe.each(STORE_BACKENDS)('person limits on $name', (backend) => {
  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  async function refusal(p: Promise<unknown>): Promise<HallRuleError> {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(HallRuleError);
    return err as HallRuleError;
  }

  it('refuses the third ticket of a category and the fourth of the day, saying why and until when', async () => {
    fx = await hallFixtureOn(backend)();
    const q = new QueueService(fx.store, fx.clock, { ticketsPerDay: 3, ticketsPerCategoryPerDay: 2 });
    const me = person(1);
    const first = await q.takeTicket(me, 'A');
    expect((await q.takeTicket(me, 'A')).reused).toBe(true); // still waiting: the same ticket, not a refusal
    await fx.store.updateTicket(first.id, { status: 'done' });
    const second = await q.takeTicket(me, 'A');
    await fx.store.updateTicket(second.id, { status: 'noShow' }); // abandoned tickets count too
    const byCategory = await refusal(q.takeTicket(me, 'A'));
    expect(byCategory.code).toBe('personLimit');
    expect(byCategory.zh).toContain('2026-11-26');
    expect(byCategory.en).toMatch(/2 tickets in category A today.*from 2026-11-26/);
    await q.takeTicket(me, 'B');
    const byDay = await refusal(q.takeTicket(me, 'C'));
    expect(byDay.en).toMatch(/3 tickets today, the limit per person per day \(3\)/);
    // Somebody else is not counted; the next day starts afresh.
    expect((await q.takeTicket(person(2), 'A')).reused).toBe(false);
    fx.clock.advance(24 * 3_600_000);
    expect((await q.takeTicket(me, 'A')).reused).toBe(false);
  });

  it('without limits nobody is refused', async () => {
    fx = await hallFixtureOn(backend)();
    const q = new QueueService(fx.store, fx.clock);
    for (let i = 0; i < 4; i++) {
      const t = await q.takeTicket(person(1), 'A');
      await fx.store.updateTicket(t.id, { status: 'done' });
    }
  });
});

describe.each(STORE_BACKENDS)('intake hours on $name', (backend) => {
  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  it('issues walk-in tickets only within the hours of the hall clock, saying when; numbering restarts the next day', async () => {
    fx = await hallFixtureOn(backend)('2026-11-25', '08:00');
    const q = new QueueService(fx.store, fx.clock, {}, { opens: '08:30', closes: '16:30', closedMessage: '预约业务请按预约时间到场。' });
    const early = await q.takeTicket(person(1), 'A').then(() => null, (e: unknown) => e as HallRuleError);
    expect(early?.code).toBe('intakeClosed');
    expect(early?.zh).toContain('08:30-16:30');
    expect(early?.zh).toContain('预约业务请按预约时间到场。');
    fx.clock.advance(30 * 60_000); // 08:30
    expect((await q.takeTicket(person(1), 'A')).number).toBe('A001');
    fx.clock.advance(8 * 3_600_000); // 16:30
    const late = await q.takeTicket(person(2), 'A').then(() => null, (e: unknown) => e as HallRuleError);
    expect(late?.en).toMatch(/closed for today \(hours 08:30-16:30\)/);
    fx.clock.advance(16 * 3_600_000 + 60_000); // next day 08:31: A001 again
    expect((await q.takeTicket(person(2), 'A')).number).toBe('A001');
  });
});
