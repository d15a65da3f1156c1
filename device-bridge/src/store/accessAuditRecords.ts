/**
 * Records of the access audit (migration 6, `access_audit`) and the rule that keeps full numbers out of it
 * (hall-rules.md "Privacy": logs hold the masked form only). `auditSafeEntry` runs inside the store's append, so no
 * caller can bypass it: a number that is not already masked is masked here, any run of 15+ digits (an ID number)
 * in a text field is masked too, and every text is capped in length. The table's CHECKs refuse what slips past.
 */
import { maskIdNumber } from '@onedoor/protocol';
import type { HallDay } from './hallStore.ts';

export interface AccessAuditRecord {
  id: number;
  at: number;
  day: HallDay;
  actorKind: 'kiosk' | 'staff';
  actor: string;
  role: string | null;
  function: string;
  maskedNumber: string | null;
  result: 'success' | 'refused';
  code: string | null;
  detail: string | null;
}

export type NewAccessAuditRecord = Omit<AccessAuditRecord, 'id'>;

export interface AccessAuditQuery {
  day?: HallDay;
  /** Kiosk id or staff user name. */
  actor?: string;
  function?: string;
  limit: number;
  offset: number;
}

export interface AccessAuditSlice {
  /** Newest first. */
  entries: AccessAuditRecord[];
  total: number;
}

/** Already in the masked form: has its stars and shows no run of 5 digits (a full or half-hidden number does). */
export function looksMasked(s: string): boolean {
  return s.includes('*') && !/\d{5}/.test(s);
}

/** The number as the audit may hold it: masked (hall-rules.md), or null. */
export function auditNumber(n: string | null | undefined): string | null {
  if (n === null || n === undefined || n === '') return null;
  const s = String(n).slice(0, 64);
  return looksMasked(s) ? s : maskIdNumber(s);
}

const ID_RUN = /[0-9]{14,}[0-9Xx]/g;

/** A free text field: capped, with anything shaped like an ID number masked. */
export function auditText(s: string | null | undefined, max: number): string | null {
  if (s === null || s === undefined) return null;
  return String(s).slice(0, max).replace(ID_RUN, (m) => maskIdNumber(m));
}

export function auditSafeEntry(e: NewAccessAuditRecord): NewAccessAuditRecord {
  return {
    at: e.at,
    day: e.day,
    actorKind: e.actorKind,
    actor: auditText(e.actor, 64) ?? '',
    role: auditText(e.role, 32),
    function: auditText(e.function, 64) ?? '',
    maskedNumber: auditNumber(e.maskedNumber),
    result: e.result,
    code: auditText(e.code, 64),
    detail: auditText(e.detail, 200),
  };
}
