/**
 * The simulated 80 mm ESC/POS ticket printer (escpos.md). A behaviour model behind a link (`SimDevice`):
 *
 * - Receive side: bytes are decoded as they arrive (`EscPosCommandDecoder`). Real-time commands act at once, even
 *   while printing and while offline: DLE EOT n is answered immediately, DLE ENQ recovers. `GS a n` (ASB enable)
 *   also acts on receipt, so a host can enable ASB while the printer is stopped. Everything else waits in the receive
 *   buffer (`bufferSize` bytes): XOFF `13` goes out when it is nearly full and XON `11` when it has drained to half;
 *   bytes that arrive while it is full are lost (counted as `overflowBytes`). The buffer counts decoded commands
 *   waiting to print; a command still arriving (e.g. half a QR store) is counted once it is complete, so the count
 *   can briefly pass `bufferSize` by that much, and an incomplete command can never wedge the buffer.
 * - Print side: commands leave the buffer in order and put blocks on paper at `speedMmPerSec` (8 dots/mm); a cut
 *   takes `cutMs` and closes the ticket (text + 1-bit PNG rendering, 'ticket' event, history). A process-ID request
 *   is answered when the print side reaches it, i.e. after everything before it has printed and been cut.
 * - Status: paper ok / near end / out (runs out after `paperLengthMm`), cover open, cutter error, offline. The
 *   printer is online only with paper, cover closed, no error and not set offline; offline it keeps receiving but
 *   prints nothing. Every change sends an ASB block when ASB is enabled.
 * - Paper end in the middle of a ticket (escpos.md "Paper out in the middle of a ticket"): printing stops, what was
 *   not printed is lost (assume lost), and so is every further non-real-time byte until paper is loaded again; the
 *   half ticket is kept in the history marked `interrupted`. Its process ID is never answered. Loading paper brings
 *   the printer online again; the host then sends `10 05 02` and `1B 40` and prints the ticket again.
 * - A cutter error stops printing and waits for recovery (DLE EOT 1 bit 5): `10 05 01` resumes with the buffer kept,
 *   `10 05 02` clears the buffer.
 *
 * Events: 'state' (snapshot), 'log' ({dir: 'rx'|'tx'|'event', hex, note}), 'ticket' (PrintedTicket, when a ticket is
 * cut), 'interrupted' (PrintedTicket, the printed part of a ticket that lost its paper).
 */
import { EventEmitter } from 'node:events';
import {
  EscPosCommandDecoder, concatBytes, encodeAsb, encodeDleEotReply, encodeProcessIdResponse, toHex, type EscPosCommand,
  type EscPosStatusFields,
} from '@onedoor/protocol';
import type { SimActionInfo, SimDevice, SimLine } from '../core/device.ts';
import { TicketComposer } from './composer.ts';
import { DOTS_PER_MM, type PaperBlock } from './paper.ts';
import { ticketToText } from './ticket-text.ts';
import { renderTicketPng } from './ticket-png.ts';

export interface PrinterSimOptions {
  /** Device id (default 'printer'). */
  id?: string;
  /** Print speed in mm/s (default 150, a typical kiosk thermal printer). */
  speedMmPerSec?: number;
  /** Paper on a fresh roll, in mm, or 'infinite' (default). */
  paperLengthMm?: number | 'infinite';
  /** The near-end sensor reports paper low when this much (mm) or less is left (default 500). */
  nearEndMm?: number;
  /** Receive buffer in bytes (default 4096). */
  bufferSize?: number;
  /** Time the cutter takes, ms (default 200). */
  cutMs?: number;
  /** Tickets kept in the history (default 100, oldest dropped first). */
  historyLimit?: number;
  /**
   * Whether the model has automatic status back (default true). False: a printer without it, which takes `GS a n`
   * and sends nothing, so a host learns of paper out or cover open only by asking (DLE EOT).
   */
  asb?: boolean;
}

export interface PrintedTicket {
  /** 1, 2, 3... in the order tickets left the printer (interrupted parts included). */
  seq: number;
  /** Text rendering (format in ./ticket-text.ts). */
  text: string;
  /** PNG: 576 dots wide, 1-bit black/white. */
  png: Buffer;
  /** When the cut happened (or the paper ran out), ISO 8601. */
  cutAt: string;
  /** The command bytes that made this ticket, up to and including its cut (process-ID requests not included). */
  bytes: Uint8Array;
  /** The ticket carries a visible reprint mark (补打 / REPRINT). */
  reprint: boolean;
  cut: 'full' | 'partial' | 'none';
  /** Paper ran out before the cut: this is only the part that was printed. */
  interrupted: boolean;
  /** Height of the ticket in dots. */
  heightDots: number;
}

