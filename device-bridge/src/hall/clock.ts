/**
 * Hall-local time. The hall's days and times of day (ticket numbering restarts "each day", slots at 09:00) are
 * local to the hall, not to the server: China Standard Time, UTC+8, no daylight saving (configurable offset).
 * Services take a `HallClock` so that tests can set the time instead of waiting for it.
 */
import type { HallDay, HallTimeOfDay } from '../store/hallStore.ts';

/** China Standard Time (UTC+8); China has no daylight saving. */
export const CHINA_UTC_OFFSET_MINUTES = 480;
const DAY_MS = 86_400_000;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Throws naming `what` unless `day` is a real `YYYY-MM-DD` date. */
export function assertHallDay(day: string, what = 'day'): void {
  const m = DAY_RE.exec(String(day));
  const ok = m !== null && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === day;
  if (!ok) throw new Error(`${what} must be a date YYYY-MM-DD, got "${String(day)}"`);
}

/** Throws naming `what` unless `t` is `HH:MM`. */
export function assertTimeOfDay(t: string, what = 'time'): void {
  if (!TIME_RE.test(String(t))) throw new Error(`${what} must be a time HH:MM, got "${String(t)}"`);
}

/** Calendar arithmetic on ISO days (no time zone involved). */
export function addDays(day: HallDay, n: number): HallDay {
  assertHallDay(day);
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: HallDay, b: HallDay): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(day: HallDay): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** `2027-02-23` -> `2027年02月23日` (the form of dates in the statutory sentence and on slips). */
export function chineseDate(day: HallDay): string {
  const [y, m, d] = day.split('-');
  return `${y}年${m}月${d}日`;
}

export class HallClock {
  constructor(
    /** Epoch ms now. */
    readonly now: () => number = Date.now,
    readonly utcOffsetMinutes: number = CHINA_UTC_OFFSET_MINUTES,
  ) {
    if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 14 * 60) {
      throw new Error(`hall clock: utcOffsetMinutes must be an integer within ±840, got ${String(utcOffsetMinutes)}`);
    }
  }

  /** The last minute `local` formatted (epoch minutes, hall-local) and its `YYYY-MM-DDTHH:MM`. */
  private cachedMinute = Number.NaN;
  private cachedLocal = '';

  /**
   * `YYYY-MM-DDTHH:MM` hall-local. Every day and time of day the hall shows is one of these, and a ticket asks for
   * several within the same minute (its day, the audit's, the stamp): formatted once a minute, not once a call.
   */
  private local(ms: number): string {
    const minute = Math.floor(ms / 60_000) + this.utcOffsetMinutes;
    if (minute !== this.cachedMinute) {
      // toISOString throws for an instant that is not one (NaN), as before; nothing is cached then.
      this.cachedLocal = new Date(minute * 60_000).toISOString().slice(0, 16);
      this.cachedMinute = minute;
    }
    return this.cachedLocal;
  }

  /** The hall-local day of an instant (default: now). */
  dayOf(ms: number = this.now()): HallDay {
    return this.local(ms).slice(0, 10);
  }

  today(): HallDay {
    return this.dayOf();
  }

  /** Hall-local `HH:MM` of an instant. */
  timeOf(ms: number = this.now()): HallTimeOfDay {
    return this.local(ms).slice(11, 16);
  }

  /** `YYYY-MM-DD HH:MM` hall-local (what tickets and slips print). */
  stamp(ms: number = this.now()): string {
    return `${this.dayOf(ms)} ${this.timeOf(ms)}`;
  }

  /** The instant of a hall-local day and time of day. */
  at(day: HallDay, time: HallTimeOfDay = '00:00'): number {
    assertHallDay(day);
    assertTimeOfDay(time);
    return Date.parse(`${day}T${time}:00Z`) - this.utcOffsetMinutes * 60_000;
  }
}
