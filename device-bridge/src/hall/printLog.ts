/**
 * Records a print in the hall's print log (hall-rules.md "Privacy": logs never contain a full number). The
 * certificate service logs its copies itself; the API logs tickets and slips with this after queueing them.
 */
import type { HallRepository, PrintLogKind, PrintLogRecord } from '../store/hallStore.ts';

/** A string that still looks like a whole ID number (18 characters, or a long run of digits). */
const FULL_NUMBER = /\d{17}[\dXx]|\d{9,}/;

export async function recordPrint(store: HallRepository, entry: { at: number; kind: PrintLogKind; ref: string; maskedNumber: string;
  detail?: string | null }): Promise<PrintLogRecord> {
  if (!entry.maskedNumber.includes('*') || FULL_NUMBER.test(entry.maskedNumber) || FULL_NUMBER.test(entry.detail ?? '')) {
    throw new Error('print log: give the masked number (maskIdNumber), never a full one');
  }
  return store.addPrintLog({ ...entry, detail: entry.detail ?? null });
}
