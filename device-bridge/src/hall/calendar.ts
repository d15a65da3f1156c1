/**
 * Working days (hall-rules.md "Working days come from a holiday table that includes make-up working weekends
 * (调休); the table is data"). A day is a working day when the table says `workday` (a make-up Saturday or Sunday),
 * not when it says `holiday`, and otherwise when it is Monday to Friday.
 */
import type { CalendarDayRecord, HallDay, HallRepository } from '../store/hallStore.ts';
import { addDays, assertHallDay, weekdayOf } from './clock.ts';

export class WorkingCalendar {
  private readonly kinds = new Map<HallDay, CalendarDayRecord['kind']>();

  constructor(days: readonly CalendarDayRecord[] = []) {
    for (const d of days) this.kinds.set(d.day, d.kind);
  }

  isWorkingDay(day: HallDay): boolean {
    assertHallDay(day);
    const kind = this.kinds.get(day);
    if (kind === 'workday') return true;
    if (kind === 'holiday') return false;
    const wd = weekdayOf(day);
    return wd >= 1 && wd <= 5;
  }

  /** The n-th working day after `day` (n >= 1; `day` itself does not count). */
  addWorkingDays(day: HallDay, n: number): HallDay {
    if (!Number.isInteger(n) || n < 0) throw new Error(`working days to add must be a non-negative integer, got ${String(n)}`);
    let d = day;
    for (let left = n; left > 0;) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** Working days d with from < d <= to (0 when to <= from): the working days elapsed from `from` to `to`. */
  workingDaysBetween(from: HallDay, to: HallDay): number {
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkingDay(d)) count++;
    return count;
  }

  /** The next `n` working days strictly after `day`. */
  nextWorkingDays(day: HallDay, n: number): HallDay[] {
    const out: HallDay[] = [];
    for (let d = day; out.length < n;) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) out.push(d);
    }
    return out;
  }
}

/** The calendar as the store holds it now (the table is small; loaded per operation so edits apply at once). */
export async function loadWorkingCalendar(store: HallRepository): Promise<WorkingCalendar> {
  return new WorkingCalendar(await store.listCalendarDays());
}
