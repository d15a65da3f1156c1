/**
 * The retention policy's statements on the PostgreSQL hall database (HallStore.applyRetention; policy in
 * hall/retentionPolicy.ts): the same cut-offs, order and counts as the SQLite statements (hallRetentionSql.ts), run
 * inside one transaction opened by the caller.
 *
 * - Masking is done here in JavaScript with the one mask rule (`maskIdNumber`, hall-rules.md "Privacy"), not with a
 *   second copy of it in SQL that could drift from the protocol's. Rows whose value already holds a `*` are left alone
 *   (idempotent).
 * - SQLite masks with `UPDATE OR IGNORE`: a row whose masked number would collide in a one-per-person unique index
 *   (two waiting tickets, or two active appointments, whose numbers mask alike) keeps its number until it is
 *   deleted. PostgreSQL has no per-row IGNORE, so rows inside such an index are masked one at a time in id order
 *   with a NOT EXISTS guard on the index's columns (the same rows SQLite skips); rows outside it go in one statement.
 * - Deletions go child first (foreign keys): a ticket's calls, rating, follow-up and transfers, then the ticket; an
 *   appointment's no-shows, then the appointment.
 */
import { maskIdNumber } from '@onedoor/protocol';
import type { HallRetentionCutoffs, HallRetentionResult } from './hallStore.ts';
import { hallIdLiteral } from './hallScope.ts';

/** One statement on the transaction's connection. */
export type RetentionQuery = (text: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>>; rowCount: number }>;

/** The certificate holder's name as retention leaves it: the first character, the rest starred (SQLite's od_mask_name). */
export function maskHolderName(name: string): string {
  const chars = [...name];
  return chars.length === 0 ? '' : chars[0] + '*'.repeat(chars.length - 1);
}

interface MaskPlan {
  table: string;
  /** The hall literal: keys such as an application's serial are unique per hall only. */
  hall: string;
  key: string;
  keyType: 'integer' | 'text';
  column: string;
  /** Which rows to mask ($n parameters from `params`); `strpos(column, '*') = 0` is added. */
  where: string;
  params: unknown[];
  /**
   * The one-per-person unique index the masked value could collide in: its row filter (over the given table alias)
   * and its other columns.
   */
  unique?: { scope: (alias: string) => string; columns: string[] };
}

async function maskColumn(q: RetentionQuery, p: MaskPlan): Promise<number> {
  const scope = p.unique ? p.unique.scope(p.table) : 'false';
  const rows = (await q(`SELECT ${p.key} AS k, ${p.column} AS v, (${scope}) AS in_index FROM ${p.table}
    WHERE ${p.where} AND ${p.column} IS NOT NULL AND strpos(${p.column}, '*') = 0 ORDER BY ${p.key}`, p.params)).rows;
  let changed = 0;
  const free = rows.filter((r) => r.in_index !== true);
  if (free.length > 0) {
    changed += (await q(`UPDATE ${p.table} t SET ${p.column} = m.v FROM unnest($1::${p.keyType}[], $2::text[]) AS m(k, v)
      WHERE t.hall_id = ${p.hall} AND t.${p.key} = m.k`, [free.map((r) => r.k), free.map((r) => maskIdNumber(String(r.v)))])).rowCount;
  }
  if (p.unique) {
    const same = p.unique.columns.map((c) => `o.${c} = t.${c}`).join(' AND ');
    for (const r of rows.filter((x) => x.in_index === true)) {
      changed += (await q(`UPDATE ${p.table} t SET ${p.column} = $2 WHERE t.hall_id = ${p.hall} AND t.${p.key} = $1 AND NOT EXISTS (
        SELECT 1 FROM ${p.table} o WHERE o.${p.key} <> t.${p.key} AND o.${p.column} = $2 AND ${same}
          AND ${p.unique.scope('o')})`, [r.k, maskIdNumber(String(r.v))])).rowCount;
    }
  }
  return changed;
}

