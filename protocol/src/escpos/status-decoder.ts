/**
 * Printer -> host byte stream (escpos.md "Printer -> host"): DLE EOT replies, ASB blocks, process-ID responses and
 * XON/XOFF arrive interleaved in one stream. `EscPosStatusDecoder` splits them, resynchronises on stray bytes and
 * merges every status-bearing reply into one typed printer status.
 *
 * How the kinds are told apart (every reply's first byte has bit 4 set; ASB body bytes have it clear):
 * - DLE EOT reply: one byte, `(b & 0x93) == 0x12`.
 * - ASB: `(b & 0x93) == 0x10`, then 3 bytes with bits 7 and 4 clear.
 * - process ID: `37 22 d1 d2 d3 d4 00`, d in 0x30-0x7E.
 * - XON `11` / XOFF `13`: flow control can come at any time, so it is reported even inside a partial ASB or process
 *   ID without breaking it (neither byte can be part of those frames).
 * A DLE EOT byte does not say which n it answers; the caller declares each request with `expectRealtime(n)` (FIFO,
 * the printer answers in order). An undeclared reply is reported with `n` undefined and only its raw byte.
 */
import { newCounters, type DecoderCounters, type StreamDecoder } from '../stream.ts';

export type EscPosRealtimeN = 1 | 2 | 3 | 4;
export type EscPosPaperState = 'ok' | 'low' | 'out';

/** The typed conditions a reply can report (1 = condition present in the spec's bit tables). */
export interface EscPosStatusFields {
  online: boolean;
  coverOpen: boolean;
  paper: EscPosPaperState;
  cutterError: boolean;
  recoverableError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
  /** Waiting for online recovery (DLE EOT 1 bit 5, ASB byte 1 bit 0). */
  waitingForRecovery: boolean;
  /** Feed button pressed / paper being fed by it (DLE EOT 1 bit 6, ASB byte 1 bit 1). */
  feedButton: boolean;
}

/** Merged status plus the raw bytes it came from (which replies have been seen). */
export interface EscPosPrinterStatus extends EscPosStatusFields {
  raw: {
    /** Last DLE EOT reply byte per n. */
    realtime: Partial<Record<EscPosRealtimeN, number>>;
    /** Last ASB block. */
    asb?: readonly number[];
  };
}

export type EscPosReply =
  | { kind: 'realtime'; n?: EscPosRealtimeN; byte: number; fields?: Partial<EscPosStatusFields> }
  | { kind: 'asb'; bytes: readonly number[]; fields: EscPosStatusFields }
  | { kind: 'processId'; id: string }
  | { kind: 'xon' }
  | { kind: 'xoff' };

const XON = 0x11, XOFF = 0x13, PID0 = 0x37, PID1 = 0x22;
const bit = (b: number, n: number) => (b & (1 << n)) !== 0;

/** The status a healthy printer reports; the base for fields no reply has reported yet. */
export const ESCPOS_HEALTHY_STATUS: Readonly<EscPosStatusFields> = Object.freeze({
  online: true, coverOpen: false, paper: 'ok', cutterError: false, recoverableError: false,
  unrecoverableError: false, autoRecoverableError: false, waitingForRecovery: false, feedButton: false,
});

export function isDleEotReplyByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

export function isAsbHeaderByte(b: number): boolean {
  return (b & 0x93) === 0x10;
}

/** What one DLE EOT reply byte says, per the escpos.md "DLE EOT bits" table row n. */
export function decodeDleEotStatus(n: EscPosRealtimeN, b: number): Partial<EscPosStatusFields> {
  switch (n) {
    case 1: // bit 2 drawer pin 3 (not a fault), 3 offline, 5 waiting for online recovery, 6 feed button
      return { online: !bit(b, 3), waitingForRecovery: bit(b, 5), feedButton: bit(b, 6) };
    case 2: { // bit 2 cover open, 3 paper fed by button, 5 stopped at paper end, 6 error
      const f: Partial<EscPosStatusFields> = { coverOpen: bit(b, 2) };
      // "stopped at paper end" proves paper out; its absence says nothing about near-end, so paper stays unset.
      if (bit(b, 5)) f.paper = 'out';
      return f;
    }
    case 3: // bit 2 recoverable, 3 auto-cutter, 5 unrecoverable, 6 auto-recoverable
      return { recoverableError: bit(b, 2), cutterError: bit(b, 3), unrecoverableError: bit(b, 5),
        autoRecoverableError: bit(b, 6) };
    case 4: // bits 2+3 near end, bits 5+6 paper end
      return { paper: b & 0x60 ? 'out' : b & 0x0c ? 'low' : 'ok' };
  }
}

/** What a 4-byte ASB block says (escpos.md "ASB bytes"). */
export function decodeAsbStatus(bytes: ArrayLike<number>): EscPosStatusFields {
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  return {
    online: !bit(b0, 3),
    coverOpen: bit(b0, 5),
    paper: b2 & 0x0c ? 'out' : b2 & 0x03 ? 'low' : 'ok',
    waitingForRecovery: bit(b1, 0),
    feedButton: bit(b1, 1) || bit(b0, 6),
    recoverableError: bit(b1, 2),
    cutterError: bit(b1, 3),
    unrecoverableError: bit(b1, 5),
    autoRecoverableError: bit(b1, 6),
  };
}

