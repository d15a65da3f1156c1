/**
 * The scan engine's registers and modes as a plain model (qr-scanner.md "Register protocol", profile table): what a
 * read returns, what a write changes, what save keeps across a power cycle. No I/O, no timers: the simulator
 * (./qrscanner-sim.ts) puts it on a line.
 */
import { QR_BAUD_DIVISORS, QR_MODES, QR_REGISTERS, QR_SUFFIXES, qrModeName, qrSuffixName, type QrCommand, type QrMode, type QrSuffix } from '@onedoor/protocol';

/** Register space the model answers for; reads or writes beyond it get status 01 (not success). */
export const ENGINE_REGISTER_SPACE = 0x100;

/** Status byte of a reply to a command the engine refuses (out-of-range address). Spec only defines 00 success. */
export const ENGINE_STATUS_REFUSED = 0x01;

export interface EngineAnswer {
  status: number;
  data: Uint8Array;
  /** A write to 0x0002 with 01: scan once now. */
  trigger?: boolean;
  /** Something in RAM changed (for 'state'). */
  changed?: boolean;
}

/** A factory-fresh engine: manual mode (a host must set its own), CR suffix (spec default), 5 s scan timeout, 9600. */
export function factoryRegisters(): Uint8Array {
  const r = new Uint8Array(ENGINE_REGISTER_SPACE);
  r[QR_REGISTERS.mode] = QR_MODES.manual;
  r[QR_REGISTERS.scanTimeout] = 50;
  r.set(QR_BAUD_DIVISORS[9600], QR_REGISTERS.baud);
  r[QR_REGISTERS.suffix] = QR_SUFFIXES.cr;
  return r;
}

export class EngineRegisters {
  /** Working registers (RAM). */
  ram: Uint8Array;
  /** What survives a power cycle (written by "save all registers to flash"). */
  flash: Uint8Array;
  saves = 0;
  writes = 0;

  constructor(initial: Uint8Array = factoryRegisters()) {
    this.flash = initial.slice();
    this.ram = initial.slice();
  }

  get mode(): QrMode {
    return qrModeName(this.ram[QR_REGISTERS.mode]);
  }

  /** Unknown suffix values are sent as no suffix (what an engine with a bad setting would do is model-specific). */
  get suffix(): QrSuffix {
    return qrSuffixName(this.ram[QR_REGISTERS.suffix]) ?? 'none';
  }

  /** Scan timeout in ms (register 0x0006 in 100 ms units; 0 = none). */
  get scanTimeoutMs(): number {
    return this.ram[QR_REGISTERS.scanTimeout] * 100;
  }

  /** Power cycle: RAM reloads from flash. */
  reload(): void {
    this.ram = this.flash.slice();
  }

  handle(cmd: QrCommand): EngineAnswer {
    switch (cmd.type) {
      case 'read': {
        if (cmd.address + cmd.count > ENGINE_REGISTER_SPACE) return { status: ENGINE_STATUS_REFUSED, data: new Uint8Array(0) };
        return { status: 0, data: this.ram.slice(cmd.address, cmd.address + cmd.count) };
      }
      case 'write': {
        if (cmd.address + cmd.data.length > ENGINE_REGISTER_SPACE) return { status: ENGINE_STATUS_REFUSED, data: new Uint8Array(0) };
        this.writes++;
        if (cmd.address === QR_REGISTERS.trigger && cmd.data.length === 1) {
          // The trigger register is an action, not a setting (spec: "write 01: scan once now").
          return { status: 0, data: Uint8Array.of(0), trigger: cmd.data[0] === 1 };
        }
        this.ram.set(cmd.data, cmd.address);
        return { status: 0, data: Uint8Array.of(0), changed: true };
      }
      case 'save':
        this.saves++;
        this.flash = this.ram.slice();
        return { status: 0, data: Uint8Array.of(0), changed: true };
    }
  }
}
