/**
 * What the screen says about a print (device trouble is handled for the citizen): `done` when the
 * command saw it confirmed, `reprinted` when a held job was confirmed later (a `printJob` update),
 * `held` while a queued job waits for the printer (paper out...), `failed` when nothing will print.
 */
import type { KioskPrintOutcome, PrintJobUpdate } from '@onedoor/protocol';

export type PrintKind = 'done' | 'reprinted' | 'held' | 'failed';

export function printKindOf(outcome: KioskPrintOutcome, live?: Pick<PrintJobUpdate, 'state'>): PrintKind {
  if (outcome.code === 'success') return 'done';
  const state = live?.state ?? outcome.state;
  if (state === 'confirmed') return 'reprinted';
  if (outcome.pending && state !== 'failed' && state !== 'canceled') return 'held';
  return 'failed';
}

/** Paper out is the one cause the citizen can understand and staff fix at once: say it by name. */
export function isPaperOut(outcome: KioskPrintOutcome, live?: Pick<PrintJobUpdate, 'message'>): boolean {
  return /paper/i.test(outcome.message ?? '') || /paper/i.test(live?.message ?? '');
}
