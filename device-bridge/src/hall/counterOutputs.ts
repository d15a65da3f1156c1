/**
 * What a window's counter terminal shows (README "For the hall: counter terminals and the hall
 * display": the display shows the number, its LED the window state, the beeper sounds on a call),
 * and a writer that sends it in order, per terminal.
 *
 * counter-bus.md "Holding registers": display 8 ASCII characters (0x0100-0x0103) with a mode (0x0104: 0 steady,
 * 1-15 blink n times, 0xFF until changed), beep n times (0x0105), rating pad (0x0106), LED 0x0107 (1 green idle,
 * 2 red busy, 3 red blinking paused).
 */
import { COUNTER_BLINK_UNTIL_CHANGED, type CounterLed, type CounterWindowState } from '@onedoor/protocol';
import type { Logger } from 'pino';

/** The writes a counter bus driver offers (CounterBusDriver has exactly these). */
export interface CounterTerminalPort {
  showText(unit: number, text: string, mode?: number): Promise<void>;
  beep(unit: number, times: number): Promise<void>;
  setRatingPad(unit: number, on: boolean): Promise<void>;
  setLed(unit: number, led: CounterLed): Promise<void>;
}

/** A call blinks the number this many times (counter-bus.md 0x0104: 1-15 blink n times). */
export const CALL_BLINKS = 3;
/** Beeps on a call or recall. */
export const CALL_BEEPS = 1;
/**
 * Shown while the hall database is down (README "For the hall: counter terminals and the hall
 * display": the terminal shows `ERR DB`).
 */
export const DB_ERROR_TEXT = 'ERR DB';
export const PAUSED_TEXT = 'PAUSE';

/** Short refusals on the 8-character display (ASCII only, counter-bus.md). */
export const REFUSAL_TEXTS = {
  paused: 'PAUSE',
  busy: 'BUSY',
  noneWaiting: 'NONE',
  noTicket: 'NO TKT',
  recallLimit: 'RCL MAX',
  notStarted: 'NOT STRT',
  alreadyStarted: 'STARTED',
  badCategory: 'BAD CAT',
  duplicate: 'DUP TKT',
  overflow: 'QUEUE FL',
} as const;
export type CounterRefusal = keyof typeof REFUSAL_TEXTS;

export interface TerminalLook {
  text: string;
  mode: number;
  led: CounterLed;
}

/** The steady look of a window in a state. */
export function terminalLook(state: CounterWindowState, ticketNumber: string | null): TerminalLook {
  switch (state) {
    case 'paused':
      return { text: PAUSED_TEXT, mode: 0, led: 'redBlinking' };
    case 'called':
    case 'serving':
      return { text: ticketNumber ?? '', mode: 0, led: 'red' };
    default:
      return { text: '', mode: 0, led: 'green' };
  }
}

export interface TerminalAddress {
  port: CounterTerminalPort;
  deviceId: string;
  unit: number;
}

/**
 * Sends writes to one terminal one after another (a look is text then LED; a call adds blink and beep), never
 * failing the caller: a terminal that is offline misses them, and the workflow shows the state again when it comes
 * back (`CounterWorkflow.terminalOnline`).
 */
export class TerminalWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly to: () => TerminalAddress | undefined,
    private readonly log: Logger,
  ) {}

  /** Queue a job of writes; resolves when it was tried. The first failing write ends the job (logged). */
  private enqueue(what: string, job: (port: CounterTerminalPort, unit: number) => Promise<void>): Promise<void> {
    const run = async () => {
      const t = this.to();
      if (!t) return;
      try {
        await job(t.port, t.unit);
      } catch (err) {
        this.log.warn({ deviceId: t.deviceId, unit: t.unit, what, err: (err as Error).message }, 'counter terminal write failed');
      }
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  look(l: TerminalLook, call = false): Promise<void> {
    return this.enqueue(call ? 'call' : 'look', async (p, u) => {
      await p.showText(u, l.text, call ? CALL_BLINKS : l.mode);
      await p.setLed(u, l.led);
      if (call) await p.beep(u, CALL_BEEPS);
    });
  }

  /**
   * Shows the state `current()` answers when this job's turn comes (not when it was queued), so a refresh never
   * overwrites a newer call queued before it ran. null: the state is unavailable (database down).
   */
  refresh(current: () => Promise<{ look: TerminalLook; ratingPad: boolean } | null>): Promise<void> {
    return this.enqueue('refresh', async (p, u) => {
      const now = await current();
      if (!now) return p.showText(u, DB_ERROR_TEXT, COUNTER_BLINK_UNTIL_CHANGED);
      await p.showText(u, now.look.text, now.look.mode);
      await p.setLed(u, now.look.led);
      if (now.ratingPad) await p.setRatingPad(u, true);
    });
  }

  ratingPad(on: boolean): Promise<void> {
    return this.enqueue('rating pad', (p, u) => p.setRatingPad(u, on));
  }

  /** Blinks until changed: the clerk must see it. */
  error(text: string): Promise<void> {
    return this.enqueue('error', (p, u) => p.showText(u, text, COUNTER_BLINK_UNTIL_CHANGED));
  }

  refusal(text: string): Promise<void> {
    return this.enqueue('refusal', (p, u) => p.showText(u, text, CALL_BLINKS));
  }

  /** Resolves once everything queued so far was tried. */
  idle(): Promise<void> {
    return this.chain;
  }
}