export async function retentionPostgres(q: RetentionQuery, c: HallRetentionCutoffs, hallId: string): Promise<HallRetentionResult> {
  // Only the store's own hall (hallScope.ts); the id is checked against its pattern, so it is safe as a literal.
  const h = hallIdLiteral(hallId);
  const run = async (text: string, ...params: unknown[]): Promise<number> => (await q(text, params)).rowCount;

  const oldTickets = `SELECT id FROM tickets WHERE hall_id = ${h} AND day < $1`;
  const d = c.deleteTickets.day;
  await run(`DELETE FROM counter_calls WHERE ticket_id IN (${oldTickets})`, d);
  await run(`DELETE FROM ticket_ratings WHERE ticket_id IN (${oldTickets})`, d);
  await run(`DELETE FROM rating_follow_ups WHERE ticket_id IN (${oldTickets})`, d);
  await run(`DELETE FROM ticket_transfers WHERE ticket_id IN (${oldTickets})`, d);
  await run(`DELETE FROM ticket_holds WHERE ticket_id IN (${oldTickets})`, d);
  await run(`DELETE FROM ticket_visit_steps WHERE ticket_id IN (${oldTickets})`, d);
  await run(`UPDATE counter_windows SET ticket_id = NULL WHERE ticket_id IN (${oldTickets})`, d);
  await run(`UPDATE counter_windows SET rating_ticket_id = NULL WHERE rating_ticket_id IN (${oldTickets})`, d);
  await run(`UPDATE appointments SET ticket_id = NULL WHERE ticket_id IN (${oldTickets})`, d);
  const ticketsDeleted = await run(`DELETE FROM tickets WHERE hall_id = ${h} AND day < $1`, d);
  // The days' waiting counts go with their tickets: their stripes (migration 24; waiting_counts is the view of their sums).
  await run(`DELETE FROM waiting_count_stripes WHERE hall_id = ${h} AND day < $1`, d);

  const ticketsMasked = await maskColumn(q, {
    table: 'tickets', hall: h, key: 'id', keyType: 'integer', column: 'holder_number', where: `hall_id = ${h} AND day < $1`,
    params: [c.maskTickets.day], unique: { scope: (t) => `${t}.status = 'waiting'`, columns: ['hall_id', 'day', 'category'] },
  });

  const oldAppointments = `SELECT id FROM appointments WHERE hall_id = ${h} AND day < $1`;
  const a = c.deleteAppointments.day;
  const linkedNoShowsDeleted = await run(`DELETE FROM no_shows WHERE appointment_id IN (${oldAppointments})`, a);
  await run(`UPDATE tickets SET appointment_id = NULL WHERE appointment_id IN (${oldAppointments})`, a);
  const appointmentsDeleted = await run(`DELETE FROM appointments WHERE hall_id = ${h} AND day < $1`, a);

  const appointmentsMasked = await maskColumn(q, {
    table: 'appointments', hall: h, key: 'id', keyType: 'integer', column: 'holder_number', where: `hall_id = ${h} AND day < $1`,
    params: [c.maskAppointments.day],
    unique: { scope: (t) => `${t}.status IN ('booked', 'checkedIn')`, columns: ['hall_id', 'service_id', 'day'] },
  });

  const noShowsDeleted = linkedNoShowsDeleted + await run(`DELETE FROM no_shows WHERE hall_id = ${h} AND day < $1`, c.deleteNoShows.day);

  const applicationsMasked = await maskColumn(q, {
    table: 'applications', hall: h, key: 'serial', keyType: 'text', column: 'applicant_number',
    where: `hall_id = ${h} AND status IN ('done', 'returned', 'rejected') AND updated_at < $1`, params: [c.maskClosedApplications.at],
  });

  // Kiosk intake (README "Applying at the kiosk (接件受理)"): the form data goes with the closed application.
  const closedIntakes = `SELECT serial FROM intake_applications i WHERE i.hall_id = ${h} AND i.decided_at IS NOT NULL
    AND i.decided_at < $1 AND (i.state IN ('returned', 'rejected') OR EXISTS (SELECT 1 FROM applications a
      WHERE a.hall_id = i.hall_id AND a.serial = i.serial AND a.status IN ('done', 'returned', 'rejected')))`;
  await maskColumn(q, {
    table: 'intake_commitments', hall: h, key: 'id', keyType: 'integer', column: 'applicant_number',
    where: `hall_id = ${h} AND serial IN (${closedIntakes})`, params: [c.maskClosedApplications.at],
  });
  const intakeFormsErased = await maskColumn(q, {
    table: 'intake_applications', hall: h, key: 'serial', keyType: 'text', column: 'applicant_number',
    where: `hall_id = ${h} AND serial IN (${closedIntakes})`, params: [c.maskClosedApplications.at],
  });
  await run(`UPDATE intake_applications SET form = '{}' WHERE hall_id = ${h} AND form <> '{}' AND serial IN (${closedIntakes})`,
    c.maskClosedApplications.at);

  // Result collection (README "Collecting results (领取结果)"): the post recipient, address and phone go with the closed
  // application, once the result was handed out, posted or issued.
  const finishedResults = `hall_id = ${h} AND state IN ('collected', 'posted', 'issued') AND finished_at < $1`;
  await run(`UPDATE result_collections SET recipient = NULL, address = NULL, phone = NULL WHERE ${finishedResults}
    AND (recipient IS NOT NULL OR address IS NOT NULL OR phone IS NOT NULL)`, c.maskClosedApplications.at);
  const resultAddressesErased = await maskColumn(q, {
    table: 'result_collections', hall: h, key: 'serial', keyType: 'text', column: 'applicant_number',
    where: finishedResults, params: [c.maskClosedApplications.at],
  });

  // Certificates: the number and the name together, in one statement (no unique index on either).
  const ended = (await q(`SELECT identifier, holder_number, holder_name FROM certificates
    WHERE hall_id = ${h} AND ((expires_on IS NOT NULL AND expires_on < $1) OR (revoked_at IS NOT NULL AND revoked_at < $2))
      AND strpos(holder_number, '*') = 0 ORDER BY identifier`, [c.maskEndedCertificates.day, c.maskEndedCertificates.at])).rows;
  const certificatesMasked = ended.length === 0 ? 0 : await run(`UPDATE certificates t SET holder_number = m.n, holder_name = m.name
    FROM unnest($1::text[], $2::text[], $3::text[]) AS m(identifier, n, name) WHERE t.hall_id = ${h} AND t.identifier = m.identifier`,
  ended.map((r) => r.identifier), ended.map((r) => maskIdNumber(String(r.holder_number))),
  ended.map((r) => maskHolderName(String(r.holder_name ?? ''))));

  const kioskRequestsDeleted = await run(`DELETE FROM kiosk_requests WHERE hall_id = ${h} AND applied_at < $1`,
    c.deleteKioskRequests.at);

  const accessAuditDeleted = await run(`DELETE FROM access_audit WHERE hall_id = ${h} AND at < $1`, c.deleteAccessAudit.at);

  // Result notices (README "Result notices (结果反馈)") go with the closed applications' masking.
  const noticesDeleted = await run(`DELETE FROM result_notices WHERE hall_id = ${h} AND created_at < $1`, c.maskClosedApplications.at);

  return {
    ticketsMasked, ticketsDeleted, appointmentsMasked, appointmentsDeleted, noShowsDeleted, applicationsMasked,
    intakeFormsErased, certificatesMasked, resultAddressesErased, kioskRequestsDeleted, accessAuditDeleted, noticesDeleted,
  };
}
