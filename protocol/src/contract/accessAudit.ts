/**
 * The access audit (等保 2.0 level 3: access to personal data audited): one entry per read or change of a citizen's
 * data, by a kiosk or a staff member, with the masked number only (hall-rules.md "Privacy"). What
 * `GET /api/hall/audit` returns to managers. Plain types only (the browser imports them).
 */

/**
 * The functions audited, one vocabulary for a local kiosk, a linked kiosk (its link op is named as the kiosk command
 * that asked for it) and staff.
 */
export const AUDIT_FUNCTIONS = [
  'session.start',
  'queue.take',
  'appointments.list',
  'appointments.book',
  'appointments.cancel',
  'appointments.checkIn',
  'appointments.slip',
  'certificates.list',
  'certificates.print',
  'applications.list',
  'applications.progress',
  'dashboard.view',
  'dashboard.export',
  'audit.view',
  'audit.export',
  'intake.start',
  'intake.sign',
  'intake.submit',
  'intake.list',
  'intake.pending',
  'intake.decide',
  'intake.checks',
  'intake.check',
  'applications.lookup',
  'applications.advance',
  'notices.unread',
  'notices.ack',
  'hall.intake',
  'results.list',
  'results.collect',
  'results.board',
  'results.pickup',
  'results.posted',
] as const;
export type AuditFunction = (typeof AUDIT_FUNCTIONS)[number];

export interface AccessAuditEntry {
  id: number;
  /** Epoch ms. */
  at: number;
  /** Hall-local day of `at`, YYYY-MM-DD. */
  day: string;
  /** A kiosk (by the id the hall knows it by) or a logged-in staff member. */
  actorKind: 'kiosk' | 'staff';
  /** Kiosk id or staff user name. */
  actor: string;
  /** Staff role; null for a kiosk. */
  role: string | null;
  function: AuditFunction | string;
  /** The citizen's number masked (`4401**********1231`); null when the function names nobody (a board, a refusal before a session). */
  maskedNumber: string | null;
  result: 'success' | 'refused';
  /** Refusal code (hall rule, `noSession`, `servicePaused`, HTTP status...); null on success. */
  code: string | null;
  /** Short context: the reader, the day exported, the filter used, `replayed`. Never personal data. */
  detail: string | null;
}

/** `GET /api/hall/audit?day=&kiosk=&function=&page=&pageSize=` (newest first). */
export interface AccessAuditPage {
  entries: AccessAuditEntry[];
  /** Entries matching the filter over all pages. */
  total: number;
  /** 1-based. */
  page: number;
  pageSize: number;
}
