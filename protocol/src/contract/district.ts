/**
 * The district view (README "Running a district", "Many halls, one database"): `GET /api/district/halls`, for the
 * read-only district manager. Figures per hall of the database, counts only (no citizen's data).
 */

export interface DistrictHallFigures {
  hallId: string;
  /** Whether this is the hall of the bridge that answered (its live alerts are known only here). */
  ownHall: boolean;
  waiting: number;
  servedToday: number;
  /** Minutes the longest-waiting ticket of today has waited; null when nobody waits. */
  longestWaitMinutes: number | null;
  /**
   * Active alerts: the answering bridge's live dashboard alerts for its own hall; null for another hall (its
   * device alerts live on that hall's bridge).
   */
  alerts: number | null;
  /** Bad-review follow-ups still open after their deadline (a district-wide alert, from the database). */
  overdueFollowUps: number;
}

/** The body of `GET /api/district/halls`. */
export interface DistrictView {
  day: string;
  halls: DistrictHallFigures[];
  serverTime: number;
}