/** Folds one reply into a status (undefined = nothing known yet); returns the same object if nothing changed. */
export function mergeEscPosStatus(prev: EscPosPrinterStatus | undefined, reply: EscPosReply): EscPosPrinterStatus | undefined {
  if (reply.kind === 'asb') {
    return { ...reply.fields, raw: { realtime: { ...prev?.raw.realtime }, asb: reply.bytes } };
  }
  if (reply.kind === 'realtime' && reply.n !== undefined && reply.fields) {
    const base = prev ?? { ...ESCPOS_HEALTHY_STATUS, raw: { realtime: {} } };
    return { ...base, ...reply.fields, raw: { ...base.raw, realtime: { ...base.raw.realtime, [reply.n]: reply.byte } } };
  }
  return prev;
}

export interface EscPosStatusCounters extends DecoderCounters {
  /** DLE EOT replies that arrived with no `expectRealtime` request outstanding. */
  unexpectedRealtime: number;
}

export class EscPosStatusDecoder implements StreamDecoder<EscPosReply> {
  readonly counters: EscPosStatusCounters = { ...newCounters(), unexpectedRealtime: 0 };
  /** Bytes of the frame being assembled (an ASB or a process ID); never more than 6. */
  private pending: number[] = [];
  private expected: EscPosRealtimeN[] = [];
  /** Merged status, updated in place per reply (replies can come by the hundred thousand per second). */
  private merged: EscPosStatusFields | undefined;
  private rawRealtime: Partial<Record<EscPosRealtimeN, number>> = {};
  private rawAsb: readonly number[] | undefined;

  /** Merged status from every reply so far (a snapshot); undefined until the first ASB or declared DLE EOT reply. */
  get status(): EscPosPrinterStatus | undefined {
    if (!this.merged) return undefined;
    const raw: EscPosPrinterStatus['raw'] = { realtime: { ...this.rawRealtime } };
    if (this.rawAsb) raw.asb = this.rawAsb;
    return { ...this.merged, raw };
  }

  /** Bytes held in a partial frame (never more than 6: the decoder's buffer is bounded). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Declares that `10 04 n` was sent, so the next DLE EOT reply byte is decoded as an answer to n. */
  expectRealtime(n: EscPosRealtimeN): void {
    if (n !== 1 && n !== 2 && n !== 3 && n !== 4) throw new Error(`expectRealtime: n must be 1-4, got ${String(n)}`);
    this.expected.push(n);
  }

  /** Requests declared and not yet answered (oldest first); a driver clears them when a request times out. */
  get pendingRealtime(): readonly EscPosRealtimeN[] {
    return this.expected;
  }

  clearExpectedRealtime(): void {
    this.expected = [];
  }

  /** Drops a partial frame and outstanding DLE EOT expectations (a reopened port answers nothing old). */
  reset(): void {
    this.pending = [];
    this.expected = [];
  }

  push(chunk: Uint8Array): EscPosReply[] {
    const out: EscPosReply[] = [];
    for (let i = 0; i < chunk.length; i++) this.feed(chunk[i], out);
    return out;
  }

  private feed(b: number, out: EscPosReply[]): void {
    const rescan = this.step(b, out);
    if (!rescan) return;
    // A broken frame hands its bytes after the first back for rescanning: a reply may start inside it.
    const queue = rescan;
    while (queue.length > 0) {
      const more = this.step(queue.shift()!, out);
      if (more) queue.unshift(...more);
    }
  }

  /** Consumes one byte; returns bytes to rescan when it broke the frame being assembled. */
  private step(b: number, out: EscPosReply[]): number[] | undefined {
    if (b === XON || b === XOFF) {
      this.emit(out, { kind: b === XON ? 'xon' : 'xoff' });
      return undefined;
    }
    const p = this.pending;
    if (p.length === 0) {
      if (isDleEotReplyByte(b)) this.emitRealtime(out, b);
      else if (isAsbHeaderByte(b) || b === PID0) p.push(b);
      else this.counters.discardedBytes++;
      return undefined;
    }
    if (p[0] !== PID0) {
      if ((b & 0x90) !== 0) return this.breakFrame(b);
      p.push(b);
      if (p.length === 4) {
        this.pending = [];
        this.emit(out, { kind: 'asb', bytes: p, fields: decodeAsbStatus(p) });
      }
      return undefined;
    }
    if (p.length === 1) {
      if (b !== PID1) return this.breakFrame(b);
      p.push(b);
    } else if (p.length < 6) {
      if (b < 0x30 || b > 0x7e) return this.breakFrame(b);
      p.push(b);
    } else {
      if (b !== 0x00) return this.breakFrame(b);
      this.pending = [];
      this.emit(out, { kind: 'processId', id: String.fromCharCode(p[2], p[3], p[4], p[5]) });
    }
    return undefined;
  }

  private breakFrame(b: number): number[] {
    const p = this.pending;
    this.pending = [];
    if (p.length >= 2) this.counters.lengthErrors++;
    this.counters.discardedBytes++;
    return [...p.slice(1), b];
  }

  private emitRealtime(out: EscPosReply[], b: number): void {
    const n = this.expected.shift();
    if (n === undefined) {
      this.counters.unexpectedRealtime++;
      this.emit(out, { kind: 'realtime', byte: b });
    } else {
      this.emit(out, { kind: 'realtime', n, byte: b, fields: decodeDleEotStatus(n, b) });
    }
  }

  private emit(out: EscPosReply[], reply: EscPosReply): void {
    this.counters.frames++;
    // Same fold as mergeEscPosStatus, without copying per reply.
    if (reply.kind === 'asb') {
      this.merged = Object.assign(this.merged ?? {}, reply.fields);
      this.rawAsb = reply.bytes;
    } else if (reply.kind === 'realtime' && reply.n !== undefined) {
      this.merged = Object.assign(this.merged ?? { ...ESCPOS_HEALTHY_STATUS }, reply.fields);
      this.rawRealtime[reply.n] = reply.byte;
    }
    out.push(reply);
  }
}
