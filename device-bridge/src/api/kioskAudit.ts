/**
 * The access audit of a kiosk served by this bridge's own hall database (hall/accessAudit.ts): the one wrapper
 * around the `/kiosk` command runner and the one call at a card read, so no citizen function is missed. The commands
 * that read or change a citizen's data are listed here; the others (timers, categories, free slots, guidance) name
 * nobody and are not audited. The number is the session's masked one, taken before the command runs (a logout or a
 * timeout may end the session during it).
 */
import type { AuditFunction, KioskCommandName, KioskCompletion } from '@onedoor/protocol';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import type { SessionManager, SessionStartResult } from '../hall/session.ts';

/** Audited `/kiosk` commands and the audit function each is recorded as. */
export const KIOSK_AUDITED_COMMANDS: Readonly<Partial<Record<KioskCommandName, AuditFunction>>> = {
  'queue.take': 'queue.take',
  'appointments.list': 'appointments.list',
  'appointments.checkIn': 'appointments.checkIn',
  'appointments.book': 'appointments.book',
  'appointments.cancel': 'appointments.cancel',
  'certificates.list': 'certificates.list',
  'certificates.print': 'certificates.print',
  'applications.list': 'applications.list',
  'print.progress': 'applications.progress',
  'print.appointmentSlip': 'appointments.slip',
  'intake.start': 'intake.start',
  'intake.sign': 'intake.sign',
  'intake.submit': 'intake.submit',
  'intake.list': 'intake.list',
  'notices.unread': 'notices.unread',
  'notices.ack': 'notices.ack',
  'results.list': 'results.list',
  'results.collect': 'results.collect',
};

export interface KioskAuditOptions {
  log: AccessAuditLog;
  /** The id the hall knows this kiosk by (the dashboard's: kiosk-1, or `hall` for a hall's own devices). */
  kioskId: string;
}

type Runner = (payload: unknown) => Promise<KioskCompletion>;

/** `run` with every audited command recorded (result and refusal code) before its completion goes back. */
export function auditKioskCommands(run: Runner, sessions: Pick<SessionManager, 'view'>, o: KioskAuditOptions): Runner {
  return async (payload) => {
    const p = (typeof payload === 'object' && payload !== null ? payload : {}) as { command?: unknown; token?: unknown };
    const fn = typeof p.command === 'string' ? KIOSK_AUDITED_COMMANDS[p.command as KioskCommandName] : undefined;
    if (!fn) return run(payload);
    const session = typeof p.token === 'string' ? sessions.view(p.token) : undefined;
    const c = await run(payload);
    await o.log.record({
      actor: { kind: 'kiosk', id: o.kioskId },
      function: fn,
      number: session?.maskedNumber ?? null,
      result: c.code === 'success' ? 'success' : 'refused',
      code: c.code === 'success' ? null : (c.refusal?.code ?? c.code),
      detail: session ? `reader=${session.kioskId}` : null,
    });
    return c;
  };
}

/** A card read at `readerId`: a session started (success) or a card refused (expired, check character...). */
export function auditSessionStart(o: KioskAuditOptions, readerId: string, started: SessionStartResult): Promise<void> {
  return o.log.record({
    actor: { kind: 'kiosk', id: o.kioskId },
    function: 'session.start',
    number: started.ok ? started.session.maskedNumber : started.maskedNumber,
    result: started.ok ? 'success' : 'refused',
    code: started.ok ? null : started.reason,
    detail: `reader=${readerId}`,
  });
}
