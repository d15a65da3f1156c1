/**
 * Settings of the counter bus driver (config `devices[].options` of a `counterbus`) and the line timing derived
 * from the baud rate (counter-bus.md "Line and framing" and "Polling").
 */
import { COUNTER_MAX_UNIT, modbusCharMs, modbusFrameGapMs } from '@onedoor/protocol';
import { z } from 'zod';

export const counterBusOptionsSchema = z
  .object({
    /** Unit IDs of the terminals on this line, polled in this order (counter terminals are units 1-32). */
    units: z
      .array(z.number().int().min(1).max(COUNTER_MAX_UNIT))
      .min(1)
      .max(COUNTER_MAX_UNIT)
      .refine((u) => new Set(u).size === u.length, { message: 'unit IDs must be unique' })
      .default([1, 2, 3, 4, 5, 6, 7, 8]).meta({ description: 'Modbus unit IDs of the terminals on this line, polled in this order (1-32).' }),
    /**
     * Added to the wire time of request + reply (and the slave's turnaround) to make a reply timeout. Covers the
     * terminal's own processing and, behind a PTY or a serial device server, delivery in slices.
     */
    replyMarginMs: z.number().int().min(5).max(5000).default(100).meta({ description: 'Added to the wire time of request + reply to make a reply timeout.', unit: 'ms' }),
    /** Failed polls in a row before a terminal is offline (spec "Polling": 3). */
    offlineAfterPolls: z.number().int().min(1).max(100).default(3).meta({ description: 'Failed polls in a row before a terminal is offline.', unit: 'polls' }),
    /** An offline terminal is retried this often (spec "Polling": once every 5 s). */
    offlineRetryMs: z.number().int().min(100).max(600_000).default(5000).meta({ description: 'How often an offline terminal is tried again.', unit: 'ms' }),
    /**
     * A reply that arrived damaged (bytes came, no good frame) shows the terminal is there but the line is noisy:
     * the read is tried again at once, up to this many attempts in all, before the poll counts as failed. A terminal
     * that is silent is not retried within a poll (it would only delay the others).
     */
    attemptsPerPoll: z.number().int().min(1).max(10).default(3).meta({ description: 'Attempts of a read whose reply arrived damaged, within one poll.', unit: 'attempts' }),
    /** Attempts for a write on demand (display, beep, LED, rating pad): they are idempotent register writes. */
    writeAttempts: z.number().int().min(1).max(10).default(3).meta({ description: 'Attempts of a write (display, beep, LED, rating pad).', unit: 'attempts' }),
    /** How often each online terminal's status register (0x0022: hardware faults) is read besides the polls. */
    statusEveryMs: z.number().int().min(1000).max(3_600_000).default(30_000).meta({ description: 'How often each online terminal\'s status register is read.', unit: 'ms' }),
  })
  .strict();

export type CounterBusOptions = z.output<typeof counterBusOptionsSchema>;

/** Parses `options` of one device; the error names the device and the field (`counters.options.units: ...`). */
export function parseCounterBusOptions(deviceId: string, options: Record<string, unknown>): CounterBusOptions {
  const r = counterBusOptionsSchema.safeParse(options ?? {});
  if (r.success) return r.data;
  const what = r.error.issues.map((i) => `${deviceId}.options${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
  throw new Error(`bad counter bus options: ${what.join('; ')}`);
}

/** Bytes of the frames the driver sends and expects (counter-bus.md; Modbus RTU). */
export const COUNTER_FRAME_BYTES = {
  /** unit fn addr(2) qty/value(2) crc(2): reads and 06 writes, and the 06/16 replies. */
  fixed: 8,
  /** 04/03 reply: unit fn count data crc(2). */
  readReply: (registers: number) => 5 + 2 * registers,
  /** 16 request: unit fn addr(2) qty(2) count data crc(2). */
  writeMultiple: (registers: number) => 9 + 2 * registers,
} as const;

export interface CounterBusTiming {
  /** One character (10 bits, 8N1). */
  charMs: number;
  /** t3.5: the silence kept between a reply (or a timeout) and the next request (about 4 ms at 9600). */
  gapMs: number;
  /** Reply timeout for a request of `requestBytes` answered by `replyBytes`. */
  replyTimeoutMs(requestBytes: number, replyBytes: number): number;
}

/**
 * Wire-derived timing at `baud`. A reply timeout is the wire time of request and reply, plus the slave's
 * turnaround (it waits at least t3.5 after the request; allow two), plus the margin.
 */
export function counterBusTiming(baud: number, replyMarginMs: number): CounterBusTiming {
  const charMs = modbusCharMs(baud);
  const gapMs = modbusFrameGapMs(baud);
  return {
    charMs,
    gapMs,
    replyTimeoutMs: (requestBytes, replyBytes) => Math.ceil((requestBytes + replyBytes) * charMs + 2 * gapMs + replyMarginMs),
  };
}
