/**
 * Simulated second-generation ID card reader in transparent SAM mode (id-reader-sam.md). Everything on the wire goes
 * through the protocol codec: `SamFrameDecoder` for host commands, `buildSamResponse` and the data builders for
 * replies. The link (PTY or TCP) adds the wire time; this model adds the SAM/RF processing time (./timing.ts).
 *
 * Card behaviour (spec "Timing and polling"):
 * - find (20 01) answers 9F while a placed card has not been read yet, 80 with no card;
 * - select (20 02) needs a found card, else 81;
 * - a successful read (30 01 / 30 10) leaves the card "read": find answers 80 until it is removed and placed again;
 * - a failed read (armed with `fail-read`) leaves the card "failed": it too must be removed and placed again;
 * - SAM reset leaves the card's state alone (the host cannot use reset to re-find a read card).
 * SAM states: `selfTestFailed` answers 60 to every command; `notAuthorised` answers 66 to status, find, select and
 * reads, and still serves reset, SAM ID, max RF bytes and baud, so a technician can identify the module.
 *
 * Events: 'state' (snapshot), 'log' ({dir, hex, note}; read replies are logged without their text and photo),
 * 'command' ({name, cmd, para}), 'reply' ({command, sw3}), 'read' ({key, cardType}) after a successful read
 * reply has left the wire, 'baud' (new rate) after a set-baud reply.
 */
import { EventEmitter } from 'node:events';
import {
  SAM_SW3,
  SamFrameDecoder,
  buildSamAppendedAddressData,
  buildSamReadData,
  buildSamResponse,
  buildTextBlock,
  formatSamId,
  holderDisplayName,
  holderNumber,
  identifySamCommand,
  maskIdNumber,
  samBaudForCode,
  samStatusInfo,
  toHex,
  type Holder,
  type SamCommand,
  type SamCommandName,
} from '@onedoor/protocol';
import type { SimActionInfo, SimDevice, SimLine } from '../core/device.ts';
import {
  ID_READER_FAULT_HELP,
  ID_READER_FAULT_KINDS,
  damageReply,
  noFaults,
  parseFaultCount,
  parseSw3,
  takeFault,
  type IdReaderFaultKind,
  type IdReaderFaultState,
} from './faults.ts';
import { fnv1a, loadCardLibrary, simulatedFingerprint, simulatedPhoto, type CardEntry, type CardLibrary } from './library.ts';
import { drawDelay, resolveIdReaderTiming, type IdReaderTiming } from './timing.ts';

export const SAM_STATES = ['ok', 'selfTestFailed', 'notAuthorised'] as const;
export type SamState = (typeof SAM_STATES)[number];

/** Where the card on the field is in the find -> select -> read cycle. */
export type CardPhase = 'placed' | 'found' | 'selected' | 'read' | 'failed';

export interface IdReaderSimOptions {
  /** Device id (also the default PTY name). Default 'idreader'. */
  id?: string;
  /**
   * Card library; default: the shipped `simulators/data/cards.json`. A string is a path to a card file merged into
   * the shipped set (so a CLI or hub config can pass `--cards file.json` through).
   */
  library?: CardLibrary | string;
  /** Processing delays; 'fast' = none. Default: typical (see ./timing.ts). */
  timing?: Partial<IdReaderTiming> | 'fast' | 'typical';
  /** 16-byte SAM ID; default derived from the device id. */
  samId?: Uint8Array;
}

export interface IdReaderReadEvent {
  key: string;
  cardType: Holder['cardType'];
  fingerprint: boolean;
}

/** Commands that touch the card; a SAM that is not authorised refuses them (66). */
const CARD_COMMANDS: ReadonlySet<SamCommandName> = new Set(['status', 'find', 'select', 'readBase', 'readBaseFingerprint', 'readAppendedAddress']);

interface Reply {
  sw3: number;
  data?: Uint8Array;
  /** Text for the log instead of the full hex (read replies carry the number and the photo). */
  redacted?: string;
  after?: () => void;
}

export class IdReaderSim extends EventEmitter implements SimDevice {
  readonly id: string;
  readonly kind = 'idreader' as const;
  readonly library: CardLibrary;
  timing: IdReaderTiming;
  private line: SimLine | null = null;
  private readonly decoder = new SamFrameDecoder({ direction: 'command' });
  private readonly samIdBytes: Uint8Array;
  private sam: SamState = 'ok';
  private card: { entry: CardEntry; phase: CardPhase } | null = null;
  private faults: IdReaderFaultState = noFaults();
  private maxRfBytes: number | null = null;
  private baudSetting: number | null = null;
  private readonly stats = { commands: 0, replies: 0, reads: 0, hostFrameErrors: 0, unanswered: 0 };
  /** Commands are answered one after another, as by the half-duplex SAM. */
  private work: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(opts: IdReaderSimOptions = {}) {
    super();
    this.id = opts.id ?? 'idreader';
    this.library = typeof opts.library === 'string' ? loadCardLibrary(opts.library) : (opts.library ?? loadCardLibrary());
    this.timing = resolveIdReaderTiming(opts.timing);
    this.samIdBytes = opts.samId ? opts.samId.slice() : defaultSamId(this.id);
    if (this.samIdBytes.length !== 16) throw new Error(`samId must be 16 bytes, got ${this.samIdBytes.length}`);
  }

