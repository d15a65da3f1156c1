/**
 * Prometheus metrics of one bridge (README "Monitoring"), served as `GET /metrics` to the `metricsToken` role only
 * (auth/accessTable.ts; `Authorization: Bearer <tokens.metrics>`).
 *
 * Counts and states only: no ID number, no name, no ticket number is ever a label or a value (hall-rules.md
 * "Privacy"). Labels are device ids and kinds, action names the drivers offer, queue category letters and kiosk ids
 * from the config, so the number of series is bounded by the configuration.
 *
 * What is read at scrape time (`collect`): device states and reconnect counts (the drivers' statuses), tickets of the
 * hall day (one query of today's tickets, on a bridge that owns the hall database), the link of every configured
 * kiosk (the registry of hallLink/kioskLinkServer.ts), the outcomes of codes read by the kiosk's QR scanner
 * (api/scannedCodes.ts: sign-ins, check-ins, certificate verdicts, refusals). What is counted as it happens: device command latencies
 * (DeviceSet `commandDone`) and print job transitions (the printers' job updates). Node's default metrics come with
 * it, among them the event loop lag (`onedoor_nodejs_eventloop_lag_seconds`).
 */
import { Router } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DEVICE_STATES, type PrintJobUpdate } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { DeviceCommandDone, DeviceSet } from '../devices/deviceSet.ts';
import type { HallStore } from '../store/hallStore.ts';
import type { KioskRegistry } from './kioskRegistry.ts';

export const METRICS_PATH = '/metrics';
const PREFIX = 'onedoor_';

export interface BridgeMetricsOptions {
  devices: DeviceSet;
  /** The hall database this bridge owns, or null (a linked kiosk, or the database is unavailable). */
  store: () => HallStore | null;
  /** The hall day (`YYYY-MM-DD`, hall time zone) the ticket figures are for. */
  today: () => string;
  /** On a hall serving kiosks: their registry (link up/down per configured kiosk). */
  kiosks?: () => KioskRegistry | null;
  /** The kiosk's scanned-code outcomes so far (api/scannedCodes.ts `counts`); null before they are attached. */
  scanOutcomes?: () => Readonly<Record<string, number>> | null;
  log?: Logger;
}

export interface BridgeMetrics {
  registry: Registry;
  router: Router;
  /** Stop listening to the devices. */
  close(): void;
}

/** Anything with the printers' `onJobUpdate` (the receipt printer and the A4 document printer both have it). */
interface JobUpdates {
  onJobUpdate(listener: (u: PrintJobUpdate) => void): () => void;
}
const hasJobUpdates = (d: unknown): d is JobUpdates => typeof (d as Partial<JobUpdates>).onJobUpdate === 'function';

export function createBridgeMetrics(o: BridgeMetricsOptions): BridgeMetrics {
  // One registry per bridge: tests (and a hall with its own devices) run several bridges in one process.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });

  new Gauge({
    name: `${PREFIX}device_state`,
    help: 'Device state: 1 for the state the device is in, 0 for the others',
    labelNames: ['device', 'kind', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of o.devices.statuses()) {
        for (const state of DEVICE_STATES) this.set({ device: s.id, kind: s.kind, state }, s.state === state ? 1 : 0);
      }
    },
  });

  new Counter({
    name: `${PREFIX}scanned_codes_total`,
    help: 'Codes read by the kiosk\'s QR scanner, by what they did (signedIn, checkedIn, certificateValid, certificateForged, notIdentityCode, ...)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      // The handler keeps the count per outcome (a fixed list); the counter mirrors it at each scrape.
      this.reset();
      for (const [outcome, n] of Object.entries(o.scanOutcomes?.() ?? {})) this.inc({ outcome }, n);
    },
  });

  new Counter({
    name: `${PREFIX}device_reconnects_total`,
    help: 'Times the device link came back after it was lost, since the bridge started',
    labelNames: ['device', 'kind'] as const,
    registers: [registry],
    collect() {
      // The drivers keep the count (devices/actor.ts); the counter mirrors it at each scrape.
      this.reset();
      for (const s of o.devices.statuses()) this.inc({ device: s.id, kind: s.kind }, s.counters?.reconnects ?? 0);
    },
  });

  const latency = new Histogram({
    name: `${PREFIX}device_command_duration_seconds`,
    help: 'Device commands from the API, from the call to its completion, by device kind, action and completion code',
    labelNames: ['kind', 'action', 'code'] as const,
    // Reader polls take tens of ms, a ticket a second or two, an A4 copy up to a minute.
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const onCommand = (c: DeviceCommandDone) => latency.observe({ kind: c.kind, action: c.action, code: c.code }, c.seconds);
  o.devices.on('commandDone', onCommand);

  const printJobs = new Counter({
    name: `${PREFIX}print_jobs_total`,
    help: 'Print jobs entering each state (queued, printing, interrupted, reprinting, confirmed, failed, canceled)',
    labelNames: ['device', 'state'] as const,
    registers: [registry],
  });
  const offJobs: Array<() => void> = [];
  for (const d of o.devices.list()) {
    if (hasJobUpdates(d)) offJobs.push(d.onJobUpdate((u) => printJobs.inc({ device: u.deviceId, state: u.state })));
  }

  const ticketGauge = (name: string, help: string) => new Gauge({ name: `${PREFIX}${name}`, help, labelNames: ['category'] as const, registers: [registry] });
  const issued = ticketGauge('tickets_issued_today', 'Tickets issued this hall day, by queue category');
  const waiting = ticketGauge('tickets_waiting', 'Tickets waiting to be called now, by queue category');
  const storeUp = new Gauge({
    name: `${PREFIX}hall_store_up`,
    help: 'The hall database answered the ticket query of this scrape (1), or not (0); absent where this bridge has none',
    registers: [registry],
  });
  // One query of today's tickets per scrape, run before the registry is read (prom-client reads its metrics
  // concurrently, so the three gauges cannot share a query from inside their own collect()).
  const refreshHall = async () => {
    const store = o.store();
    issued.reset();
    waiting.reset();
    storeUp.reset();
    if (!store) return;
    try {
      const [categories, tickets] = await Promise.all([store.listQueueCategories(), store.listTickets(o.today())]);
      for (const c of categories) {
        issued.set({ category: c.letter }, 0);
        waiting.set({ category: c.letter }, 0);
      }
      for (const t of tickets) {
        issued.inc({ category: t.category });
        if (t.status === 'waiting') waiting.inc({ category: t.category });
      }
      storeUp.set(1);
    } catch (err) {
      o.log?.warn({ err }, 'metrics: the hall database did not answer');
      storeUp.set(0);
    }
  };

  new Gauge({
    name: `${PREFIX}kiosk_link_up`,
    help: 'Link of each configured kiosk to this hall: 1 connected, 0 not',
    labelNames: ['kiosk'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const k of o.kiosks?.()?.list() ?? []) this.set({ kiosk: k.kioskId }, k.connected ? 1 : 0);
    },
  });

  const router = Router();
  router.get(METRICS_PATH, async (_req, res) => {
    await refreshHall();
    const body = await registry.metrics();
    res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(body);
  });

  return {
    registry,
    router,
    close() {
      o.devices.off('commandDone', onCommand);
      for (const off of offJobs.splice(0)) off();
    },
  };
}