export interface PrinterLogEntry {
  dir: 'rx' | 'tx' | 'event';
  hex: string;
  note: string;
}

const XON = Uint8Array.of(0x11);
const XOFF = Uint8Array.of(0x13);
const REPRINT_MARK = /补打|重打|REPRINT/i;
const LOG_HEX_MAX = 48;

type PaperArg = 'ok' | 'low' | 'out';

export class PrinterSim extends EventEmitter implements SimDevice {
  readonly id: string;
  readonly kind = 'printer' as const;

  private speed: number;
  private readonly nearEndDots: number;
  private readonly bufferSize: number;
  private readonly cutMs: number;
  private readonly historyLimit: number;
  /** Dots on a fresh roll (Infinity = endless). */
  private rollDots: number;
  /** Dots left on the current roll. */
  private paperLeft: number;

  private line: SimLine | null = null;
  private readonly decoder = new EscPosCommandDecoder();
  private readonly composer = new TicketComposer();

  private queue: EscPosCommand[] = [];
  private queuedBytes = 0;
  private xoff = false;
  /** The blocks on paper since the last cut, and the bytes that made them. */
  private page: PaperBlock[] = [];
  private pageBytes: Uint8Array[] = [];
  private printTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private paperOut = false;
  private paperLowSensor = false;
  private coverOpen = false;
  private cutterError = false;
  private manualOffline = false;
  /** Paper ran out mid-ticket: drop everything but real-time commands until paper is loaded. */
  private discardUntilPaper = false;
  private asbMask = 0;
  private lastAsb = '';
  private readonly hasAsb: boolean;

  private history: PrintedTicket[] = [];
  private seq = 0;
  private overflowBytes = 0;
  private droppedBytes = 0;

  /** The `status-late` fault: how late, and for how many more status replies. */
  private lateStatus: { ms: number; count: number } | null = null;
  private readonly lateTimers = new Set<NodeJS.Timeout>();

  constructor(opts: PrinterSimOptions = {}) {
    super();
    this.id = opts.id ?? 'printer';
    this.speed = positive('speedMmPerSec', opts.speedMmPerSec ?? 150);
    const length = opts.paperLengthMm ?? 'infinite';
    this.rollDots = length === 'infinite' ? Infinity : positive('paperLengthMm', length) * DOTS_PER_MM;
    this.paperLeft = this.rollDots;
    this.nearEndDots = nonNegative('nearEndMm', opts.nearEndMm ?? 500) * DOTS_PER_MM;
    this.bufferSize = Math.floor(positive('bufferSize', opts.bufferSize ?? 4096));
    if (this.bufferSize < 512) throw new Error(`PrinterSim: bufferSize must be at least 512 bytes, got ${this.bufferSize}`);
    this.cutMs = nonNegative('cutMs', opts.cutMs ?? 200);
    this.historyLimit = Math.floor(positive('historyLimit', opts.historyLimit ?? 100));
    this.lastAsb = toHex(encodeAsb(this.status()));
    this.hasAsb = opts.asb ?? true;
  }

  // ---- SimDevice -------------------------------------------------------------------------------------------------

  attach(line: SimLine | null): void {
    this.line = line;
    this.logEvent(line ? 'host attached' : 'host detached');
  }

  receive(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    this.log('rx', bytes, '');
    let accepted = bytes;
    const free = this.bufferSize - this.queuedBytes;
    if (bytes.length > free) {
      // A host that ignores XOFF overruns the buffer: the excess is lost, as on a real printer.
      accepted = bytes.subarray(0, Math.max(0, free));
      this.overflowBytes += bytes.length - accepted.length;
      this.logEvent(`receive buffer full: ${bytes.length - accepted.length} bytes lost`);
    }
    for (const cmd of this.decoder.push(accepted)) this.onCommand(cmd);
    this.flowControl();
    this.pump();
  }

  snapshot(): Record<string, unknown> {
    return {
      id: this.id,
      kind: this.kind,
      online: this.online(),
      paper: this.paperState(),
      paperLeftMm: Number.isFinite(this.paperLeft) ? Math.floor(this.paperLeft / DOTS_PER_MM) : null,
      coverOpen: this.coverOpen,
      cutterError: this.cutterError,
      offline: this.manualOffline,
      waitingForPaper: this.discardUntilPaper,
      asbMask: this.asbMask,
      status: this.status(),
      buffer: { used: this.queuedBytes, size: this.bufferSize, xoff: this.xoff },
      printing: this.printTimer !== null,
      speedMmPerSec: this.speed,
      tickets: this.history.length,
      lastTicket: this.history.length ? this.history[this.history.length - 1].seq : null,
      overflowBytes: this.overflowBytes,
      droppedBytes: this.droppedBytes,
      decoder: { ...this.decoder.counters },
    };
  }

