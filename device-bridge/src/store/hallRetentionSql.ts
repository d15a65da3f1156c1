/**
 * The retention policy's statements on the SQLite hall database (HallStore.applyRetention; policy and defaults in
 * hall/retention.ts). Runs inside one transaction opened by the caller. `od_mask` / `od_mask_name` are the SQL
 * functions the store registers (maskIdNumber of hall-rules.md "Privacy": `4401**********1231`).
 *
 * - A masked value contains `*`: rows already masked are left alone (idempotent).
 * - `UPDATE OR IGNORE`: two waiting tickets (or booked appointments) whose different numbers mask alike would
 *   collide in their one-per-person unique index; such a row keeps its number until the row is deleted.
 * - Deletions go child first (foreign keys are on): a ticket's calls, rating, follow-up and transfers, then the
 *   ticket; an appointment's no-shows, then the appointment.
 */
import type Database from 'better-sqlite3';
import type { HallRetentionCutoffs, HallRetentionResult } from './hallStore.ts';

export function retentionSql(db: Database, c: HallRetentionCutoffs, hallId: string): HallRetentionResult {
  // Only the store's own hall (hallScope.ts): every statement is bound to it as @hall.
  const run = (sql: string, params: Record<string, unknown>): number => db.prepare(sql).run({ hall: hallId, ...params }).changes;

  const oldTickets = 'SELECT id FROM tickets WHERE hall_id = @hall AND day < @d';
  const d = { d: c.deleteTickets.day };
  run(`DELETE FROM counter_calls WHERE ticket_id IN (${oldTickets})`, d);
  run(`DELETE FROM ticket_ratings WHERE ticket_id IN (${oldTickets})`, d);
  run(`DELETE FROM rating_follow_ups WHERE ticket_id IN (${oldTickets})`, d);
  run(`DELETE FROM ticket_transfers WHERE ticket_id IN (${oldTickets})`, d);
  run(`DELETE FROM ticket_holds WHERE ticket_id IN (${oldTickets})`, d);
  run(`DELETE FROM ticket_visit_steps WHERE ticket_id IN (${oldTickets})`, d);
  run(`UPDATE counter_windows SET ticket_id = NULL WHERE ticket_id IN (${oldTickets})`, d);
  run(`UPDATE counter_windows SET rating_ticket_id = NULL WHERE rating_ticket_id IN (${oldTickets})`, d);
  run(`UPDATE appointments SET ticket_id = NULL WHERE ticket_id IN (${oldTickets})`, d);
  const ticketsDeleted = run('DELETE FROM tickets WHERE hall_id = @hall AND day < @d', d);
  // The days' waiting counts (migration 23) go with their tickets.
  run('DELETE FROM waiting_counts WHERE hall_id = @hall AND day < @d', d);

  const ticketsMasked = run(`UPDATE OR IGNORE tickets SET holder_number = od_mask(holder_number)
    WHERE hall_id = @hall AND day < @d AND holder_number IS NOT NULL AND instr(holder_number, '*') = 0`,
  { d: c.maskTickets.day });

  const oldAppointments = 'SELECT id FROM appointments WHERE hall_id = @hall AND day < @d';
  const a = { d: c.deleteAppointments.day };
  const linkedNoShowsDeleted = run(`DELETE FROM no_shows WHERE appointment_id IN (${oldAppointments})`, a);
  run(`UPDATE tickets SET appointment_id = NULL WHERE appointment_id IN (${oldAppointments})`, a);
  const appointmentsDeleted = run('DELETE FROM appointments WHERE hall_id = @hall AND day < @d', a);

  const appointmentsMasked = run(`UPDATE OR IGNORE appointments SET holder_number = od_mask(holder_number)
    WHERE hall_id = @hall AND day < @d AND instr(holder_number, '*') = 0`, { d: c.maskAppointments.day });

  const noShowsDeleted = linkedNoShowsDeleted + run('DELETE FROM no_shows WHERE hall_id = @hall AND day < @d',
    { d: c.deleteNoShows.day });

  const applicationsMasked = run(`UPDATE applications SET applicant_number = od_mask(applicant_number)
    WHERE hall_id = @hall AND status IN ('done', 'returned', 'rejected') AND updated_at < @at
      AND instr(applicant_number, '*') = 0`, { at: c.maskClosedApplications.at });

  // Kiosk intake (README "Applying at the kiosk (接件受理)"): the form data goes with the closed application.
  const closedIntakes = `SELECT serial FROM intake_applications i WHERE i.hall_id = @hall AND i.decided_at IS NOT NULL
    AND i.decided_at < @at AND (i.state IN ('returned', 'rejected') OR EXISTS (SELECT 1 FROM applications a
      WHERE a.hall_id = i.hall_id AND a.serial = i.serial AND a.status IN ('done', 'returned', 'rejected')))`;
  const closedAt = { at: c.maskClosedApplications.at };
  run(`UPDATE intake_commitments SET applicant_number = od_mask(applicant_number)
    WHERE hall_id = @hall AND instr(applicant_number, '*') = 0 AND serial IN (${closedIntakes})`, closedAt);
  const intakeFormsErased = run(`UPDATE intake_applications SET form = '{}', applicant_number = od_mask(applicant_number)
    WHERE hall_id = @hall AND instr(applicant_number, '*') = 0 AND serial IN (${closedIntakes})`, closedAt);

  // Result collection (README "Collecting results (领取结果)"): the post recipient, address and phone go with the closed
  // application, once the result was handed out, posted or issued.
  const resultAddressesErased = run(`UPDATE result_collections SET recipient = NULL, address = NULL, phone = NULL,
    applicant_number = od_mask(applicant_number) WHERE hall_id = @hall AND state IN ('collected', 'posted', 'issued')
      AND finished_at < @at AND instr(applicant_number, '*') = 0`, closedAt);

  const certificatesMasked = run(`UPDATE certificates SET holder_number = od_mask(holder_number),
    holder_name = od_mask_name(holder_name)
    WHERE hall_id = @hall AND ((expires_on IS NOT NULL AND expires_on < @d) OR (revoked_at IS NOT NULL AND revoked_at < @at))
      AND instr(holder_number, '*') = 0`, { d: c.maskEndedCertificates.day, at: c.maskEndedCertificates.at });

  const kioskRequestsDeleted = run('DELETE FROM kiosk_requests WHERE hall_id = @hall AND applied_at < @at',
    { at: c.deleteKioskRequests.at });

  const accessAuditDeleted = run('DELETE FROM access_audit WHERE hall_id = @hall AND at < @at', { at: c.deleteAccessAudit.at });

  // Result notices (README "Result notices (结果反馈)") go with the closed applications' masking.
  const noticesDeleted = run('DELETE FROM result_notices WHERE hall_id = @hall AND created_at < @at', closedAt);

  return {
    ticketsMasked, ticketsDeleted, appointmentsMasked, appointmentsDeleted, noShowsDeleted, applicationsMasked,
    intakeFormsErased, certificatesMasked, resultAddressesErased, kioskRequestsDeleted, accessAuditDeleted, noticesDeleted,
  };
}
