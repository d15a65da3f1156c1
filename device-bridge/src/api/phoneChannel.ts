/**
 * The phone channel of a bridge that holds the hall database (README "The phone channel"): the hall's ticket
 * capabilities, the phone routes, and the queue changes that wake the open streams.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { CounterWorkflow } from '../hall/counterWorkflow.ts';
import { PhoneTicketReader } from '../hall/phoneTicket.ts';
import { APPOINTMENT_CODE_TAG, capabilityKeyOf, TicketCapabilities } from '../hall/ticketCapability.ts';
import type { HallStore } from '../store/hallStore.ts';
import type { KioskHall } from './kioskHall.ts';
import { phoneRouter, type PhoneRefusalCounts } from './phoneRoutes.ts';

export class PhoneChannel {
  readonly capabilities: TicketCapabilities;
  /** The appointment codes printed on appointment slips and read by the kiosk's scanner (docs/mobile-codes.md). */
  readonly appointmentCodes: TicketCapabilities;
  readonly router: Router;
  /** Refused phone requests per reason since start. */
  readonly refusals: PhoneRefusalCounts;
  private readonly listeners = new Set<() => void>();

  constructor(hall: Pick<KioskHall, 'keys' | 'store' | 'storeProblem' | 'clock'>, hallId: string, log: Logger) {
    const key = capabilityKeyOf(hall.keys);
    this.capabilities = new TicketCapabilities(key, hallId);
    this.appointmentCodes = new TicketCapabilities(key, hallId, APPOINTMENT_CODE_TAG);
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
      log,
    });
    this.router = r.router;
    this.refusals = r.refusals;
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
