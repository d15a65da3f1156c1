// Walk-in tickets asked at once are issued in groups (hall/queue.ts issueGroup, README "Many instances": ticketing
// cost), on both real stores: one transaction serves many requests, and each request gets what it would get alone —
// the same number, reuse, priority or refusal as the one-at-a-time path (issueIn) given the same requests in order.
import { afterEach, describe, expect, it } from 'vitest';
import { citizenFromHolder, type Citizen } from '../../src/hall/citizen.ts';
import { countedRefusal, type PersonLimits } from '../../src/hall/personLimits.ts';
import { QueueService, type TicketFlags } from '../../src/hall/queue.ts';
import type { HallRepository, HallStore } from '../../src/store/hallStore.ts';
import { hallFixtureOn, libraryHolder, STORE_BACKENDS, type HallFixture } from './fixture.ts';

const person = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });

/** `store` with its transactions counted, and `fault(tx)` standing in for each transaction's handle. */
function watched(store: HallStore, fault: (tx: HallRepository) => HallRepository = (tx) => tx): { store: HallStore; transactions: () => number } {
  let n = 0;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === 'withPersonTransaction') {
        return (who: string | null | readonly string[], fn: (tx: HallRepository) => Promise<unknown>) => {
          n++;
          return target.withPersonTransaction(who, (tx) => fn(fault(tx)));
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, transactions: () => n };
}

/** A request's outcome as the kiosk sees it. */
async function outcome(p: Promise<{ number: string; reused: boolean; priority: string | null }>): Promise<string> {
  try {
    const t = await p;
    return `${t.number}${t.reused ? ' reused' : ''}${t.priority ? ` ${t.priority}` : ''}`;
  } catch (err) {
    return `refused ${(err as { code?: string }).code ?? (err as Error).message}`;
  }
}

