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
 * - After delivering a block, its words are `held` until the acknowledgement's echo comes back. If the echo is lost
 *   (the request was damaged and not applied, or applied and the echo damaged), an exception came back (not
 *   applied), or the ack was not sent (see the driver's overflow check), the next good read decides: the FIFO only
 *   shrinks through acknowledgements, so if the ack was NOT applied the FIFO still starts with exactly the held
 *   words. A read that starts with the held words skips them (they were delivered) and acknowledges the whole block
 *   again; any other read means the ack was applied and everything in it is new.
 * - Residual ambiguity, inherent to this register map (no sequence numbers): when the ack WAS applied and the
 *   clerk's next presses, made in the ~0.2 s before the re-read, repeat the held words exactly, those presses are
 *   taken for the old ones and not delivered. This needs a lost ack echo and an identical key sequence within one
 *   poll; the opposite choice would deliver a duplicate every time an echo is lost and the ack was not applied.
 */
import type { CounterIdentity, CounterTerminalState, CounterTerminalStatus } from '@onedoor/protocol';

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
  /** FIFO words delivered to the hall whose removal from the terminal is not confirmed. */
  private held: number[] | null = null;
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
   * The FIFO words of a good read (oldest first). Returns the words to deliver now; the whole block is held until
   * `ackConfirmed()`.
   */
  take(words: readonly number[]): number[] {
    const held = this.held;
    let skip = 0;
    if (held && held.length <= words.length && held.every((w, i) => words[i] === w)) skip = held.length;
    else this.overflowReported = false; // the last ack was applied: a new FIFO episode
    this.held = words.length > 0 ? [...words] : null;
    return words.slice(skip);
  }

  /** Words delivered and not yet known to be removed (for tests and diagnostics). */
  get heldWords(): readonly number[] {
    return this.held ?? [];
  }

  /** The ack's echo came back: the terminal removed exactly the held words. */
  ackConfirmed(): void {
    this.held = null;
    this.overflowReported = false;
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
