/**
 * Check-in by the appointment code on the slip (docs/mobile-codes.md), read by the kiosk's scanner: the code names
 * the appointment (its MAC checked with the hall's key), the appointment names its holder, and the check-in runs as
 * the kiosk's check-in command does, for that holder, with the same rules (hall-rules.md: window, day, status); the
 * ticket is printed with its phone QR. Refusals come back in the rule's words.
 *
 * Where the hall's key and database are here, all of it runs here; a kiosk linked to a hall (README "Several kiosks,
 * one hall") sends the code to the hall (`appointments.checkInByCode`, hallLink/hallRequests.ts), which runs
 * `checkInWithCode` and answers the ticket and its phone capability; the kiosk prints.
 */
import type { KioskPrintOutcome, KioskRefusal } from '@onedoor/protocol';
import { HallRuleError } from '../hall/errors.ts';
import type { Citizen } from '../hall/citizen.ts';
import type { TicketView } from '../hall/queue.ts';
import type { TicketCapabilities } from '../hall/ticketCapability.ts';
import type { KioskHall } from './kioskHall.ts';
import { SERVICE_PAUSED } from './kioskCommands.ts';

export type CodeCheckIn = { ok: true; ticket: TicketView; print: KioskPrintOutcome } | { ok: false; refusal: KioskRefusal };

/** What the hall answers a linked kiosk's check-in by code: the ticket, and its phone capability made with the hall's key. */
export interface CodeCheckInAtHall {
  ticket: TicketView;
  capability: string | null;
}

const noSuchAppointment = () => new HallRuleError('unknownAppointment', '未找到该预约，请刷身份证签到', 'No such appointment; please check in with your ID card');

/** Why a code was refused before any appointment was looked at. */
export const APPOINTMENT_CODE_WORDS: Record<'malformed' | 'unknown' | 'otherDay', { zh: string; en: string }> = {
  malformed: { zh: '签到码无法识别，请刷身份证签到', en: 'The check-in code cannot be read; please check in with your ID card' },
  unknown: { zh: '签到码无效：不是本大厅的预约凭条，或已被改动', en: 'The check-in code is not valid: not a slip of this hall, or altered' },
  otherDay: { zh: '该预约不在今天，请当天前来签到', en: 'This appointment is not today; please come on its day' },
};

/** The birth date in a resident ID number (digits 7-14), which the elderly priority needs. */
function birthDateOf(number: string): string {
  const d = number.slice(6, 14);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

/** Checks the appointment in for its holder; throws the hall rule's refusal (HallRuleError) or a store failure. */
export async function checkInAppointment(hall: Pick<KioskHall, 'store' | 'appointments'>, appointmentId: number): Promise<TicketView> {
  if (!hall.store || !hall.appointments) throw new Error(SERVICE_PAUSED.en);
  const a = await hall.store.getAppointment(appointmentId);
  if (!a || !/^\d{17}[\dX]$/.test(a.holderNumber)) throw noSuchAppointment();
  const citizen: Citizen = { number: a.holderNumber, name: '', birthDate: birthDateOf(a.holderNumber) };
  return (await hall.appointments.checkIn(citizen, appointmentId)).ticket;
}

/** The hall's side of a check-in by code: the code checked with the hall's key and day, then `checkInAppointment`. */
export async function checkInWithCode(hall: Pick<KioskHall, 'store' | 'appointments' | 'clock'>, codes: TicketCapabilities, code: string): Promise<TicketView> {
  const check = codes.check(code, hall.clock.today());
  if (!check.ok) {
    const words = APPOINTMENT_CODE_WORDS[check.reason];
    throw new HallRuleError('appointmentCode', words.zh, words.en);
  }
  return checkInAppointment(hall, check.ticketId);
}

/** `checkInWithCode` and the ticket's phone capability: where the hall's key is (here, or the hall for a linked kiosk). */
export async function checkInWithCodeAtHall(hall: Pick<KioskHall, 'store' | 'appointments' | 'clock'>,
  keys: { appointmentCodes: TicketCapabilities; capabilities: TicketCapabilities }, code: string): Promise<CodeCheckInAtHall> {
  const ticket = await checkInWithCode(hall, keys.appointmentCodes, code);
  return { ticket, capability: keys.capabilities.issue(ticket) };
}

/** Runs a check-in and prints its ticket; a refusal in words (a rule's, or 暂停服务 when the database is away). */
export async function checkInAndPrint(checkIn: () => Promise<CodeCheckInAtHall>,
  print: (ticket: TicketView, capability: string | null) => Promise<KioskPrintOutcome>): Promise<CodeCheckIn> {
  try {
    const { ticket, capability } = await checkIn();
    return { ok: true, ticket, print: await print(ticket, capability) };
  } catch (err) {
    if (err instanceof HallRuleError) return { ok: false, refusal: { code: err.code, zh: err.zh, en: err.en } };
    return { ok: false, refusal: SERVICE_PAUSED };
  }
}