  // ----- SimDevice -----

  attach(line: SimLine | null): void {
    this.line = line;
    this.decoder.reset(); // a new host starts a new byte stream
  }

  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const before = { ...this.decoder.counters };
    const frames = this.decoder.push(bytes);
    const after = this.decoder.counters;
    // The SAM tells the host about frames it could not take (SW3 10 / 11, spec "Status codes").
    for (let i = before.checksumErrors; i < after.checksumErrors; i++) this.hostFrameError(SAM_SW3.hostChecksumError, 'checksum');
    for (let i = before.lengthErrors; i < after.lengthErrors; i++) this.hostFrameError(SAM_SW3.hostLengthError, 'length');
    for (const f of frames) {
      const c = f.asCommand();
      const name = identifySamCommand(c);
      this.stats.commands++;
      this.emit('log', { dir: 'rx', hex: toHex(f.raw), note: name ?? 'unknown command' });
      this.emit('command', { name: name ?? 'unknown', cmd: c.cmd, para: c.para });
      this.enqueue(name ?? 'unknown', () => this.handle(name, c));
    }
  }

  snapshot(): Record<string, unknown> {
    const c = this.card;
    return {
      id: this.id,
      kind: this.kind,
      sam: this.sam,
      samId: { hex: toHex(this.samIdBytes, ''), display: formatSamId(this.samIdBytes) },
      maxRfBytes: this.maxRfBytes,
      baudSetting: this.baudSetting,
      attached: this.line !== null,
      card: c
        ? {
            key: c.entry.key,
            cardType: c.entry.holder.cardType,
            name: holderDisplayName(c.entry.holder),
            number: maskIdNumber(holderNumber(c.entry.holder)),
            phase: c.phase,
            ...(c.entry.invalid && { invalid: c.entry.invalid }),
          }
        : null,
      faults: { ...this.faults, readStatus: this.faults.readStatus && { ...this.faults.readStatus } },
      counters: { ...this.stats },
      libraryCards: this.library.size,
    };
  }

  actions(): SimActionInfo[] {
    return [
      { name: 'place-card', args: ['holder'], help: `put a card from the library on the reader (keys: see list-cards), replacing any card there` },
      { name: 'remove-card', args: [], help: 'take the card away (needed after a read before it can be found again)' },
      { name: 'list-cards', args: [], help: 'the card library: key, type, name, masked number, note' },
      {
        name: 'fault',
        args: ['kind', 'count'],
        help: `arm a fault for the next <count> (default 1) replies: ${ID_READER_FAULT_KINDS.map((k) => `${k} (${ID_READER_FAULT_HELP[k]})`).join('; ')}`,
      },
      { name: 'fail-read', args: ['sw3', 'count'], help: 'the next <count> (default 1) reads answer this SW3 in hex (41 read failed, 31, 32, 33, 40 ...); the card must then be placed again' },
      { name: 'clear-faults', args: [], help: 'disarm every fault' },
      { name: 'sam', args: ['state'], help: `SAM module state: ${SAM_STATES.join(' | ')} (selfTestFailed answers 60 to everything, notAuthorised answers 66 to card commands)` },
    ];
  }

  async act(name: string, args: Record<string, unknown> = {}): Promise<unknown> {
    switch (name) {
      case 'place-card':
        return this.placeCard(String(args.holder ?? ''));
      case 'remove-card':
        return { removed: this.removeCard() };
      case 'list-cards':
        return [...this.library.values()].map((e) => ({
          key: e.key,
          cardType: e.holder.cardType,
          name: holderDisplayName(e.holder),
          number: maskIdNumber(holderNumber(e.holder)),
          ...(e.note && { note: e.note }),
          ...(e.invalid && { invalid: e.invalid }),
        }));
      case 'fault':
        return this.injectFault(args.kind as IdReaderFaultKind, parseFaultCount(args.count));
      case 'fail-read': {
        const sw3 = parseSw3(args.sw3);
        if (sw3 === SAM_SW3.success) throw new Error('fail-read needs a failure status, not 90');
        const count = parseFaultCount(args.count);
        this.faults.readStatus = count > 0 ? { sw3, count } : null;
        this.changed();
        return { sw3: samStatusInfo(sw3), count };
      }
      case 'clear-faults':
        this.faults = noFaults();
        this.changed();
        return { cleared: true };
      case 'sam': {
        const state = args.state as SamState;
        if (!SAM_STATES.includes(state)) throw new Error(`sam state must be one of ${SAM_STATES.join(', ')}, got ${JSON.stringify(args.state)}`);
        this.sam = state;
        this.changed();
        return { sam: state };
      }
      default:
        throw new Error(`unknown action ${JSON.stringify(name)} for the ID reader; known: ${this.actions().map((a) => a.name).join(', ')}`);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.line = null;
  }

  // ----- class API (also what the actions call) -----

  placeCard(key: string): { placed: string; name: string; number: string } {
    const entry = this.library.get(key);
    if (!entry) throw new Error(`no card "${key}" in the library; known: ${[...this.library.keys()].join(', ')}`);
    this.card = { entry, phase: 'placed' };
    this.changed();
    return { placed: key, name: holderDisplayName(entry.holder), number: maskIdNumber(holderNumber(entry.holder)) };
  }

  /** Returns the key of the card taken away, or null when there was none. */
  removeCard(): string | null {
    const key = this.card?.entry.key ?? null;
    this.card = null;
    this.changed();
    return key;
  }

  /** Arm a fault for the next `count` replies (see ID_READER_FAULT_HELP); 0 disarms it. */
  injectFault(kind: IdReaderFaultKind, count = 1): { fault: IdReaderFaultKind; count: number } {
    if (!ID_READER_FAULT_KINDS.includes(kind)) {
      throw new Error(`fault kind must be one of ${ID_READER_FAULT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    }
    this.faults[kind] = parseFaultCount(count);
    this.changed();
    return { fault: kind, count: this.faults[kind] };
  }

  /** Resolves when the next successful read reply has left the wire. */
  expectRead(): Promise<IdReaderReadEvent> {
    return this.nextEvent<IdReaderReadEvent>('read');
  }

  /** Resolves when the next reply (optionally with this SW3) has left the wire. */
  expectReply(sw3?: number): Promise<{ command: string; sw3: number }> {
    return this.nextEvent<{ command: string; sw3: number }>('reply', (r) => sw3 === undefined || r.sw3 === sw3);
  }

  /** Resolves when the next command (optionally of this name) has been received. */
  expectCommand(name?: SamCommandName | 'unknown'): Promise<{ name: string; cmd: number; para: number }> {
    return this.nextEvent<{ name: string; cmd: number; para: number }>('command', (c) => name === undefined || c.name === name);
  }

  /** Resolves when every command received so far has been answered (or dropped). */
  idle(): Promise<void> {
    return this.work;
  }

  // ----- behaviour -----

  private handle(name: SamCommandName | undefined, c: SamCommand): Reply | null {
    if (takeFault(this.faults, 'no-answer')) {
      this.stats.unanswered++;
      this.emit('log', { dir: 'tx', hex: '', note: 'fault: no answer' });
      this.changed();
      return null;
    }
    if (this.sam === 'selfTestFailed') return { sw3: SAM_SW3.selfTestFailed };
    if (name === undefined) return { sw3: SAM_SW3.commandError };
    if (this.sam === 'notAuthorised' && CARD_COMMANDS.has(name)) return { sw3: SAM_SW3.notAuthorised };
    switch (name) {
      case 'reset':
      case 'status':
        return { sw3: SAM_SW3.success };
      case 'samId':
        return { sw3: SAM_SW3.success, data: this.samIdBytes };
      case 'setMaxRfBytes':
        if (c.data.length !== 1 || c.data[0] === 0) return { sw3: SAM_SW3.commandError };
        this.maxRfBytes = c.data[0];
        return { sw3: SAM_SW3.success, after: () => this.changed() };
      case 'setBaud': {
        const baud = samBaudForCode(c.para);
        if (baud === undefined || c.data.length !== 0) return { sw3: SAM_SW3.commandError };
        return {
          sw3: SAM_SW3.success,
          after: () => {
            this.baudSetting = baud;
            this.emit('baud', baud);
            this.changed();
          },
        };
      }
      case 'find':
        return this.find();
      case 'select':
        return this.select();
      case 'readBase':
      case 'readBaseFingerprint':
        return this.read(name === 'readBaseFingerprint');
      case 'readAppendedAddress':
        return this.readAppendedAddress();
    }
  }

  private find(): Reply {
    const c = this.card;
    // spec: after a successful read (or a failed one) the same card answers 80 until removed and placed again.
    if (!c || c.phase === 'read' || c.phase === 'failed') return { sw3: SAM_SW3.noCard };
    if (c.phase === 'placed') this.setPhase('found');
    return { sw3: SAM_SW3.cardFound, data: new Uint8Array(4) };
  }

  private select(): Reply {
    const c = this.card;
    if (!c || (c.phase !== 'found' && c.phase !== 'selected')) return { sw3: SAM_SW3.selectFailed };
    this.setPhase('selected');
    return { sw3: SAM_SW3.success, data: new Uint8Array(8) };
  }

  private read(withFingerprint: boolean): Reply {
    const c = this.card;
    if (!c || c.phase !== 'selected') return { sw3: SAM_SW3.readFailed };
    const forced = this.faults.readStatus;
    if (forced) {
      forced.count--;
      if (forced.count <= 0) this.faults.readStatus = null;
      this.setPhase('failed');
      return { sw3: forced.sw3 };
    }
    const { entry } = c;
    const text = buildTextBlock(entry.holder);
    const photo = simulatedPhoto();
    // A basic read answered in the fingerprint layout (armed fault): three lengths where 30 01 has two.
    const fpLayout = withFingerprint || takeFault(this.faults, 'fingerprint-layout');
    const fp = fpLayout ? (entry.fingerprint ? simulatedFingerprint(entry.key) : new Uint8Array(0)) : undefined;
    const data = buildSamReadData(text, photo, fp);
    return {
      sw3: SAM_SW3.success,
      data,
      redacted: `text ${text.length} + photo ${photo.length}${fp ? ` + fingerprint ${fp.length}` : ''} bytes withheld`,
      after: () => {
        this.stats.reads++;
        // Only the placement that was read becomes 'read': if the reply left late and the card was swapped
        // meanwhile (e.g. during an unplug), the new card must still be findable.
        if (this.card === c) this.setPhase('read');
        const ev: IdReaderReadEvent = { key: entry.key, cardType: entry.holder.cardType, fingerprint: !!fp?.length };
        this.emit('read', ev);
      },
    };
  }

  private readAppendedAddress(): Reply {
    const c = this.card;
    if (!c || (c.phase !== 'selected' && c.phase !== 'read')) return { sw3: SAM_SW3.readFailed };
    if (c.entry.appendedAddress === undefined) return { sw3: SAM_SW3.noContent };
    return { sw3: SAM_SW3.success, data: buildSamAppendedAddressData(c.entry.appendedAddress), redacted: 'address withheld' };
  }

  private hostFrameError(sw3: number, what: string): void {
    this.stats.hostFrameErrors++;
    this.emit('log', { dir: 'rx', hex: '', note: `${what} error in a host frame` });
    this.enqueue('bad frame', () => ({ sw3 }));
  }

  private enqueue(command: string, handler: () => Reply | null): void {
    this.work = this.work.then(async () => {
      if (this.closed) return;
      const delay = drawDelay(this.delayFor(command));
      const reply = handler(); // the card's state changes at once; the answer leaves after the processing time
      await this.sleep(delay);
      if (reply && !this.closed) await this.send(command, reply);
    });
  }

  private delayFor(command: string): IdReaderTiming[keyof IdReaderTiming] {
    const t = this.timing;
    switch (command) {
      case 'find':
        return t.find;
      case 'select':
        return t.select;
      case 'readBase':
        return t.read;
      case 'readBaseFingerprint':
        return t.readFingerprint;
      case 'readAppendedAddress':
        return t.appendedAddress;
      default:
        return t.sam;
    }
  }

  private async send(command: string, reply: Reply): Promise<void> {
    const frame = buildSamResponse(reply.sw3, reply.data);
    const { bytes, notes } = damageReply(this.faults, frame);
    if (notes.length) this.changed();
    const line = this.line;
    const status = samStatusInfo(reply.sw3);
    const hex = reply.redacted ? `${toHex(frame.subarray(0, 14))} … (${reply.redacted})` : toHex(bytes);
    this.emit('log', { dir: 'tx', hex, note: [`${command}: ${status.hex} ${status.en}`, ...notes].join('; ') });
    if (!line) return; // no host attached: the reply is lost, as on an unplugged line
    await line.send(bytes);
    if (this.closed) return;
    this.stats.replies++;
    reply.after?.();
    this.emit('reply', { command, sw3: reply.sw3 });
  }

  private setPhase(p: CardPhase): void {
    if (this.card && this.card.phase !== p) {
      this.card.phase = p;
      this.changed();
    }
  }

  private changed(): void {
    this.emit('state', this.snapshot());
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private nextEvent<T>(event: string, match: (v: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) => {
      const on = (v: T) => {
        if (!match(v)) return;
        this.off(event, on);
        resolve(v);
      };
      this.on(event, on);
    });
  }
}

/** A stable 16-byte SAM ID per device id, so the technician console shows the same ID across restarts. */
function defaultSamId(id: string): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 5, true);
  dv.setUint16(2, 1, true);
  dv.setUint32(4, 20260101, true);
  dv.setUint32(8, fnv1a(id) % 1_000_000_000, true);
  dv.setUint32(12, 1, true);
  return out;
}
