// Pure bookkeeping of one counter terminal: liveness (offline after N failed polls, retry schedule) and the
// exactly-once rule for FIFO words around lost acknowledgements (see terminalBook.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterTerminalBook } from '../../src/devices/counterBus/terminalBook.ts';

const policy = { offlineAfterPolls: 3, offlineRetryMs: 5000 };

describe('CounterTerminalBook liveness', () => {
  it('is unknown until answered, offline after 3 failed polls in a row, due again only after the retry time', () => {
    const b = new CounterTerminalBook(4);
    expect(b.state).toBe('unknown');
    expect(b.failed(0, policy)).toBe(false);
    expect(b.failed(10, policy)).toBe(false);
    expect(b.answered()).toBe(true); // an answer resets the run of failures
    expect(b.failed(20, policy)).toBe(false);
    expect(b.failed(30, policy)).toBe(false);
    expect(b.state).toBe('online');
    expect(b.failed(40, policy)).toBe(true);
    expect(b.state).toBe('offline');
    expect(b.due(40 + 4999)).toBe(false);
    expect(b.due(40 + 5000)).toBe(true);
    // A failed retry pushes the next one 5 s on; an answered one brings it back.
    expect(b.failed(5040, policy)).toBe(false);
    expect(b.due(5040 + 4999)).toBe(false);
    expect(b.answered()).toBe(true);
    expect(b.state).toBe('online');
    expect(b.due(0)).toBe(true);
  });
});

describe('CounterTerminalBook exactly-once', () => {
  it('delivers a read block once; after a confirmed ack everything read is new', () => {
    const b = new CounterTerminalBook(1);
    expect(b.take([0x0100, 0x0200])).toEqual([0x0100, 0x0200]);
    b.ackConfirmed();
    expect(b.take([0x0100])).toEqual([0x0100]);
  });

  it('ack not applied (echo lost): the held words at the head of the next read are skipped, the rest delivered', () => {
    const b = new CounterTerminalBook(1);
    expect(b.take([0x0100, 0x0200])).toEqual([0x0100, 0x0200]);
    // no ackConfirmed(): the next read still starts with the held words, plus a new press
    expect(b.take([0x0100, 0x0200, 0x0300])).toEqual([0x0300]);
    expect(b.heldWords).toEqual([0x0100, 0x0200, 0x0300]); // the whole block is held until its ack is confirmed
    b.ackConfirmed();
    expect(b.heldWords).toEqual([]);
  });

  it('ack applied but its echo lost: a read that does not start with the held words is all new', () => {
    const b = new CounterTerminalBook(1);
    b.take([0x0100, 0x0200]);
    expect(b.take([0x0300])).toEqual([0x0300]); // shorter than held: the FIFO only shrinks through acks
    b.take([0x0400]);
    expect(b.take([0x0500, 0x0400])).toEqual([0x0500, 0x0400]);
  });

  it('an empty read after a lost echo clears the held words (the ack was applied)', () => {
    const b = new CounterTerminalBook(1);
    b.take([0x0100]);
    expect(b.take([])).toEqual([]);
    expect(b.heldWords).toEqual([]);
    expect(b.take([0x0100])).toEqual([0x0100]);
  });

  it('reports one overflow per FIFO episode', () => {
    const b = new CounterTerminalBook(1);
    b.take(Array(16).fill(0x0101));
    expect(b.noteOverflow()).toBe(true);
    b.take(Array(16).fill(0x0101)); // ack not sent / not applied: same episode
    expect(b.noteOverflow()).toBe(false);
    b.ackConfirmed();
    b.take(Array(16).fill(0x0102));
    expect(b.noteOverflow()).toBe(true);
    expect(b.overflows).toBe(2);
  });

  it('property: with distinct words, every word pressed is delivered exactly once, in order, whatever the acks do', () => {
    // A model terminal FIFO and a lossy ack channel: each ack is applied or not, and its echo seen or lost.
    fc.assert(
      fc.property(
        fc.array(fc.record({ presses: fc.integer({ min: 0, max: 5 }), applied: fc.boolean(), echo: fc.boolean() }), { maxLength: 60 }),
        (rounds) => {
          const fifo: number[] = [];
          const delivered: number[] = [];
          const book = new CounterTerminalBook(1);
          let next = 1;
          for (const r of rounds) {
            for (let k = 0; k < r.presses && fifo.length < 16; k++) fifo.push(next++);
            const read = [...fifo];
            delivered.push(...book.take(read));
            if (read.length === 0) continue;
            if (r.applied) fifo.splice(0, read.length);
            if (r.applied && r.echo) book.ackConfirmed();
          }
          // Drain with perfect acks.
          const read = [...fifo];
          delivered.push(...book.take(read));
          expect(delivered).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
        },
      ),
    );
  });
});
