/**
 * A device's frame log for the technician console (README "For technicians: the console": the last
 * 50 frames in hex and decoded): a bounded ring of the last frames received (rx, decoded by the
 * driver's decoder) and written (tx), each with masked hex and one decoded line. What goes in is
 * already masked by the describers (frameDescribe.ts), so the ring never holds card text or photo
 * bytes.
 */
import type { DeviceFrameDirection, DeviceFrameEntry } from '@onedoor/protocol';

/**
 * ~50 frames per device (README "For technicians: the console"): enough to see a poll cycle and a
 * command around it.
 */
export const DEFAULT_FRAME_LOG_SIZE = 50;

/** Hex and summary of one frame as the log may keep it. */
export interface FrameLogText {
  hex: string;
  summary: string;
}

export class FrameLog {
  private readonly ring: (DeviceFrameEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity = DEFAULT_FRAME_LOG_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`FrameLog capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array(capacity);
  }

  /** Sequence number of the newest entry (0 while empty). */
  get lastSeq(): number {
    return this.seq;
  }

  add(dir: DeviceFrameDirection, length: number, text: FrameLogText, at = Date.now()): DeviceFrameEntry {
    const entry: DeviceFrameEntry = { seq: ++this.seq, at, dir, length, hex: text.hex, summary: text.summary };
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    return entry;
  }

  /** Oldest first; only entries with `seq > afterSeq` when given. */
  entries(afterSeq = 0): DeviceFrameEntry[] {
    const out: DeviceFrameEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const e = this.ring[(this.next + i) % this.capacity];
      if (e && e.seq > afterSeq) out.push(e);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }
}

/**
 * A driver's frame log when it keeps one (drivers built on BaseDeviceDriver do; a `noDevice` stand-in does not).
 * Not part of the DeviceDriver interface so that existing drivers and test doubles need no change.
 */
export function framesOf(driver: object, afterSeq = 0): DeviceFrameEntry[] {
  const frames = (driver as { frames?: unknown }).frames;
  return typeof frames === 'function' ? (frames.call(driver, afterSeq) as DeviceFrameEntry[]) : [];
}
