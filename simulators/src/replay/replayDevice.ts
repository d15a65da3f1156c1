/**
 * A simulated device that plays a recording's device side back (README "Record and replay"): it answers the
 * bridge's commands in the recorded order with the recorded bytes and timing (optionally scaled: `speed` 2 = twice
 * as fast), as long as each command matches the recorded one byte for byte (after the recording's own masking, so a
 * print job of other people's names still matches a masked job of the same shape). Where the bridge under test
 * asks something else, the device notes a divergence (which exchange, the command's label, expected and received
 * bytes), stays silent as a device would to an unknown command, and re-synchronises on the next exchange the
 * bridge's bytes do match (looking `lookahead` exchanges ahead).
 */
import { EventEmitter } from 'node:events';
import { PrintDataMasker, toHex } from '@onedoor/protocol';
import type { SimActionInfo, SimDevice, SimKind, SimLine } from '../core/device.ts';
import type { ReplayExchange } from './replayScript.ts';

export interface ReplayDivergence {
  /** Exchange the replay was at. */
  exchange: number;
  /** The recorded command's label (what the bridge did then), or '' when none. */
  command: string;
  /** What the recording expected next (hex, at most 64 bytes shown). */
  expected: string;
  /** What the bridge under test sent (hex, at most 64 bytes shown). */
  received: string;
  /** Exchanges skipped to re-synchronise (0: none found, the bytes were ignored). */
  skipped: number;
}

export interface ReplayReport {
  device: string;
  exchanges: number;
  /** Exchanges answered as recorded. */
  matched: number;
  divergences: ReplayDivergence[];
  /** Commands that came after the recording's last exchange. */
  afterEnd: number;
}

export interface ReplayDeviceOptions {
  id: string;
  kind: SimKind;
  script: ReplayExchange[];
  /** Time scale: 1 = as recorded, 2 = twice as fast. Default 1. */
  speed?: number;
  /** How far ahead to look for a matching exchange after a divergence. Default 50. */
  lookahead?: number;
}

const SHOW = 64;
const hex = (b: Uint8Array) => toHex(b.subarray(0, SHOW)).toUpperCase() + (b.length > SHOW ? ` … (+${b.length - SHOW} B)` : '');

export class ReplayDevice extends EventEmitter implements SimDevice {
  readonly id: string;
  readonly kind: SimKind;
  private line: SimLine | null = null;
  private at = 0;
  /** Received bytes not yet matched (after masking, for the printer). */
  private pending: number[] = [];
  private readonly masker: PrintDataMasker | null;
  private readonly speed: number;
  private readonly lookahead: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private sendChain: Promise<void> = Promise.resolve();
  private readonly report: ReplayReport;
  private startedLeadIn = false;

  constructor(private readonly options: ReplayDeviceOptions) {
    super();
    this.id = options.id;
    this.kind = options.kind;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new Error(`replay speed must be > 0, got ${this.speed}`);
    this.lookahead = options.lookahead ?? 50;
    this.masker = options.kind === 'printer' ? new PrintDataMasker() : null;
    this.report = { device: options.id, exchanges: options.script.length, matched: 0, divergences: [], afterEnd: 0 };
  }

  attach(line: SimLine | null): void {
    this.line = line;
    // What the device said before any command (a status push after power-up) goes out once a host is there.
    if (line && !this.startedLeadIn) {
      this.startedLeadIn = true;
      const first = this.options.script[0];
      if (first && first.tx.length === 0) this.answer(first);
    }
  }

  receive(bytes: Uint8Array): void {
    const b = this.masker ? this.masker.push(bytes) : bytes;
    for (const x of b) this.pending.push(x);
    this.match();
  }

  /** The report so far (a copy). */
  divergenceReport(): ReplayReport {
    return { ...this.report, divergences: [...this.report.divergences] };
  }

  /** True when every exchange of the script has been answered or skipped. */
  get finished(): boolean {
    return this.at >= this.options.script.length;
  }

  snapshot(): Record<string, unknown> {
    return { replay: true, at: this.at, ...this.divergenceReport() };
  }

  actions(): SimActionInfo[] {
    return [{ name: 'report', args: [], help: 'the divergence report so far' }];
  }

  async act(name: string): Promise<unknown> {
    if (name === 'report') return this.divergenceReport();
    throw new Error(`replay device ${this.id} has no action "${name}" (only: report)`);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private match(): void {
    const script = this.options.script;
    while (this.pending.length > 0) {
      if (this.at >= script.length) {
        this.report.afterEnd++;
        this.pending = [];
        this.emit('state', this.snapshot());
        return;
      }
      const ex = script[this.at];
      if (ex.tx.length === 0) {
        // A lead-in exchange already answered on attach.
        this.at++;
        continue;
      }
      const n = Math.min(ex.tx.length, this.pending.length);
      let same = true;
      for (let i = 0; i < n; i++) if (this.pending[i] !== ex.tx[i]) same = false;
      if (same && this.pending.length < ex.tx.length) return; // a command still arriving
      if (same) {
        this.pending.splice(0, ex.tx.length);
        this.at++;
        this.report.matched++;
        this.answer(ex);
        continue;
      }
      this.diverge(ex);
    }
  }

  /** The bridge's bytes differ from exchange `at`: find a later exchange they start, or drop them. */
  private diverge(ex: ReplayExchange): void {
    const script = this.options.script;
    const got = Uint8Array.from(this.pending);
    for (let k = this.at + 1; k < Math.min(script.length, this.at + 1 + this.lookahead); k++) {
      const tx = script[k].tx;
      if (tx.length === 0 || tx.length > got.length) continue;
      if (tx.every((b, i) => got[i] === b)) {
        this.report.divergences.push({ exchange: ex.index, command: ex.command, expected: hex(ex.tx), received: hex(got), skipped: k - this.at });
        this.at = k;
        this.emit('state', this.snapshot());
        return; // match() goes on from exchange k
      }
    }
    // Nothing ahead starts with these bytes: answer nothing (as a device does to a command it does not know).
    const cut = this.commandLength(got, ex.tx.length);
    this.report.divergences.push({ exchange: ex.index, command: ex.command, expected: hex(ex.tx), received: hex(got.subarray(0, cut)), skipped: 0 });
    this.pending.splice(0, cut);
    this.emit('state', this.snapshot());
  }

  /** How many received bytes make up the unmatched command: what the recording's command would have taken. */
  private commandLength(got: Uint8Array, expectedLength: number): number {
    return Math.max(1, Math.min(got.length, expectedLength));
  }

  private answer(ex: ReplayExchange): void {
    let lastMs = 0;
    for (const r of ex.replies) {
      const line = this.line;
      if (!line) return;
      // The recorded time includes the reply's wire time, which the link adds again; never reorder replies.
      const delayMs = Math.max(lastMs, r.afterUs / 1000 / this.speed - line.wireMs(r.bytes.length));
      lastMs = delayMs;
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.sendChain = this.sendChain.then(() => this.line?.send(r.bytes)).catch(() => undefined);
        this.emit('log', { dir: 'tx', hex: hex(r.bytes), note: `replay #${ex.index}` });
      }, delayMs);
      this.timers.add(t);
    }
  }
}
