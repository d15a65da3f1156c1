/**
 * The access audit of linked kiosks' requests, at the hall (hall/accessAudit.ts): given to the hall's request handler
 * (hallRequests.ts `audit`), so every answer to an op of one citizen is recorded with the id the hall knows the kiosk by
 * (from its link token, never from what the kiosk says), the op under the kiosk command's function name, the
 * citizen's number masked, and the outcome. A resend answered from the record is audited as `replayed`.
 */
import type { AuditFunction, KioskLinkAnswer, KioskLinkOp } from '@onedoor/protocol';
import type { AccessAuditLog, AuditEvent } from '../hall/accessAudit.ts';
import type { HallRepository } from '../store/hallStore.ts';
import type { LinkAudit } from './hallRequests.ts';

/** Link ops that read or change one citizen's data, named as the kiosk command that asks for them. */
export const LINK_AUDITED_OPS: Readonly<Partial<Record<KioskLinkOp, AuditFunction>>> = {
  'queue.take': 'queue.take',
  'appointments.upcoming': 'appointments.list',
  'appointments.checkIn': 'appointments.checkIn',
  'appointments.checkInByCode': 'appointments.checkIn',
  'appointments.book': 'appointments.book',
  'appointments.cancel': 'appointments.cancel',
  'certificates.list': 'certificates.list',
  'certificates.printCopy': 'certificates.print',
  'applications.list': 'applications.list',
  'applications.get': 'applications.progress',
  'notices.unread': 'notices.unread',
  'notices.ack': 'notices.ack',
  'results.offers': 'results.list',
  'results.collect': 'results.collect',
  'intake.start': 'intake.start',
  'intake.sign': 'intake.sign',
  'intake.submit': 'intake.submit',
  'intake.list': 'intake.list',
};

function maskedHolderOf(answer: KioskLinkAnswer): string | null {
  const m = answer.ok ? (answer.result as { ticket?: { maskedNumber?: unknown } } | null)?.ticket?.maskedNumber : null;
  return typeof m === 'string' ? m : null;
}

/** The entry of one answer to a kiosk's payload; null for an op that reads or changes no citizen's data. */
function linkAuditEvent(kioskId: string, payload: unknown, answer: KioskLinkAnswer): AuditEvent | null {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as { op?: unknown; citizen?: { number?: unknown } };
  const fn = typeof p.op === 'string' ? LINK_AUDITED_OPS[p.op as KioskLinkOp] : undefined;
  if (!fn) return null;
  // A check-in by code names no citizen: its holder is the ticket's (masked) in the answer.
  const number = typeof p.citizen?.number === 'string' ? p.citizen.number : maskedHolderOf(answer);
  const f = answer.ok ? null : answer.failure;
  return {
    actor: { kind: 'kiosk', id: kioskId },
    function: fn,
    number,
    result: answer.ok ? 'success' : 'refused',
    code: f ? (f.kind === 'rule' ? f.code : f.kind) : null,
    detail: answer.replayed ? 'replayed' : null,
  };
}

/**
 * The audit of one answer, for hallRequests.ts's `audit` option (it calls this once per call, for an applied request
 * in the same turn as the request's record, so the store writes both in one statement); `into`: the same entry
 * through a transaction's repository (a linked kiosk's ticket, written with its COMMIT).
 */
export function linkAudit(audit: AccessAuditLog): LinkAudit {
  const record = async (kioskId: string, payload: unknown, answer: KioskLinkAnswer) => {
    const e = linkAuditEvent(kioskId, payload, answer);
    if (e) await audit.record(e);
  };
  return Object.assign(record, {
    into: async (repo: Pick<HallRepository, 'appendAccessAudit'>, kioskId: string, payload: unknown, answer: KioskLinkAnswer) => {
      const e = linkAuditEvent(kioskId, payload, answer);
      if (e) await audit.recordInto(repo, e);
    },
  });
}
