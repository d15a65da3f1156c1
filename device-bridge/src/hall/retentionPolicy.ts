/**
 * The retention policy (README "Security", retention defaults; PIPL art. 19: personal information is kept no
 * longer than the purpose needs; hall-rules.md "Privacy": records hold the number only where the function needs it).
 * Config `retention` (all in days, each >= 1); a row dated day D is masked or deleted from day D + N on:
 *
 * | field                              | default | what happens                                                    |
 * |------------------------------------|---------|-----------------------------------------------------------------|
 * | ticketNumbersMaskedAfterDays       | 1       | a ticket keeps the masked holder number only (queue is daily)   |
 * | ticketsDeletedAfterDays            | 180     | ticket rows (with calls, ratings, follow-ups, transfers) deleted |
 * | appointmentNumbersMaskedAfterDays  | 31      | appointment keeps the masked number (no-show rule looks back 30) |
 * | appointmentsDeletedAfterDays       | 180     | appointment rows deleted                                        |
 * | noShowsDeletedAfterDays            | 61      | no-show history deleted (30-day look-back + 30-day lockout)     |
 * | closedApplicationNumbersMaskedAfterDays | 365 | closed application keeps the masked applicant number only      |
 * |                                    |         | (and result notices queued before then are deleted)              |
 * | endedCertificateHoldersMaskedAfterDays  | 365 | expired/revoked certificate: masked number, masked name        |
 * | kioskRequestAnswersDeletedAfterDays | 30     | linked kiosks' replay answers (masked views) deleted             |
 * | printPayloadsDeletedAfterDays      | 1       | finished print jobs' payload/recipe emptied (row kept)           |
 * | accessAuditDeletedAfterDays        | 180     | access audit rows deleted (min 180: 网络安全法 art. 21, logs >= 6 months) |
 *
 * Applications and certificates: the hall's copy serves the citizen's progress query and certificate copies; the
 * legal record (政务服务 archives, 档案法) is kept by the provincial platform, not on this PC. An open application
 * and a valid certificate keep the full number (the citizen finds them by card); a year after closing or ending,
 * the hall keeps the row (serial, status, dates for time-limit statistics and verification of old copies) with the
 * masked number only.
 */
import { z } from 'zod';
import type { HallRetentionCutoffs, RetentionCutoff } from '../store/hallStore.ts';
import { addDays } from './clock.ts';

const days = (d: number, description: string) => z.number().int().min(1).max(36_500).default(d).meta({ description, unit: 'days' });

export const retentionConfigSchema = z
  .object({
    ticketNumbersMaskedAfterDays: days(1, 'A ticket keeps the masked holder number only (the queue is daily).'),
    ticketsDeletedAfterDays: days(180, 'Ticket rows (with calls, ratings, follow-ups, transfers) are deleted.'),
    appointmentNumbersMaskedAfterDays: days(31, 'An appointment keeps the masked number only (the no-show rule looks back 30 days).'),
    appointmentsDeletedAfterDays: days(180, 'Appointment rows are deleted.'),
    noShowsDeletedAfterDays: days(61, 'No-show history is deleted (at least 61: 30-day look-back + 30-day lockout).'),
    closedApplicationNumbersMaskedAfterDays: days(365, 'A closed application keeps the masked applicant number only.'),
    endedCertificateHoldersMaskedAfterDays: days(365, 'An expired or revoked certificate keeps the masked number and name only.'),
    kioskRequestAnswersDeletedAfterDays: days(30, 'Linked kiosks\' replay answers (masked views) are deleted.'),
    printPayloadsDeletedAfterDays: days(1, 'Finished print jobs\' payloads are emptied (the row stays).'),
    accessAuditDeletedAfterDays: days(180, 'Access audit rows are deleted (at least 180: logs are kept six months).'),
  })
  .strict()
  .refine((r) => r.ticketsDeletedAfterDays >= r.ticketNumbersMaskedAfterDays, {
    message: 'ticketsDeletedAfterDays must be >= ticketNumbersMaskedAfterDays', path: ['ticketsDeletedAfterDays'],
  })
  .refine((r) => r.appointmentsDeletedAfterDays >= r.appointmentNumbersMaskedAfterDays, {
    message: 'appointmentsDeletedAfterDays must be >= appointmentNumbersMaskedAfterDays', path: ['appointmentsDeletedAfterDays'],
  })
  // The no-show lockout (hall-rules.md: three no-shows in 30 days, then 30 days without booking) needs 60 days.
  // Network logs are kept at least six months (网络安全法 art. 21; 等保 2.0 audit retention).
  .refine((r) => r.accessAuditDeletedAfterDays >= 180, { message: 'accessAuditDeletedAfterDays must be >= 180 (audit logs kept six months)', path: ['accessAuditDeletedAfterDays'] })
  .refine((r) => r.noShowsDeletedAfterDays >= 61, { message: 'noShowsDeletedAfterDays must be >= 61 (no-show rule)', path: ['noShowsDeletedAfterDays'] })
  .prefault({});

export type RetentionConfig = z.output<typeof retentionConfigSchema>;
export const DEFAULT_RETENTION: RetentionConfig = retentionConfigSchema.parse(undefined);

export const DAY_MS = 24 * 60 * 60_000;

/** Rows dated before the cut-off are `n` or more days old (day D is masked/deleted from D + n on). */
export function cutoffOf(today: string, now: number, n: number): RetentionCutoff {
  return { day: addDays(today, 1 - n), at: now - n * DAY_MS };
}

export function hallRetentionCutoffs(policy: RetentionConfig, today: string, now: number): HallRetentionCutoffs {
  const c = (n: number) => cutoffOf(today, now, n);
  return {
    maskTickets: c(policy.ticketNumbersMaskedAfterDays),
    deleteTickets: c(policy.ticketsDeletedAfterDays),
    maskAppointments: c(policy.appointmentNumbersMaskedAfterDays),
    deleteAppointments: c(policy.appointmentsDeletedAfterDays),
    deleteNoShows: c(policy.noShowsDeletedAfterDays),
    maskClosedApplications: c(policy.closedApplicationNumbersMaskedAfterDays),
    maskEndedCertificates: c(policy.endedCertificateHoldersMaskedAfterDays),
    deleteKioskRequests: c(policy.kioskRequestAnswersDeletedAfterDays),
    deleteAccessAudit: c(policy.accessAuditDeletedAfterDays),
  };
}

