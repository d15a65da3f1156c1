/**
 * The phone channel of a bridge that holds the hall database (README "The phone channel"): the hall's ticket
 * capabilities, the phone routes (ticket, and the phone session a kiosk hands off), and the queue changes that wake
 * the open streams.
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { CounterWorkflow } from '../hall/counterWorkflow.ts';
import { PhoneTicketReader } from '../hall/phoneTicket.ts';
import { APPOINTMENT_CODE_TAG, capabilityKeyOf, TicketCapabilities } from '../hall/ticketCapability.ts';
import type { HallStore } from '../store/hallStore.ts';
import type { KioskHall } from './kioskHall.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import { PhoneSessions, tokenHashOf, type PhoneSessionOptions } from '../hall/phoneSessions.ts';
import { PhoneRateLimiter } from './phoneLimits.ts';
import { phoneSessionRouter } from './phoneSessionRoutes.ts';
import { phoneRouter, type PhoneRefusalCounts } from './phoneRoutes.ts';

/** What the phone channel uses of the hall: the key, the store, the services the phone session reaches. */
export type PhoneChannelHall = Pick<KioskHall, 'keys' | 'store' | 'storeProblem' | 'clock' | 'appointments' | 'applications' | 'certificates' | 'intake'
  | 'onSessionEnd'>;

/** How often expired hand-offs and phone sessions are deleted. */
export const PHONE_SESSION_PURGE_MS = 60_000;

export class PhoneChannel {
  readonly capabilities: TicketCapabilities;
  /** The appointment codes printed on appointment slips and read by the kiosk's scanner (docs/mobile-codes.md). */
  readonly appointmentCodes: TicketCapabilities;
  readonly router: Router;
  /** Refused phone requests per reason since start. */
  readonly refusals: PhoneRefusalCounts;
  /** Kiosk hand-offs and phone sessions (hall/phoneSessions.ts), in the hall database. */
  readonly sessions: PhoneSessions;
  private readonly listeners = new Set<() => void>();
  private readonly stopRevoking: () => void;
  private readonly purging: ReturnType<typeof setInterval>;

  constructor(hall: PhoneChannelHall, hallId: string, log: Logger, opts: PhoneSessionOptions & { audit?: AccessAuditLog | null } = {}) {
    const key = capabilityKeyOf(hall.keys);
    this.capabilities = new TicketCapabilities(key, hallId);
    this.appointmentCodes = new TicketCapabilities(key, hallId, APPOINTMENT_CODE_TAG);
    // One limiter for the ticket and the session routes: an address's tries count together.
    const limits = new PhoneRateLimiter();
    let reader: { store: HallStore; reader: PhoneTicketReader } | null = null;
    const r = phoneRouter({
      reader: () => {
        const store = hall.store;
        if (!store || hall.storeProblem !== null) return null;
        if (reader?.store !== store) reader = { store, reader: new PhoneTicketReader(store, hall.clock) };
        return reader.reader;
      },
      capabilities: this.capabilities,
      today: () => hall.clock.today(),
      onQueueChange: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      limits,
      log,
    });
    this.refusals = r.refusals;
    const live = () => (hall.storeProblem === null ? hall.store : null);
    this.sessions = new PhoneSessions(live, () => hall.clock.now(), opts);
    // Bound to the kiosk session (hall-rules.md "One authentication"): a hand-off not scanned before it ends dies with it.
    this.stopRevoking = hall.onSessionEnd((e) => {
      this.sessions.revokeHandoffsOf(tokenHashOf(e.token)).catch((err: unknown) => log.warn({ err }, 'phone hand-offs of an ended session not revoked'));
    });
    // Expired rows go with their holder within a minute even when no hand-off comes (hall-rules.md "Privacy").
    this.purging = setInterval(() => {
      this.sessions.purge().catch((err: unknown) => log.warn({ err }, 'expired phone sessions not purged'));
    }, PHONE_SESSION_PURGE_MS);
    this.purging.unref();
    const sessionRouter = phoneSessionRouter({ sessions: this.sessions, hall, capabilities: this.capabilities, appointmentCodes: this.appointmentCodes, limits, refusals: r.refusals,
      audit: opts.audit ?? null, log });
    this.router = express.Router().use(r.router, sessionRouter);
  }

  /** Stops listening to the kiosk sessions and purging. */
  close(): void {
    this.stopRevoking();
    clearInterval(this.purging);
  }

  /** Wakes every open phone stream when the counter workflow calls or a window changes; returns unsubscribe. */
  watch(workflow: CounterWorkflow): () => void {
    const wake = () => {
      for (const l of this.listeners) l();
    };
    workflow.events.on('call', wake);
    workflow.events.on('window', wake);
    return () => {
      workflow.events.off('call', wake);
      workflow.events.off('window', wake);
    };
  }
}
