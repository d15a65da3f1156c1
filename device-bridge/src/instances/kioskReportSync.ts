/**
 * Linked kiosks' reports shared by the instances of a hall (README "Many instances"): a kiosk links to one instance
 * (one link per kiosk in the cluster), but a `/hall` dashboard may be connected to any. Each instance tells the others,
 * over the socket.io Redis adapter's server-side events, what its own linked kiosks report: a registration or change
 * (link state, devices) in full, a heartbeat as its time only; the others apply it to their registry
 * (api/kioskRegistry.ts `reportedElsewhere`, `heartbeatElsewhere`), so their dashboards raise and clear the same
 * alerts (paper out, device offline, heartbeat lost) instead of calling every kiosk of another instance lost.
 *
 * - Batched: the reports of one event-loop turn go out as one message (thousands of heartbeats a second at 10,000
 *   kiosks would otherwise be one Redis publish each).
 * - Whenever the bus (re)connects (start, end of a Redis outage) an instance asks for the full reports of every kiosk
 *   linked elsewhere and sends its own; each instance answers with its own.
 * - Order: a report applies only when it is of the newest link the instance knows for that kiosk (its registration
 *   time), so an old instance's late "disconnected" cannot undo the kiosk's new link elsewhere; a heartbeat applies
 *   only from the instance holding the kiosk's newest link.
 * - Trust: what arrives is checked with the link's own schemas (hallLink/linkSchemas.ts) and dropped when malformed;
 *   only kiosks of the hall config are known to the registry, and an unknown id is dropped.
 * - Redis down: nothing is shared (the adapter drops publishes); each dashboard goes on with its own kiosks, and the
 *   red banner says instances are out of sync (api/hallDashboard.ts).
 */
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { z } from 'zod';
import type { LinkedKioskInfo } from '@onedoor/protocol';
import type { KioskRegistry } from '../api/kioskRegistry.ts';
import { deviceStatusSchema } from '../hallLink/linkSchemas.ts';

export const KIOSK_REPORTS_EVENT = 'kioskReports';
export const KIOSK_REPORTS_WANTED_EVENT = 'kioskReportsWanted';
/** Reports in one message at most (a turn with more sends several). */
const REPORTS_PER_MESSAGE = 2_000;

const epochMs = z.number().int().min(0).max(8.64e15);
const reportSchema = z.union([
  z.object({
    kioskId: z.string().min(1).max(64), connected: z.boolean(), registeredAt: epochMs.nullable(), lastHeartbeat: epochMs.nullable(),
    devices: z.array(deviceStatusSchema).max(64),
  }).strict(),
  z.object({ kioskId: z.string().min(1).max(64), heartbeatAt: epochMs }).strict(),
]);
const messageSchema = z.object({ from: z.string().min(1).max(64), reports: z.array(reportSchema).max(REPORTS_PER_MESSAGE) }).strict();
type Report = z.infer<typeof reportSchema>;

export interface KioskReportSync {
  stop(): void;
}

/**
 * `onConnected`: runs its argument each time the message bus (re)connects (redisMessageBus.ts); the full reports are
 * asked for then, at start and after an outage during which news was dropped.
 */