describe.each(STORE_BACKENDS)('walk-in groups on $name', (backend) => {
  const fixtures: HallFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.cleanup();
  });
  const open = async () => {
    const fx = await hallFixtureOn(backend)();
    fixtures.push(fx);
    return fx;
  };

  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
  const liang = citizenFromHolder(libraryHolder('liang-junjie'));
  const elderly = citizenFromHolder(libraryHolder('wang-guifen'));
  const limits: PersonLimits = { ticketsPerDay: 2 };

  /** The day before the requests: two people waiting, one at the day's limit. */
  async function before(q: QueueService): Promise<void> {
    await q.takeTicket(zhang, 'A');
    await q.takeTicket(wei, 'B');
    await q.takeTicket(person(2), 'A');
    await q.takeTicket(person(2), 'C');
  }

  // In order: the first reuses a waiting ticket (a group of its own: nothing else runs yet), the rest arrive while it
  // runs and go as one group, with liang twice (the second after the group, as a request of its own).
  const requests: Array<[Citizen | null, string, TicketFlags?]> = [
    [zhang, 'A'], [wei, 'B'], [liang, 'A'], [elderly, 'A'], [null, 'A'], [zhang, 'Q'], [person(2), 'B'],
    [person(3), 'B', { disabled: true }], [person(4), 'C'], [liang, 'A'],
  ];

  it('answers each request of a group as the one-at-a-time path does, in fewer transactions', async () => {
    // The one-at-a-time path: issueIn in a person transaction each, refusals counted as takeTicket counts them.
    const alone = await open();
    const q1 = new QueueService(alone.store, alone.clock, limits);
    await before(q1);
    const expected: string[] = [];
    for (const [citizen, category, flags] of requests) {
      expected.push(await outcome(countedRefusal(alone.store, alone.clock.today(), () => alone.store.withPersonTransaction(citizen?.number ?? null,
        (tx) => q1.issueIn(tx, { citizen, category, flags }))).then(({ ticket, reused }) => ({ ...ticket, reused }))));
    }
    expect(expected).toEqual(['A001 reused', 'B001 reused', 'A003', 'A004 elderly', 'A005', 'refused unknownCategory',
      'refused personLimit', 'B002 disabled', 'C002', 'A003 reused']);

    const grouped = await open();
    const seen = watched(grouped.store);
    const q2 = new QueueService(seen.store, grouped.clock, limits);
    await before(q2);
    const at = seen.transactions();
    const got = await Promise.all(requests.map(([citizen, category, flags]) => outcome(q2.takeTicket(citizen, category, flags))));
    expect(got).toEqual(expected);
    // The first alone, one group of eight, and liang's second request on its own: 3 transactions for 10 requests.
    expect(seen.transactions() - at).toBe(3);

    // The same rows stored, and the same refusal counted.
    const rows = async (fx: HallFixture) => (await fx.store.listTickets(fx.clock.today()))
      .map((t) => [t.number, t.holderNumber, t.priority, t.status].join(' ')).sort();
    expect(await rows(grouped)).toEqual(await rows(alone));
    expect(await grouped.store.listLimitRefusals(grouped.clock.today())).toEqual(await alone.store.listLimitRefusals(alone.clock.today()));
  });

  it('a fault in a group\'s write fails only the request that causes it: the group is issued again one by one', async () => {
    const fx = await open();
    const broken = 'X9';
    const refuseBroken = (numbers: ReadonlyArray<string | null>) => {
      if (numbers.includes(broken)) throw new Error('disk refused the row');
    };
    const seen = watched(fx.store, (tx) => new Proxy(tx, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop === 'insertTickets') {
          return (ts: Parameters<HallRepository['insertTickets']>[0]) => {
            refuseBroken(ts.map((t) => t.holderNumber));
            return target.insertTickets(ts);
          };
        }
        // PostgreSQL: a group of walk-ins sends its insert with the COMMIT (hall/queue.ts issueGroupIn).
        if (prop === 'insertTicketsAtCommit' && typeof value === 'function') {
          return (ts: Parameters<HallRepository['insertTickets']>[0], ids: readonly number[]) => {
            refuseBroken(ts.map((t) => t.holderNumber));
            return target.insertTicketsAtCommit!(ts, ids);
          };
        }
        if (prop === 'insertTicket') {
          return (t: Parameters<HallRepository['insertTicket']>[0]) => {
            refuseBroken([t.holderNumber]);
            return target.insertTicket(t);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }));
    const q = new QueueService(seen.store, fx.clock);
    const got = await Promise.all([6, 7, 8, 9, 10, 11].map((n) => outcome(q.takeTicket(person(n), 'A'))));
    expect(got[3]).toBe('refused disk refused the row');
    const issued = got.filter((_, i) => i !== 3);
    expect(issued.every((o) => /^A\d{3}$/.test(o))).toBe(true);
    expect(new Set(issued).size).toBe(5);
    const stored = await fx.store.listTickets(fx.clock.today());
    expect(stored.map((t) => t.holderNumber).sort()).toEqual(['X10', 'X11', 'X6', 'X7', 'X8']);
    expect(stored.map((t) => t.number).sort()).toEqual([...issued].sort());
  });

  it('each walk-in of a group is answered the ticket and the wait that reading it again gives', async () => {
    // On PostgreSQL the group's answers are made before its insert, from the waiting counts, service times and ids read
    // with its first reads (HallRepository.readBeforeWalkIns); on SQLite from the read after the insert.
    const fx = await open();
    const q = new QueueService(fx.store, fx.clock);
    // Served before, 4 minutes in A and 9 in B: the two categories' estimates differ.
    for (const [n, letter, minutes] of [[1, 'A', 4], [2, 'B', 9]] as const) {
      const t = await q.takeTicket(person(n), letter);
      const at = fx.clock.now();
      await fx.store.updateTicket(t.id, { status: 'serving', calledAt: at, startedAt: at });
      await fx.store.updateTicket(t.id, { status: 'done', finishedAt: at + minutes * 60_000 });
    }
    // Waiting: two walk-ins and a green-channel ticket in A, one walk-in in B.
    await q.takeTicket(person(3), 'A');
    await q.takeTicket(elderly, 'A');
    await q.takeTicket(person(4), 'A');
    await q.takeTicket(person(5), 'B');
    const group = await Promise.all([6, 7, 8, 9, 10].map((n) => q.takeTicket(person(n), n % 2 ? 'B' : 'A')));
    expect(group.map((t) => [t.number, t.ahead])).toEqual([['A005', 3], ['B003', 1], ['A006', 4], ['B004', 2], ['A007', 5]]);
    for (const t of group) expect(t).toEqual(await q.ticket(t.id));
    expect(group[0].estimatedWaitMinutes).not.toBe(group[1].estimatedWaitMinutes);
  });

  it('many people at once on one queue: every number once, one ticket per person, in fewer transactions than people', async () => {
    const fx = await open();
    const seen = watched(fx.store);
    const q = new QueueService(seen.store, fx.clock);
    const people = Array.from({ length: 60 }, (_, i) => person(100 + i));
    const got = await Promise.all(people.flatMap((p) => [q.takeTicket(p, 'B'), q.takeTicket(p, 'B')]));
    expect(new Set(got.map((t) => t.number)).size).toBe(60);
    for (let i = 0; i < 60; i++) expect(got[2 * i + 1].id).toBe(got[2 * i].id);
    expect(got.filter((t) => t.reused)).toHaveLength(60);
    expect(seen.transactions()).toBeLessThan(120);
    const stored = await fx.store.listTickets(fx.clock.today(), { category: 'B' });
    expect(stored.map((t) => t.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
  it('after a group of several, the next one waits for the kiosks it answered as long as the store says', async () => {
    // The store's own word: PostgreSQL's group is round trips to a server, worth waiting for company; SQLite's is
    // a call into the process, not.
    const fx = await open();
    if (backend.name === 'postgres') expect(fx.store.groupLingerMs).toBeGreaterThan(0);
    else expect(fx.store.groupLingerMs).toBe(0);
    // A wave of three, then the same three kiosks' next requests one turn apart. Lingering (a long linger here, so the
    // test does not race its timer), the second wave is one group; without, its first request goes alone.
    const wave = async (lingerMs: number, offset: number) => {
      const seen = watched(new Proxy(fx.store, { get: (t, p) => (p === 'groupLingerMs' ? lingerMs : Reflect.get(t, p)) }));
      const q = new QueueService(seen.store, fx.clock);
      const people = [0, 1, 2].map((i) => person(offset + i));
      await Promise.all(people.map((c) => q.takeTicket(c, 'A')));
      const at = seen.transactions();
      const first = q.takeTicket(people[0], 'B');
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      const rest = people.slice(1).map((c) => q.takeTicket(c, 'B'));
      const tickets = await Promise.all([first, ...rest]);
      expect(new Set(tickets.map((t) => t.number)).size).toBe(3);
      return seen.transactions() - at;
    };
    expect(await wave(2000, 100)).toBe(1);
    expect(await wave(0, 200)).toBe(2);
  });
});