  actions(): SimActionInfo[] {
    return [
      { name: 'paper', args: ['state'], help: 'paper sensor: ok (a fresh roll is loaded), low (near end), out (paper end; mid-ticket the rest of the ticket is lost)' },
      { name: 'paper-length', args: ['mm'], help: 'paper left on the roll in mm, or "infinite"; also the length of the next fresh roll' },
      { name: 'cover', args: ['state'], help: 'printer cover open or closed (open = offline, printing pauses)' },
      { name: 'cutter-error', args: [], help: 'the auto-cutter jams: printing stops until the host sends 10 05 01 (resume) or 10 05 02 (clear)' },
      { name: 'clear-error', args: [], help: 'a technician clears the cutter jam by hand (printing resumes)' },
      { name: 'offline', args: [], help: 'take the printer offline (it keeps receiving, prints nothing)' },
      { name: 'online', args: [], help: 'bring the printer back online' },
      { name: 'speed', args: ['mmPerSec'], help: 'print speed in mm/s' },
      { name: 'clear-history', args: [], help: 'forget the printed tickets' },
      { name: 'status-late', args: ['ms', 'count'], help: 'the next `count` DLE EOT status replies go out `ms` late (a printer busy with its own work)' },
    ];
  }

  async act(name: string, args: Record<string, unknown>): Promise<unknown> {
    switch (name) {
      case 'paper': this.setPaper(choice(args, 'state', ['ok', 'low', 'out'])); break;
      case 'paper-length': {
        const raw = args.mm;
        if (raw === 'infinite') this.rollDots = Infinity;
        else this.rollDots = positive('paper-length mm', Number(raw)) * DOTS_PER_MM;
        this.paperLeft = this.rollDots;
        this.logEvent(`paper left: ${raw} mm`);
        break;
      }
      case 'cover': this.coverOpen = choice(args, 'state', ['open', 'closed']) === 'open'; break;
      case 'cutter-error': this.cutterError = true; break;
      case 'clear-error': this.cutterError = false; break;
      case 'offline': this.manualOffline = true; break;
      case 'online': this.manualOffline = false; break;
      case 'speed': this.speed = positive('speed mmPerSec', Number(args.mmPerSec)); break;
      case 'clear-history': this.history = []; break;
      case 'status-late': {
        const count = args.count === undefined ? 1 : Number(args.count);
        if (!Number.isInteger(count) || count < 0 || count > 1000) throw new Error(`status-late count must be 0..1000, got ${String(args.count)}`);
        this.lateStatus = { ms: positive('status-late ms', Number(args.ms)), count };
        break;
      }
      default:
        throw new Error(`printer: unknown action ${JSON.stringify(name)}; actions: ${this.actions().map((a) => a.name).join(', ')}`);
    }
    this.statusMayHaveChanged();
    this.pump();
    this.emitState();
    return this.snapshot();
  }

  close(): void {
    for (const t of this.lateTimers) clearTimeout(t);
    this.lateTimers.clear();
    this.closed = true;
    if (this.printTimer) clearTimeout(this.printTimer);
    this.printTimer = null;
  }

  // ---- test helpers ------------------------------------------------------------------------------------------------

  /** Every ticket in the history (cut tickets and interrupted parts), oldest first. */
  get tickets(): readonly PrintedTicket[] {
    return this.history;
  }

  /** The printer's status as a host would decode it. */
  status(): EscPosStatusFields {
    return {
      online: this.online(),
      coverOpen: this.coverOpen,
      paper: this.paperState(),
      cutterError: this.cutterError,
      recoverableError: false,
      unrecoverableError: false,
      autoRecoverableError: false,
      waitingForRecovery: this.cutterError,
      feedButton: false,
    };
  }

