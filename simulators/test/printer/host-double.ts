/**
 * The host side of a printer for unit tests of the printer model: a `SimLine` that records what the printer sends
 * and decodes it with the real `EscPosStatusDecoder`. (Integration over a real PTY is in pty.test.ts.)
 */
import { EventEmitter } from 'node:events';
import { EscPosStatusDecoder, type EscPosRealtimeN, type EscPosReply } from '@onedoor/protocol';
import type { SimLine } from '../../src/core/device.ts';
import type { PrinterSim } from '../../src/printer/index.ts';

export class HostDouble implements SimLine {
  readonly baud = 115200;
  readonly decoder = new EscPosStatusDecoder();
  readonly replies: EscPosReply[] = [];
  private readonly events = new EventEmitter();

  constructor(readonly printer: PrinterSim) {
    printer.attach(this);
  }

  async send(bytes: Uint8Array): Promise<void> {
    for (const r of this.decoder.push(bytes)) {
      this.replies.push(r);
      this.events.emit('reply', r);
    }
  }

  wireMs(n: number): number {
    return (n * 10 * 1000) / this.baud;
  }

  write(bytes: Uint8Array): void {
    this.printer.receive(bytes);
  }

  /** Writes in slices like a host with XON/XOFF flow control: stops after an XOFF until the next XON. */
  async writeWithFlowControl(bytes: Uint8Array, slice = 64): Promise<void> {
    for (let o = 0; o < bytes.length; o += slice) {
      const flow = this.replies.filter((r) => r.kind === 'xon' || r.kind === 'xoff').at(-1)?.kind;
      if (flow === 'xoff') await this.waitFor((r) => r.kind === 'xon', 10_000, this.replies.length);
      this.write(bytes.subarray(o, o + slice));
    }
  }

  /** Sends DLE EOT n and returns the reply byte (the printer answers synchronously, bypassing its buffer). */
  realtime(n: EscPosRealtimeN): number {
    this.decoder.expectRealtime(n);
    const before = this.replies.length;
    this.write(Uint8Array.of(0x10, 0x04, n));
    const r = this.replies.slice(before).find((x) => x.kind === 'realtime');
    if (!r || r.kind !== 'realtime') throw new Error(`no DLE EOT ${n} reply`);
    return r.byte;
  }

  of<K extends EscPosReply['kind']>(kind: K): Extract<EscPosReply, { kind: K }>[] {
    return this.replies.filter((r) => r.kind === kind) as Extract<EscPosReply, { kind: K }>[];
  }

  /** Resolves with the first reply (already received or future) after index `from` that matches. */
  waitFor(pred: (r: EscPosReply) => boolean, timeoutMs = 10_000, from = 0): Promise<EscPosReply> {
    const seen = this.replies.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const on = (r: EscPosReply) => {
        if (!pred(r)) return;
        clearTimeout(timer);
        this.events.off('reply', on);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.events.off('reply', on);
        reject(new Error(`no matching reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('reply', on);
    });
  }
}

export const isProcessId = (id: string) => (r: EscPosReply) => r.kind === 'processId' && r.id === id;
