/**
 * Check-in by the appointment code on the slip (docs/mobile-codes.md), read by the kiosk's scanner: the code names
 * the appointment (its MAC checked already), the appointment names its holder, and the check-in runs as the kiosk's
 * check-in command does, for that holder, with the same rules (hall-rules.md: window, day, status); the ticket is
 * printed with its phone QR. Refusals come back in the rule's words.
 */
import type { KioskPrintOutcome, KioskRefusal } from '@onedoor/protocol';
import { HallRuleError } from '../hall/errors.ts';
import type { Citizen } from '../hall/citizen.ts';
import type { TicketView } from '../hall/queue.ts';
import type { KioskHall } from './kioskHall.ts';
import { SERVICE_PAUSED } from './kioskCommands.ts';

export type CodeCheckIn = { ok: true; ticket: TicketView; print: KioskPrintOutcome } | { ok: false; refusal: KioskRefusal };

const NO_SUCH_APPOINTMENT: KioskRefusal = { code: 'unknownAppointment', zh: '未找到该预约，请刷身份证签到', en: 'No such appointment; please check in with your ID card' };

/** The birth date in a resident ID number (digits 7-14), which the elderly priority needs. */
function birthDateOf(number: string): string {
  const d = number.slice(6, 14);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

export async function checkInByCode(hall: Pick<KioskHall, 'store' | 'appointments'>, appointmentId: number,
  print: (ticket: TicketView) => Promise<KioskPrintOutcome>): Promise<CodeCheckIn> {
  if (!hall.store || !hall.appointments) return { ok: false, refusal: SERVICE_PAUSED };
  try {
    const a = await hall.store.getAppointment(appointmentId);
    if (!a || !/^\d{17}[\dX]$/.test(a.holderNumber)) return { ok: false, refusal: NO_SUCH_APPOINTMENT };
    const citizen: Citizen = { number: a.holderNumber, name: '', birthDate: birthDateOf(a.holderNumber) };
    const r = await hall.appointments.checkIn(citizen, appointmentId);
    return { ok: true, ticket: r.ticket, print: await print(r.ticket) };
  } catch (err) {
    if (err instanceof HallRuleError) return { ok: false, refusal: { code: err.code, zh: err.zh, en: err.en } };
    return { ok: false, refusal: SERVICE_PAUSED };
  }
}
