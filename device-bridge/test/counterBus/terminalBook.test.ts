// Pure bookkeeping of one counter terminal: liveness (offline after N failed polls, retry schedule), the
// exactly-once rule for FIFO words around lost acknowledgements, and the read tag (see terminalBook.ts).
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
    b.lineDown();
    expect(b.state).toBe('unknown');
  });

  it('reads 17 registers, and after each timed-out read another quantity (17..10, then round again)', () => {
    const b = new CounterTerminalBook(1);
    const seen = [b.readQuantity];
    for (let i = 0; i < 8; i++) {
      b.rotateReadTag();
      seen.push(b.readQuantity);
    }
    expect(seen).toEqual([17, 16, 15, 14, 13, 12, 11, 10, 17]);
  });
});

describe('CounterTerminalBook exactly-once', () => {
  it('delivers a read block once; after a confirmed ack everything read is new', () => {
    const b = new CounterTerminalBook(1);
    expect(b.take(2, [0x0100, 0x0200])).toEqual([0x0100, 0x0200]);
    b.ackConfirmed(2);
    expect(b.heldWords).toEqual([]);
    expect(b.take(1, [0x0100])).toEqual([0x0100]);
  });

  it('ack not applied (echo lost): the held words at the head of the next read are skipped, the rest delivered', () => {
    const b = new CounterTerminalBook(1);
    expect(b.take(2, [0x0100, 0x0200])).toEqual([0x0100, 0x0200]);
    // no ackConfirmed(): the next read still starts with the held words, plus a new press
    expect(b.take(3, [0x0100, 0x0200, 0x0300])).toEqual([0x0300]);
    expect(b.heldWords).toEqual([0x0100, 0x0200, 0x0300]);
    b.ackConfirmed(3);
    expect(b.heldWords).toEqual([]);
  });

  it('a shorter read (fewer registers) that shows only part of the held words delivers nothing and keeps the rest held', () => {
    const b = new CounterTerminalBook(1);
    const sixteen = Array.from({ length: 16 }, (_, i) => 0x0600 | i);
    b.take(16, sixteen);
    expect(b.take(16, sixteen.slice(0, 12))).toEqual([]);
    b.ackConfirmed(12); // that read's ack removed 12
    expect(b.heldWords).toEqual(sixteen.slice(12));
    expect(b.take(5, [...sixteen.slice(12), 0x0700])).toEqual([0x0700]);
  });

  it('an applied ack of part of the held words, echo lost: the rest is recognised at the head and not delivered again', () => {
    const b = new CounterTerminalBook(1);
    const ten = Array.from({ length: 10 }, (_, i) => 0x0100 | i);
    b.take(10, ten);
    expect(b.take(10, ten.slice(0, 9))).toEqual([]); // a 10-register read shows 9 of the 10 held
    b.ackUnknown(9); // applied, echo lost: the FIFO is now [ten[9]]
    expect(b.take(2, [ten[9], 0x0200])).toEqual([0x0200]);
  });

  it('ack applied but its echo lost: a read that does not start with the held words is all new', () => {
    const b = new CounterTerminalBook(1);
    b.take(2, [0x0100, 0x0200]);
    expect(b.take(1, [0x0300])).toEqual([0x0300]); // fewer pending than held: the FIFO only shrinks through acks
    b.take(1, [0x0400]);
    expect(b.take(2, [0x0500, 0x0400])).toEqual([0x0500, 0x0400]);
  });

  it('an empty read after a lost echo clears the held words (the ack was applied)', () => {
    const b = new CounterTerminalBook(1);
    b.take(1, [0x0100]);
    expect(b.take(0, [])).toEqual([]);
    expect(b.heldWords).toEqual([]);
    expect(b.take(1, [0x0100])).toEqual([0x0100]);
  });

  it('reports one overflow per FIFO episode', () => {
    const b = new CounterTerminalBook(1);
    b.take(16, Array(16).fill(0x0101));
    expect(b.noteOverflow()).toBe(true);
    b.take(16, Array(16).fill(0x0101)); // ack not sent / not applied: same episode
    expect(b.noteOverflow()).toBe(false);
    b.ackConfirmed(16);
    b.take(16, Array(16).fill(0x0102));
    expect(b.noteOverflow()).toBe(true);
    expect(b.overflows).toBe(2);
  });

  it('property: with distinct words, every press is delivered exactly once, in order, whatever the reads show and the acks do', () => {
    // A model terminal FIFO, reads of 10-17 registers, and a lossy ack channel: each ack is applied or not, and its
    // echo seen or lost.
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ presses: fc.integer({ min: 0, max: 6 }), quantity: fc.integer({ min: 10, max: 17 }), applied: fc.boolean(), echo: fc.boolean() }),
          { maxLength: 80 },
        ),
        (rounds) => {
          const fifo: number[] = [];
          const delivered: number[] = [];
          const book = new CounterTerminalBook(1);
          let next = 1;
          for (const r of rounds) {
            for (let k = 0; k < r.presses && fifo.length < 16; k++) fifo.push(next++);
            const words = fifo.slice(0, r.quantity - 1);
            delivered.push(...book.take(fifo.length, words));
            if (words.length === 0) continue;
            if (r.applied) fifo.splice(0, words.length);
            if (r.applied && r.echo) book.ackConfirmed(words.length);
            else book.ackUnknown(words.length);
          }
          // Drain with full reads and perfect acks.
          while (fifo.length > 0 || book.heldWords.length > 0) {
            const words = fifo.slice(0, 16);
            delivered.push(...book.take(fifo.length, words));
            fifo.splice(0, words.length);
            book.ackConfirmed(words.length);
          }
          expect(delivered).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
