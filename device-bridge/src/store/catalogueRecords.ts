/**
 * Records of the hall's catalogue beyond the guidance tables (README "Loading the catalogue"): departments keyed by
 * a stable code, the service windows (counter terminal and the queue categories each calls) and the log of
 * catalogue loads. Loads upsert by code and never delete (history rows point at categories and service items).
 */
import type { HallDay } from './hallStore.ts';

/** A department as the catalogue names it: `code` is the key a reload matches on (the name may change). */
export interface CodedDepartment {
  code: string;
  name: string;
  /** Batch of the provincial plan, 0 when none. */
  batch: number;
  /** '' when none. */
  batchDeadline: HallDay | '';
  sortOrder: number;
}

/** A service window: its number as called, its counter terminal, the categories it calls (empty: every one). */
export interface HallWindowRecord {
  window: number;
  name: string;
  deviceId: string;
  unit: number;
  categories: string[];
}

/** One applied catalogue load (who loaded what is in the technician's shell history; this is what changed). */
export interface CatalogueLoadRecord {
  id: number;
  at: number;
  hallId: string | null;
  /** File names as given (base names). */
  files: string[];
  /** One line per table: `services: 2 added, 1 changed, 40 unchanged`. */
  summary: string;
}
