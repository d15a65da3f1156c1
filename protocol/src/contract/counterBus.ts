/**
 * Counter bus contract (counter events go to the hall services; README "For the hall: counter
 * terminals and the hall display"): what the bridge's counter bus driver tells the hall services
 * and the `/hall` namespace, and the per-terminal status it adds to its `DeviceStatus`. Key names,
 * ratings and the event union come from the codec (`../counterbus/terminal.ts`), so there is one
 * list.
 */
import type { CounterEvent } from '../counterbus/terminal.ts';

/**
 * One key press or rating read from a terminal's FIFO (counter-bus.md "Input registers"), delivered exactly once
 * and in FIFO order per terminal. `key` discriminates: a keypad key name with its `arg`, `rating` with `rating`
 * 1 (非常满意) .. 5 (非常不满意), or `unknown` with the raw `code` (a newer terminal's key).
 */
export type CounterTerminalEvent = CounterEvent & {
  /** The counter bus device (one RS-485 line) it came from. */
  deviceId: string;
  /** Modbus unit ID of the terminal (1-32), i.e. the service window's terminal. */
  unit: number;
  /** Bridge clock (epoch ms) when the poll that read it completed. */
  at: number;
};

/** A terminal's FIFO overflowed (status bit 3 of input register 0x0022): key presses were dropped at the terminal. */
export interface CounterOverflowEvent {
  deviceId: string;
  unit: number;
  at: number;
}

/** `unknown`: not answered yet since the bus came up; `offline`: 3 polls in a row failed (retried every 5 s). */
export const COUNTER_TERMINAL_STATES = ['unknown', 'online', 'offline'] as const;
export type CounterTerminalState = (typeof COUNTER_TERMINAL_STATES)[number];

/** One terminal of a counter bus, as shown in the bus's `DeviceStatus.terminals`. */
export interface CounterTerminalStatus {
  unit: number;
  state: CounterTerminalState;
  /** Epoch ms when `state` last changed. */
  since: number;
  /** From input registers 0x0020/0x0021 once read, e.g. `0x0c01` and `1.3`. */
  model?: string;
  firmware?: string;
  /** Status bits 0-2 of 0x0022 as last read. */
  faults?: { display: boolean; keypad: boolean; ratingPad: boolean };
  /** FIFO overflows seen (presses the terminal dropped). */
  overflows: number;
}
