/**
 * The kiosk's hall functions when the kiosk is linked to a hall (README "Several kiosks, one
 * hall"): the same `KioskHall` the /kiosk commands use (api/kioskHall.ts), with sessions kept here
 * (the card is read here and the holder never leaves this bridge except as the citizen key of a
 * request) and every service method asked of the hall over the link. The hall's answers come back
 * as what the local services would have thrown:
 * - a rule's refusal -> `HallRuleError` (the kiosk shows its words);
 * - the hall's database down, or the link down -> an Error the kiosk answers with deviceNotReady "暂停服务";
 * - a bad request -> a plain Error (invalidRequest).
 */
import type { CertificateVerifyAnswer, DashboardIntake, KioskFinder, KioskLinkOp, KioskResultOffer } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { KioskHall, KioskHallOptions, SessionEnd } from '../api/kioskHall.ts';
import type { CodeCheckInAtHall } from '../api/scannedAppointments.ts';
import type { AppointmentView, CheckInResult, SlotView } from '../hall/appointments.ts';
import type { ApplicationView } from '../hall/applications.ts';
import type { CertificateCopy, CertificateView } from '../hall/certificates.ts';
import type { ResultNoticeView } from '../hall/notify/resultNotices.ts';
import type { Citizen } from '../hall/citizen.ts';
import { HallClock } from '../hall/clock.ts';
import { tokenHashOf } from '../hall/phoneSessions.ts';
import { HallRuleError, type HallRuleCode } from '../hall/errors.ts';
import { IntakeFormRefused } from '../hall/intake.ts';
import type { DepartmentGuide, ServiceGuide } from '../hall/guidance.ts';
import type { TicketFlags, TicketView } from '../hall/queue.ts';
import { DEFAULT_RESULTS_CONFIG } from '../hall/resultConfig.ts';
import type { CollectOutcome, CollectRequest } from '../hall/resultCollection.ts';
import { SessionManager } from '../hall/session.ts';
import { loadOrCreateHallKeys, type CertificatePayloadVerdict } from '../hall/signing.ts';
import type { HallDay, PrintLogRecord, QueueCategoryRecord } from '../store/hallStore.ts';
import { HallLinkAnswerError, type HallLinkClient } from './hallLinkClient.ts';
import { linkedIntake, type LinkAsk } from './linkedIntake.ts';

