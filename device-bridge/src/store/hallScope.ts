/**
 * Many halls in one database (README "Running a district", "Many halls, one database"): every row of the hall
 * tables carries the `hall_id` of the hall it belongs to, and a store instance is bound to one hall when it is
 * opened (config `site.hallId`); it reads and writes only that hall's rows.
 */

/** The hall id of a store opened without one, and of config `site.hallId` when the config names none. */
export const DEFAULT_HALL_ID = 'hall';

/** Same rule as config `site.hallId` (config/site.ts): a hall id is safe to quote into a migration's SQL text. */
export const HALL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Throws unless `hallId` is a valid hall id (a store never binds to a malformed one). */
export function checkHallId(hallId: string): string {
  if (!HALL_ID_PATTERN.test(hallId)) throw new Error(`hall id "${hallId}" must match ${HALL_ID_PATTERN}`);
  return hallId;
}

/** `hallId` as an SQL string literal (checked first; the pattern admits no quote). */
export function hallIdLiteral(hallId: string): string {
  return `'${checkHallId(hallId)}'`;
}
