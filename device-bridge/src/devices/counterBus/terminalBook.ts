/**
 * What the driver knows about one terminal on the line: whether it answers (counter-bus.md "Polling": offline
 * after 3 failed polls in a row, retried once every 5 s) and, for exactly-once delivery, which FIFO words it has
 * already handed to the hall without knowing that the terminal removed them.
 *
 * Exactly once (counter-bus.md "Input registers": the terminal keeps events until the master acknowledges them,
 * and "06 at 0x0110 with n" removes the n oldest):
 * - Events are delivered only from a good read (CRC-checked reply to our read), oldest first, and then the master
 *   acknowledges exactly the number it read. A lost or damaged read changes nothing at the terminal, so it is simply
 *   read again next time.
 * - Delivered words stay `held` (delivered, maybe still in the FIFO) until an acknowledgement's echo says the
 *   terminal removed them. If the echo is lost (the request was damaged and not applied, or applied and the echo
 *   damaged), an exception came back (not applied), or the ack was not sent (see the driver's overflow check), the
 *   next good read decides: the FIFO only shrinks through acknowledgements, so if the ack was NOT applied the FIFO
 *   still starts with the held words; if it was applied, with what the ack left of them (nothing when it removed
 *   them all). A read whose head agrees with the held words (as far as both go) skips them; any other read means
 *   the ack was applied and everything in it beyond what the ack left is new.
 * - Residual ambiguity, inherent to this register map (no sequence numbers): when the ack WAS applied and the
 *   clerk's next presses, made in the ~0.2 s before the re-read, repeat the held words exactly, those presses are
 *   taken for the old ones and not delivered. This needs a lost ack echo and an identical key sequence within one
 *   poll; the opposite choice would deliver a duplicate every time an echo is lost and the ack was not applied.
 *
 * Late replies: Modbus RTU has no transaction id, so a reply to a timed-out read that arrives during a later read
 * of the same terminal would be taken for its answer, and a snapshot from before an acknowledgement would be acted
 * on after it. Each terminal's reads therefore carry a tag: the quantity read (17 down to 10 registers, at least 9
 * events), changed after every read that timed out. A reply with another register count is not an answer (the reply
 * decoder checks the count), so a late reply is refused unless 8 timeouts have passed since it was asked for.
 */
import { COUNTER_EVENT_BLOCK, type CounterIdentity, type CounterTerminalState, type CounterTerminalStatus } from '@onedoor/protocol';

/** Smallest read quantity used as a tag: the pending count and at least 9 events. */
const COUNTER_MIN_READ = COUNTER_EVENT_BLOCK - 7;

export interface CounterTerminalPolicy {
  offlineAfterPolls: number;
  offlineRetryMs: number;
}

export class CounterTerminalBook {
  state: CounterTerminalState = 'unknown';
  since = Date.now();
  /** Failed polls in a row. */
  failures = 0;
  /** performance.now() before which an offline terminal is not polled again. */
  nextTryAt = 0;
  identity: CounterIdentity | null = null;
  /** performance.now() of the last status register read. */
  statusReadAt = -Infinity;
  overflows = 0;
  /** FIFO words delivered to the hall and not confirmed removed from the terminal, oldest first. */
  private held: number[] = [];
  /** Count of the last ack sent whose echo was lost (0: none, or its outcome is known). */
  private unknownAck = 0;
  /** Registers to read from 0x0000 (pending count + up to quantity-1 events): the tag of this terminal's reads. */
  readQuantity = COUNTER_EVENT_BLOCK;
  /** The overflow of the current FIFO episode was reported (the bit stays set until an ack is applied). */
  private overflowReported = false;

  constructor(readonly unit: number) {}

  /** May it be polled now? Offline terminals only when their retry time has come. */
  due(now: number): boolean {
    return this.state !== 'offline' || now >= this.nextTryAt;
  }

  /** A poll got an answer. Returns true when the state changed. */
  answered(): boolean {
    this.failures = 0;
    return this.setState('online');
  }

  /** A poll got no answer. Returns true when the state changed (to offline). */
  failed(now: number, policy: CounterTerminalPolicy): boolean {
    this.failures++;
    if (this.state === 'offline' || this.failures >= policy.offlineAfterPolls) {
      this.nextTryAt = now + policy.offlineRetryMs;
      return this.setState('offline');
    }
    return false;
  }

  /** The port closed: nothing is known about the terminal until it answers again (held words are kept). */
  lineDown(): void {
    this.failures = 0;
    this.nextTryAt = 0;
    this.setState('unknown');
  }

  /**
   * A good read: `pending` (register 0x0000) and the FIFO words it showed, oldest first. Returns the words to
   * deliver now. Acknowledge `words.length` next.
   */
  take(pending: number, words: readonly number[]): number[] {
    let held = this.held;
    const n = this.unknownAck;
    this.unknownAck = 0;
    // An ack of n with no echo: the FIFO starts with the held words (not applied) or with what the ack left of them
    // (applied). When n removed them all, "applied" means everything read is new (the branch below).
    if (n > 0 && !this.heads(held, pending, words) && this.heads(held.slice(n), pending, words)) held = held.slice(n);
    if (!this.heads(held, pending, words)) {
      // Nothing held, or the last ack was applied: a new FIFO episode.
      this.overflowReported = false;
      this.held = [...words];
      return [...words];
    }
    const k = Math.min(held.length, words.length);
    this.held = words.length > held.length ? [...words] : held;
    return words.slice(k);
  }

  /** The read (pending count, words shown) can be a FIFO that starts with the non-empty `held`. */
  private heads(held: readonly number[], pending: number, words: readonly number[]): boolean {
    if (held.length === 0 || pending < held.length) return false;
    const k = Math.min(held.length, words.length);
    for (let i = 0; i < k; i++) if (words[i] !== held[i]) return false;
    return true;
  }

  /** Words delivered and not yet known to be removed (for tests and diagnostics). */
  get heldWords(): readonly number[] {
    return this.held;
  }

  /** The echo of "remove `count`" came back: the terminal removed the `count` oldest words. */
  ackConfirmed(count: number): void {
    this.held = this.held.slice(count);
    this.unknownAck = 0;
    this.overflowReported = false;
  }

  /** "Remove `count`" was sent and no echo came back: the next read decides whether it was applied. */
  ackUnknown(count: number): void {
    this.unknownAck = count;
  }

  /** A read timed out: its reply may still come, so the next read asks for another quantity (see above). */
  rotateReadTag(): void {
    this.readQuantity = this.readQuantity > COUNTER_MIN_READ ? this.readQuantity - 1 : COUNTER_EVENT_BLOCK;
  }

  /** Status bit 3 was read set; true when this episode was not reported yet. */
  noteOverflow(): boolean {
    if (this.overflowReported) return false;
    this.overflowReported = true;
    this.overflows++;
    return true;
  }

  status(): CounterTerminalStatus {
    const s: CounterTerminalStatus = { unit: this.unit, state: this.state, since: this.since, overflows: this.overflows };
    if (this.identity) {
      s.model = `0x${this.identity.model.toString(16).padStart(4, '0')}`;
      s.firmware = this.identity.firmware;
      const f = this.identity.status;
      s.faults = { display: f.displayFault, keypad: f.keypadFault, ratingPad: f.ratingPadFault };
    }
    return s;
  }

  private setState(state: CounterTerminalState): boolean {
    if (this.state === state) return false;
    this.state = state;
    this.since = Date.now();
    return true;
  }
}