  /** Resolves with the next ticket cut after this call; rejects after `timeoutMs` (default 15 s). */
  expectTicket(opts: { timeoutMs?: number } = {}): Promise<PrintedTicket> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const onTicket = (t: PrintedTicket) => {
        clearTimeout(timer);
        resolve(t);
      };
      const timer = setTimeout(() => {
        this.off('ticket', onTicket);
        reject(new Error(`printer ${this.id}: no ticket was cut within ${timeoutMs} ms`));
      }, timeoutMs);
      this.once('ticket', onTicket);
    });
  }

  // ---- receive side ------------------------------------------------------------------------------------------------

  private onCommand(cmd: EscPosCommand): void {
    switch (cmd.type) {
      case 'realtimeStatus':
        // escpos.md: "answered at once even while printing"; bypasses the buffer. The `status-late` fault holds it.
        if (this.lateStatus && this.lateStatus.count > 0) {
          this.lateStatus.count--;
          const reply = encodeDleEotReply(cmd.n, this.status());
          const timer = setTimeout(() => {
            this.lateTimers.delete(timer);
            this.send(reply, `DLE EOT ${cmd.n} reply (late)`);
          }, this.lateStatus.ms);
          this.lateTimers.add(timer);
          return;
        }
        this.send(encodeDleEotReply(cmd.n, this.status()), `DLE EOT ${cmd.n} reply`);
        return;
      case 'realtimeRecovery':
        this.recover(cmd.n);
        return;
      case 'asbEnable':
        if (!this.hasAsb) {
          this.logEvent('ASB asked for: this model has none (ignored)');
          return;
        }
        this.asbMask = cmd.mask & 0x0e;
        this.logEvent(`ASB ${this.asbMask ? `enabled (mask ${cmd.mask})` : 'disabled'}`);
        // Enabling sends the current status once, so the host starts from a known state.
        if (this.asbMask) this.sendAsb();
        return;
    }
    if (this.discardUntilPaper) {
      this.droppedBytes += cmd.raw.length;
      return;
    }
    this.queue.push(cmd);
    this.queuedBytes += cmd.raw.length;
  }

  /** DLE ENQ n (escpos.md "real-time recovery"). */
  private recover(n: 1 | 2): void {
    if (n === 2) {
      this.queue = [];
      this.queuedBytes = 0;
      this.composer.dropLine();
      this.logEvent('10 05 02: buffer cleared, recovered');
    } else {
      this.logEvent(this.cutterError ? '10 05 01: recovered, resuming' : '10 05 01: nothing to recover');
    }
    this.cutterError = false;
    this.statusMayHaveChanged();
    this.flowControl();
    this.pump();
    this.emitState();
  }

  private flowControl(): void {
    const high = this.bufferSize - Math.max(256, this.bufferSize >> 3);
    const low = this.bufferSize >> 1;
    if (!this.xoff && this.queuedBytes >= high) {
      this.xoff = true;
      this.send(XOFF, `XOFF (buffer ${this.queuedBytes}/${this.bufferSize})`);
      this.emitState();
    } else if (this.xoff && this.queuedBytes <= low) {
      this.xoff = false;
      this.send(XON, `XON (buffer ${this.queuedBytes}/${this.bufferSize})`);
      this.emitState();
    }
  }

  // ---- print side --------------------------------------------------------------------------------------------------

  private online(): boolean {
    return !this.paperOut && !this.coverOpen && !this.cutterError && !this.manualOffline;
  }

  private paperState(): PaperArg {
    if (this.paperOut) return 'out';
    return this.paperLowSensor || this.paperLeft <= this.nearEndDots ? 'low' : 'ok';
  }

  /** Moves commands from the buffer onto paper, one printing command at a time, at print speed. */
  private pump(): void {
    while (!this.printTimer && !this.closed && this.queue.length > 0 && this.online()) {
      const cmd = this.queue.shift()!;
      this.queuedBytes -= cmd.raw.length;
      if (cmd.type === 'processId') {
        // Everything received before it has printed (and been cut): the print side is strictly in order.
        this.send(encodeProcessIdResponse(cmd.id), `process ID ${cmd.id} printed`);
        continue;
      }
      this.pageBytes.push(cmd.raw);
      const blocks = this.composer.apply(cmd);
      if (blocks.length === 0) continue;
      const dots = blocks.reduce((h, b) => h + b.height, 0);
      if (dots > this.paperLeft) {
        this.paperRunsOut();
        break;
      }
      this.paperLeft -= dots;
      const cut = blocks.some((b) => b.kind === 'cut');
      const ms = (dots / DOTS_PER_MM / this.speed) * 1000 + (cut ? this.cutMs : 0);
      this.printTimer = setTimeout(() => this.printed(blocks, cut), ms);
    }
    this.flowControl();
  }

  private printed(blocks: PaperBlock[], cut: boolean): void {
    this.printTimer = null;
    if (this.closed) return;
    this.page.push(...blocks);
    if (cut) this.finishTicket(false);
    this.statusMayHaveChanged(); // the near-end sensor may have tripped
    this.pump();
  }

  private finishTicket(interrupted: boolean): PrintedTicket | undefined {
    const blocks = this.page;
    const bytes = concatBytes(this.pageBytes);
    this.page = [];
    this.pageBytes = [];
    if (blocks.length === 0) return undefined;
    const text = ticketToText(blocks);
    const last = blocks[blocks.length - 1];
    const ticket: PrintedTicket = {
      seq: ++this.seq,
      text,
      png: renderTicketPng(blocks),
      cutAt: new Date().toISOString(),
      bytes,
      reprint: REPRINT_MARK.test(text),
      cut: last.kind === 'cut' ? (last.partial ? 'partial' : 'full') : 'none',
      interrupted,
      heightDots: blocks.reduce((h, b) => h + b.height, 0),
    };
    this.history.push(ticket);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    this.logEvent(`${interrupted ? 'interrupted ticket' : 'ticket'} #${ticket.seq} (${ticket.heightDots} dots)`);
    this.emit(interrupted ? 'interrupted' : 'ticket', ticket);
    this.emitState();
    return ticket;
  }

  /** Paper end while printing: stop, lose what was not printed (escpos.md: "assume lost"). */
  private paperRunsOut(): void {
    if (this.printTimer) clearTimeout(this.printTimer);
    this.printTimer = null;
    this.paperOut = true;
    this.paperLeft = 0;
    this.discardUntilPaper = true;
    this.droppedBytes += this.queuedBytes;
    this.logEvent(`paper end mid-ticket: ${this.queuedBytes} buffered bytes lost`);
    this.queue = [];
    this.queuedBytes = 0;
    this.composer.dropLine();
    this.finishTicket(true);
    this.statusMayHaveChanged();
    this.flowControl();
  }

  private setPaper(state: PaperArg): void {
    if (state === 'out') {
      const midTicket = this.printTimer !== null || this.queue.length > 0 || this.page.length > 0;
      if (midTicket && !this.paperOut) this.paperRunsOut();
      this.paperOut = true;
      this.paperLeft = 0;
      return;
    }
    if (state === 'low') {
      this.paperLowSensor = true;
      return;
    }
    // A fresh roll: paper present, sensor clear, the printer goes online again by itself.
    this.paperOut = false;
    this.paperLowSensor = false;
    this.paperLeft = this.rollDots;
    this.discardUntilPaper = false;
  }

  // ---- status out --------------------------------------------------------------------------------------------------

  private statusMayHaveChanged(): void {
    const asb = encodeAsb(this.status());
    const hex = toHex(asb);
    if (hex === this.lastAsb) return;
    const before = this.lastAsb.split(' ').map((h) => parseInt(h, 16));
    this.lastAsb = hex;
    // ASB goes out when a status the host enabled changed (GS a n: bit1 online/offline incl. cover, bit2 errors,
    // bit3 paper sensor).
    const m = this.asbMask;
    if ((m & 0x02 && before[0] !== asb[0]) || (m & 0x04 && before[1] !== asb[1]) || (m & 0x08 && before[2] !== asb[2])) {
      this.send(asb, 'ASB');
    }
    this.emitState();
  }

  private sendAsb(): void {
    const asb = encodeAsb(this.status());
    this.lastAsb = toHex(asb);
    this.send(asb, 'ASB');
  }

  private send(bytes: Uint8Array, note: string): void {
    if (!this.line) {
      this.log('tx', bytes, `${note} (no host attached: dropped)`);
      return;
    }
    this.log('tx', bytes, note);
    this.line.send(bytes).catch((err: Error) => this.logEvent(`send failed: ${err.message}`));
  }

  private log(dir: 'rx' | 'tx', bytes: Uint8Array, note: string): void {
    if (this.listenerCount('log') === 0) return;
    const more = bytes.length > LOG_HEX_MAX ? ` ...(+${bytes.length - LOG_HEX_MAX})` : '';
    const entry: PrinterLogEntry = { dir, hex: toHex(bytes.subarray(0, LOG_HEX_MAX)) + more, note };
    this.emit('log', entry);
  }

  private logEvent(note: string): void {
    const entry: PrinterLogEntry = { dir: 'event', hex: '', note };
    this.emit('log', entry);
  }

  private emitState(): void {
    if (this.listenerCount('state') > 0) this.emit('state', this.snapshot());
  }
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`PrinterSim: ${name} must be a positive number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`PrinterSim: ${name} must be a number >= 0, got ${JSON.stringify(v)}`);
  }
  return v;
}

function choice<T extends string>(args: Record<string, unknown>, name: string, allowed: readonly T[]): T {
  const v = args[name];
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new Error(`printer: ${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
