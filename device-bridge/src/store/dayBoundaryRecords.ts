/**
 * Records of the hall's day boundaries and abuse limits (README "Running the hall floor", migration 17):
 * - refusal counts per hall day and limit kind, incremented in the store so that every instance of the hall counts
 *   into the same figures the dashboard shows;
 * - the hall's intake state (open / paused / closed for the day, with the words kiosks and the phone page show),
 *   one row per hall shared by every instance;
 * - the day's closing run (carry-over or close of the tickets still waiting), claimed once per hall day: the claim
 *   is a conditional insert keyed by the day, so among several instances only one runs it.
 */
import type { HallDay } from './hallStore.ts';

/** Which per-person limit refused (hall/personLimits.ts). */
export const LIMIT_REFUSAL_KINDS = ['ticketsPerDay', 'ticketsPerCategoryPerDay', 'openAppointments', 'openAppointmentsPerService'] as const;
export type LimitRefusalKind = (typeof LIMIT_REFUSAL_KINDS)[number];

export interface LimitRefusalCount {
  kind: LimitRefusalKind;
  count: number;
}

/** `paused`: until a manager resumes; `closed`: for the hall day `day` only (the next day opens by itself). */
export type IntakeMode = 'open' | 'paused' | 'closed';

export interface IntakeStateRecord {
  mode: IntakeMode;
  /** What kiosks and the phone page show (plain words); null: the default sentence of the mode. */
  message: string | null;
  /** Hall day on which the state was set. */
  day: HallDay;
  changedAt: number;
  /** Staff user who set it, or `schedule` for the closing time. */
  changedBy: string;
}

/** What happens at closing time to the tickets still waiting (config `closing.waiting`). */
export type ClosingWaiting = 'carryOver' | 'close';

export interface DayClosingRecord {
  day: HallDay;
  waiting: ClosingWaiting;
  at: number;
}

type Row = Record<string, unknown>;

export function intakeStateFromRow(r: Row): IntakeStateRecord {
  return { mode: r.mode as IntakeMode, message: (r.message as string | null) ?? null, day: String(r.day), changedAt: Number(r.changed_at),
    changedBy: String(r.changed_by) };
}

export function dayClosingFromRow(r: Row): DayClosingRecord {
  return { day: String(r.day), waiting: r.waiting as ClosingWaiting, at: Number(r.at) };
}

export function limitRefusalFromRow(r: Row): LimitRefusalCount {
  return { kind: r.kind as LimitRefusalKind, count: Number(r.count) };
}
