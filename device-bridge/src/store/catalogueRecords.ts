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

/**
 * A life event (办事主题: 生孩子, 结婚, 退休...): a curated group of service items across departments, as the
 * catalogue names it (docs/catalogue-format.md "lifeEvents"), so a citizen who does not know which department owns
 * what finds the items by what is happening in their life. Matched by code on reload.
 */
export interface LifeEventRecord {
  code: string;
  name: string;
  /** Position on the kiosk's life-event screen. */
  sortOrder: number;
  /** Service item codes, in the order shown. */
  services: string[];
}

/** How often each service item was used in the hall since a day (the kiosk's "most used"). */
export interface ServiceUseCounts {
  /** Appointments (any status but canceled) and applications accepted, per service item code. */
  services: Record<string, number>;
  /** Tickets issued, per queue category letter (a ticket names no service item). */
  categories: Record<string, number>;
}
