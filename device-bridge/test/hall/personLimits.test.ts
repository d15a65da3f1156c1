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