export function shareKioskReports(io: Server, registry: KioskRegistry, instanceId: string, log: Logger,
  onConnected: (f: () => void) => void): KioskReportSync {
  const slog = log.child({ component: 'kioskReportSync' });
  /** Kiosk -> the instance holding its newest link ('' for this one) and that link's registration time. */
  const holder = new Map<string, { from: string; registeredAt: number | null }>();
  const pending = new Map<string, Report>();
  let flushing = false;
  /** True while applying another instance's report: the registry's events it causes are not sent back out. */
  let applying = false;

  const full = (k: LinkedKioskInfo): Report => ({
    kioskId: k.kioskId, connected: k.connected, registeredAt: k.registeredAt, lastHeartbeat: k.lastHeartbeat, devices: k.devices,
  });
  const queue = (r: Report) => {
    const before = pending.get(r.kioskId);
    // A full report already queued carries the heartbeat too.
    if ('heartbeatAt' in r && before && !('heartbeatAt' in before)) before.lastHeartbeat = r.heartbeatAt;
    else pending.set(r.kioskId, r);
    if (flushing) return;
    flushing = true;
    setImmediate(flush);
  };
  const send = (reports: Report[]) => {
    for (let i = 0; i < reports.length; i += REPORTS_PER_MESSAGE) {
      io.serverSideEmit(KIOSK_REPORTS_EVENT, { from: instanceId, reports: reports.slice(i, i + REPORTS_PER_MESSAGE) });
    }
  };
  function flush() {
    flushing = false;
    const reports = [...pending.values()];
    pending.clear();
    if (reports.length > 0) send(reports);
  }
  const ownLink = (kioskId: string) => holder.get(kioskId)?.from === '';

  /** The last full report of each kiosk held elsewhere: what its entry goes back to if a stale link here ends. */
  const lastElsewhere = new Map<string, { from: string; report: Report }>();
  const onChange = (k: LinkedKioskInfo) => {
    if (applying) return;
    // A link here that ended (a silent one taken over elsewhere, then cut) says nothing of the kiosk's newest link:
    // its entry goes back to what the instance holding that link last reported.
    const elsewhere = lastElsewhere.get(k.kioskId);
    if (!k.connected && elsewhere && holder.get(k.kioskId)?.from === elsewhere.from) {
      apply(elsewhere.from, elsewhere.report);
      return;
    }
    // This instance's own news of the kiosk: a registration here makes it the holder; a change of a kiosk held
    // here (devices, link dropped) goes out; a refusal counted here of a kiosk held elsewhere is not news.
    // (A registration here stamps a new registeredAt; a change with the other instance's stamp is its link's.)
    const held = holder.get(k.kioskId);
    if (k.connected && (!held || held.from === '' || (k.registeredAt ?? -1) > (held.registeredAt ?? -1))) {
      holder.set(k.kioskId, { from: '', registeredAt: k.registeredAt });
    }
    if (ownLink(k.kioskId)) queue(full(k));
  };
  const onHeartbeat = (kioskId: string, at: number) => {
    if (applying || !ownLink(kioskId)) return;
    queue({ kioskId, heartbeatAt: at });
  };
  registry.on('change', onChange);
  registry.on('heartbeat', onHeartbeat);

  const apply = (from: string, r: Report) => {
    if (!registry.get(r.kioskId)) return; // not a kiosk of this hall's config
    const held = holder.get(r.kioskId);
    applying = true;
    try {
      // Heard of now, by this hall's clock (kioskRegistry.ts): the instances' clocks may differ by seconds.
      if ('heartbeatAt' in r) {
        if (held?.from === from) registry.heartbeatElsewhere(r.kioskId);
        return;
      }
      // Only the newest link's news counts; an equal registration time is the same link.
      if (held && held.from !== from && (r.registeredAt ?? -1) <= (held.registeredAt ?? -1)) return;
      holder.set(r.kioskId, { from, registeredAt: r.registeredAt });
      lastElsewhere.set(r.kioskId, { from, report: r });
      registry.reportedElsewhere(r.kioskId, r);
    } finally {
      applying = false;
    }
  };
  const onReports = (raw: unknown) => {
    const m = messageSchema.safeParse(raw);
    if (!m.success) {
      slog.warn({ issue: m.error.issues[0]?.message }, 'kiosk reports from another instance dropped: malformed');
      return;
    }
    if (m.data.from === instanceId) return;
    for (const r of m.data.reports) apply(m.data.from, r);
  };
  const onWanted = () => {
    const mine = registry.list().filter((k) => ownLink(k.kioskId)).map(full);
    if (mine.length > 0) send(mine);
  };
  io.on(KIOSK_REPORTS_EVENT as never, onReports as never);
  io.on(KIOSK_REPORTS_WANTED_EVENT as never, onWanted as never);
  let stopped = false;
  onConnected(() => {
    if (stopped) return;
    io.serverSideEmit(KIOSK_REPORTS_WANTED_EVENT);
    // The others may have missed this instance's news too.
    onWanted();
  });
  return {
    stop: () => {
      stopped = true;
      registry.off('change', onChange);
      registry.off('heartbeat', onHeartbeat);
      io.off(KIOSK_REPORTS_EVENT as never, onReports as never);
      io.off(KIOSK_REPORTS_WANTED_EVENT as never, onWanted as never);
    },
  };
}
