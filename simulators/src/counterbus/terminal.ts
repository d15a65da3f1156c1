/**
 * One simulated counter terminal: the register map of counter-bus.md as state. It answers decoded Modbus requests
 * with a reply or an exception code and knows nothing of the line (timing and faults live in `CounterBusSim`).
 */
import {
  COUNTER_DISPLAY_CHARS, COUNTER_FIFO_SIZE, COUNTER_LEDS, CounterReg, CounterStatusBit, counterHoldingValueError,
  decodeCounterDisplayText, decodeCounterEventWord, encodeCounterDisplayText, encodeCounterEventWord, MODBUS_MAX_READ,
  ModbusException, type CounterEvent, type CounterLed, type CounterRating, type ModbusReply, type ModbusRequest,
  modbusWriteEcho,
} from '@onedoor/protocol';

/** Model code and firmware of the simulated terminal (input registers 0x0020/0x0021; model per the spec's example). */
export const SIM_TERMINAL_MODEL = 0x0c01;
export const SIM_TERMINAL_FIRMWARE = 0x0103;

export type TerminalFaultBit = 'displayFault' | 'keypadFault' | 'ratingPadFault';

/** The outcome of a request for this terminal: a reply to send, plus what it changed (for logs and 'state'). */
export interface TerminalAnswer {
  reply: ModbusReply;
  changed: boolean;
  /** A unit ID write: the terminal answers from the old unit, then takes this one. */
  newUnit?: number;
}

/** Why a press or a rating was not stored. */
export type RejectReason = 'fifoFull' | 'ratingPadOff';

export class SimTerminal {
  /** FIFO of register words, oldest first (high byte key code, low byte argument). */
  private readonly fifo: number[] = [];
  private overflow = false;
  private faults = 0;
  /** Display registers 0x0100-0x0103, kept as written (a master may read them back with 03). */
  private displayRegs = encodeCounterDisplayText('');
  displayMode = 0;
  /** Beeps still to sound (reads back from 0x0105; 0 when done) and beeps sounded so far. */
  beepsPending = 0;
  beeps = 0;
  ratingPad = false;
  led = 0;

  constructor(public unit: number) {}

  get display(): string {
    return decodeCounterDisplayText(this.displayRegs);
  }

  get pending(): number {
    return this.fifo.length;
  }

  get statusBits(): number {
    return this.faults | (this.overflow ? 1 << CounterStatusBit.fifoOverflow : 0);
  }

  events(): CounterEvent[] {
    return this.fifo.map(decodeCounterEventWord);
  }

  /** A key press on the caller keypad. Full FIFO: the press is dropped and the overflow bit set (counter-bus.md). */
  press(ev: CounterEvent): RejectReason | null {
    const word = encodeCounterEventWord(ev); // validates the key and argument
    if (this.fifo.length >= COUNTER_FIFO_SIZE) {
      this.overflow = true;
      return 'fifoFull';
    }
    this.fifo.push(word);
    return null;
  }

  /** A citizen's rating: accepted only while the pad is lit, which turns it off. */
  rate(rating: CounterRating): RejectReason | null {
    if (!this.ratingPad) return 'ratingPadOff';
    const rejected = this.press({ key: 'rating', rating });
    if (!rejected) this.ratingPad = false;
    return rejected;
  }

  setFault(bit: TerminalFaultBit, on: boolean): void {
    const mask = 1 << CounterStatusBit[bit];
    this.faults = on ? this.faults | mask : this.faults & ~mask;
  }

  /** One beep has sounded (the bus simulator's beeper clock). */
  beepOnce(): void {
    if (this.beepsPending > 0) {
      this.beepsPending--;
      this.beeps++;
    }
  }

  /** Answer a request addressed to this terminal (or broadcast). A number is a Modbus exception code. */
  handle(req: ModbusRequest): TerminalAnswer | number {
    switch (req.kind) {
      case 'read': {
        if (req.quantity < 1 || req.quantity > MODBUS_MAX_READ) return ModbusException.illegalDataValue;
        const values: number[] = [];
        for (let a = req.address; a < req.address + req.quantity; a++) {
          const v = req.fn === 0x04 ? this.inputRegister(a) : this.holdingRegister(a);
          if (v === null) return ModbusException.illegalDataAddress;
          values.push(v);
        }
        return { reply: { kind: 'registers', unit: this.unit, fn: req.fn, values }, changed: false };
      }
      case 'writeSingle':
        return this.write(req.address, [req.value], req);
      case 'writeMultiple':
        return this.write(req.address, req.values, req);
      default:
        return ModbusException.illegalFunction;
    }
  }

  private inputRegister(a: number): number | null {
    if (a === CounterReg.eventCount) return this.fifo.length;
    if (a >= CounterReg.firstEvent && a < CounterReg.firstEvent + COUNTER_FIFO_SIZE) return this.fifo[a - CounterReg.firstEvent] ?? 0;
    if (a === CounterReg.model) return SIM_TERMINAL_MODEL;
    if (a === CounterReg.firmware) return SIM_TERMINAL_FIRMWARE;
    if (a === CounterReg.status) return this.statusBits;
    return null;
  }

  private holdingRegister(a: number): number | null {
    const textRegs = COUNTER_DISPLAY_CHARS / 2;
    if (a >= CounterReg.displayText && a < CounterReg.displayText + textRegs) return this.displayRegs[a - CounterReg.displayText];
    switch (a) {
      case CounterReg.displayMode: return this.displayMode;
      case CounterReg.beep: return this.beepsPending;
      case CounterReg.ratingPad: return this.ratingPad ? 1 : 0;
      case CounterReg.led: return this.led;
      case CounterReg.ack: return 0;
      case CounterReg.unitId: return this.unit;
      default: return null;
    }
  }

  /** Check every register first, then apply all: a rejected write changes nothing. */
  private write(address: number, values: readonly number[], req: Extract<ModbusRequest, { kind: 'writeSingle' | 'writeMultiple' }>): TerminalAnswer | number {
    for (let k = 0; k < values.length; k++) {
      if (this.holdingRegister(address + k) === null) return ModbusException.illegalDataAddress;
    }
    for (let k = 0; k < values.length; k++) {
      const a = address + k;
      if (counterHoldingValueError(a, values[k]) !== null) return ModbusException.illegalDataValue;
      if (a === CounterReg.ack && values[k] > this.fifo.length) return ModbusException.illegalDataValue;
    }
    let newUnit: number | undefined;
    values.forEach((v, k) => {
      const a = address + k;
      if (a >= CounterReg.displayText && a < CounterReg.displayText + COUNTER_DISPLAY_CHARS / 2) this.displayRegs[a - CounterReg.displayText] = v;
      else if (a === CounterReg.displayMode) this.displayMode = v;
      else if (a === CounterReg.beep) this.beepsPending = v;
      else if (a === CounterReg.ratingPad) this.ratingPad = v === 1;
      else if (a === CounterReg.led) this.led = v;
      else if (a === CounterReg.ack) {
        this.fifo.splice(0, v);
        this.overflow = false; // "set until the next acknowledgement"
      } else if (a === CounterReg.unitId) newUnit = v;
    });
    return { reply: modbusWriteEcho(req), changed: true, newUnit };
  }

  snapshot(): Record<string, unknown> {
    return {
      unit: this.unit,
      display: this.display,
      displayMode: this.displayMode,
      led: COUNTER_LEDS[this.led] as CounterLed,
      beeps: this.beeps,
      beepsPending: this.beepsPending,
      ratingPad: this.ratingPad,
      fifo: this.events(),
      overflow: this.overflow,
      statusBits: this.statusBits,
    };
  }
}
