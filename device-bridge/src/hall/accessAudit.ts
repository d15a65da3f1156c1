/**
 * The access audit (等保 2.0 level 3, "access to personal data audited"): every read or change of a citizen's data,
 * by a kiosk or a staff member, appended to `access_audit` in the hall database (migration 6) with the masked number,
 * the function, the time and the result. Managers read it (api/accessAuditRoutes.ts), and reading it is audited too.
 *
 * Where it is fed, one place per channel: the local kiosk's command runner and card reads (api/kioskAudit.ts), the
 * hall's answers to linked kiosks (hallLink/auditedHallRequests.ts), the staff REST routes that show personal data
 * (api/staffAudit.ts).
 *
 * `record` never rejects: an audit that cannot be written is said at error level in the log (masked, like the
 * entry), and the caller goes on. The store masks whatever it is given (store/accessAuditRecords.ts).
 */
import type { AccessAuditEntry, AccessAuditPage, AuditFunction } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { AccessAuditQuery, AccessAuditRecord } from '../store/accessAuditRecords.ts';
import { auditNumber } from '../store/accessAuditRecords.ts';
import type { HallRepository } from '../store/hallStore.ts';
import { CSV_BOM, csvField } from './dashboardCsv.ts';
import type { HallClock } from './clock.ts';

export interface AuditActor {
  kind: 'kiosk' | 'staff';
  /** Kiosk id (the id the hall knows it by) or staff user name. */
  id: string;
  /** Staff role. */
  role?: string | null;
}

export interface AuditEvent {
  actor: AuditActor;
  function: AuditFunction;
  /** The citizen's number, full or masked: the store keeps the masked form only. */
  number?: string | null;
  result: 'success' | 'refused';
  code?: string | null;
  detail?: string | null;
}

export interface AuditFilter {
  day?: string;
  actor?: string;
  function?: string;
}

/** Rows in one CSV export at most (a day of a busy hall is a few thousand). */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export type AccessAuditStore = Pick<HallRepository, 'appendAccessAudit' | 'queryAccessAudit'>;

export class AccessAuditLog {
  private readonly log: Logger;

  constructor(private readonly store: AccessAuditStore, private readonly clock: HallClock, log: Logger) {
    this.log = log.child({ component: 'accessAudit' });
  }

  async record(e: AuditEvent): Promise<void> {
    try {
      await this.recordInto(this.store, e);
    } catch (err) {
      this.log.error({ err, actor: e.actor.id, function: e.function, number: auditNumber(e.number), result: e.result },
        'access audit entry could not be written');
    }
  }

  /**
   * The entry written through `store`, a transaction's (a linked kiosk's ticket and its audit entry committed together,
   * hallLink/hallRequests.ts): rejects when it cannot be written, so the transaction does not commit without it.
   */
  async recordInto(store: Pick<HallRepository, 'appendAccessAudit'>, e: AuditEvent): Promise<void> {
    const at = this.clock.now();
    await store.appendAccessAudit({
      at, day: this.clock.dayOf(at), actorKind: e.actor.kind, actor: e.actor.id, role: e.actor.role ?? null,
      function: e.function, maskedNumber: e.number ?? null, result: e.result, code: e.code ?? null, detail: e.detail ?? null,
    });
  }

  async page(filter: AuditFilter, page: number, pageSize: number): Promise<AccessAuditPage> {
    const slice = await this.store.queryAccessAudit({ ...clean(filter), limit: pageSize, offset: (page - 1) * pageSize });
    return { entries: slice.entries.map(entryOf), total: slice.total, page, pageSize };
  }

  /** The matching entries as CSV, UTF-8 with BOM and CRLF like the dashboard export (hall/dashboardCsv.ts). */
  async csv(filter: AuditFilter): Promise<string> {
    const q: AccessAuditQuery = { ...clean(filter), limit: AUDIT_EXPORT_MAX_ROWS, offset: 0 };
    const { entries } = await this.store.queryAccessAudit(q);
    const rows = [AUDIT_CSV_HEADER, ...entries.map((e) => [
      e.id, this.localTime(e.at), e.day, e.actorKind, e.actor, e.role,
      e.function, e.maskedNumber, e.result, e.code, e.detail,
    ])];
    return CSV_BOM + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
  }

  /** `YYYY-MM-DD HH:MM:SS` hall-local (China time), whatever the PC's zone. */
  private localTime(ms: number): string {
    return new Date(ms + this.clock.utcOffsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  }
}

export const AUDIT_CSV_HEADER = ['序号 id', '时间 time', '日期 day', '类型 actor kind', '操作者 actor', '角色 role', '功能 function',
  '证件号(脱敏) masked number', '结果 result', '代码 code', '说明 detail'];

function clean(f: AuditFilter): Omit<AccessAuditQuery, 'limit' | 'offset'> {
  return {
    ...(f.day ? { day: f.day } : {}),
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.function ? { function: f.function } : {}),
  };
}

function entryOf(r: AccessAuditRecord): AccessAuditEntry {
  return { ...r };
}