export function linkedKioskHall(link: Pick<HallLinkClient, 'request'>, dataDir: string, log: Logger, opts: KioskHallOptions = {}): KioskHall {
  const clock = opts.clock ?? new HallClock();
  const endListeners = new Set<(ended: SessionEnd) => void>();
  const sessions = new SessionManager({ clock, ...opts.session, onEnd: (e) => endListeners.forEach((l) => l(e)) });

  const ask: LinkAsk = async <T>(op: KioskLinkOp, citizen: Citizen | null, ...args: unknown[]): Promise<T> => {
    try {
      return (await link.request(op, citizen, args)) as T;
    } catch (err) {
      if (!(err instanceof HallLinkAnswerError)) throw err;
      const f = err.answer.failure;
      if (f.kind === 'rule') throw f.fields ? new IntakeFormRefused(f.fields) : new HallRuleError(f.code as HallRuleCode, f.zh, f.en);
      if (f.kind === 'paused') throw new Error(`hall store unavailable at the hall: ${f.message}`);
      throw new Error(f.message);
    }
  };

  // Kiosk sessions that handed off to a phone: when one ends, its hand-offs not yet scanned are revoked at the hall.
  const handedOff = new Set<string>();
  endListeners.add((e) => {
    const origin = tokenHashOf(e.token);
    if (!handedOff.delete(origin)) return;
    ask<number>('phone.revokeHandoffs', null, origin).catch((err: unknown) => log.warn({ err }, 'phone hand-offs of an ended session not revoked at the hall'));
  });

  // A session's signed commitments wait at the hall until the submit; its end tells the hall to forget them.
  const applying = linkedIntake(ask);
  endListeners.add((e) => {
    applying.forgetSession(e.token).catch((err: unknown) => log.warn({ err }, 'signed commitments of an ended session not forgotten at the hall'));
  });

  log.info('hall functions served by the hall over the kiosk link');
  return {
    store: null,
    clock,
    // Unused on a linked kiosk (the hall signs certificate copies); kept so the kiosk's data dir looks like any bridge's.
    keys: loadOrCreateHallKeys(dataDir),
    sessions,
    records: {
      listQueueCategories: () => ask<QueueCategoryRecord[]>('queue.categories', null),
      addPrintLog: (entry: Omit<PrintLogRecord, 'id'>) => ask<PrintLogRecord>('printLog.add', null, entry),
    },
    queue: {
      takeTicket: (c: Citizen | null, category: string, flags: TicketFlags = {}, also: readonly string[] = []) => {
        if (!c) return Promise.reject(new Error('queue.take over the hall link needs the citizen'));
        if (flags.disabled || flags.pregnant) return Promise.reject(new Error('green-channel flags are set at the hall, not over the kiosk link'));
        return also.length > 0 ? ask<TicketView>('queue.take', c, category, [...also]) : ask<TicketView>('queue.take', c, category);
      },
    },
    appointments: {
      upcoming: (c: Citizen) => ask<AppointmentView[]>('appointments.upcoming', c),
      checkIn: (c: Citizen, id: number) => ask<CheckInResult>('appointments.checkIn', c, id),
      bookableDays: () => ask<HallDay[]>('appointments.bookableDays', null),
      slots: (serviceId: string, day: HallDay) => ask<SlotView[]>('appointments.slots', null, serviceId, day),
      book: (c: Citizen, slotId: number) => ask<AppointmentView>('appointments.book', c, slotId),
      cancel: (c: Citizen, id: number) => ask<AppointmentView>('appointments.cancel', c, id),
    },
    phoneLink: {
      ticketCapability: (t) => ask<string>('phone.ticketCapability', null, t.id, t.day),
      handOff: async (c, origin) => {
        handedOff.add(origin);
        return ask<{ token: string; expiresAt: number }>('phone.handoff', c, origin);
      },
      checkInByCode: (code) => ask<CodeCheckInAtHall>('appointments.checkInByCode', null, code),
    },
    certificates: {
      list: (c: Citizen) => ask<CertificateView[]>('certificates.list', c),
      printCopy: (c: Citizen, identifier: string) => ask<CertificateCopy>('certificates.printCopy', c, identifier),
      verifyCertificatePayload: (payload: string) => ask<CertificatePayloadVerdict>('certificates.verify', null, payload),
      // The hall holds the key and the library: the whole answer comes from there (api/certificateVerifyAnswer.ts).
      verifyCopy: (payload: string) => ask<CertificateVerifyAnswer>('certificates.verifyCopy', null, payload),
    },
    applications: {
      listOf: (c: Citizen) => ask<ApplicationView[]>('applications.list', c),
      get: (c: Citizen, serial: string) => ask<ApplicationView>('applications.get', c, serial),
    },
    notices: {
      unreadOf: (c: Citizen) => ask<ResultNoticeView[]>('notices.unread', c),
      acknowledge: (c: Citizen, ids: readonly number[]) => ask<{ marked: number }>('notices.ack', c, [...ids]),
    },
    results: {
      offers: (c: Citizen) => ask<KioskResultOffer[]>('results.offers', c),
      collect: (r: CollectRequest) => ask<CollectOutcome>('results.collect', r.citizen, r.serial, r.mode, r.address ?? null, r.phone ?? null),
      // The hall's pickup category is not told over the link: this kiosk's own config names it (the same default R).
      pickupCategory: opts.results?.pickupCategory ?? DEFAULT_RESULTS_CONFIG.pickupCategory,
    },
    guidance: {
      departments: () => ask<DepartmentGuide[]>('guidance.departments', null),
      servicesOf: (departmentId: number) => ask<ServiceGuide[]>('guidance.servicesOf', null, departmentId),
      finder: () => ask<KioskFinder>('guidance.finder', null),
    },
    // Applying at the kiosk (README "Applying at the kiosk (接件受理)"): the card is checked here, the rest at the hall.
    applying,
    // Intake paused or closed at the hall (README "Running the hall floor"): the kiosk screen asks its own bridge.
    intakeState: { current: () => ask<DashboardIntake>('intake.state', null) },
    storeProblem: null,
    onSessionEnd(l) {
      endListeners.add(l);
      return () => endListeners.delete(l);
    },
    close: async () => {
      sessions.endAll();
    },
  };
}
