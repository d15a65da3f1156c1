/**
 * Manager dashboard alert rules (README "For managers: the dashboard", alerts: paper low/out, a
 * device offline longer than 30 s, SAM faults, a kiosk heartbeat lost; raised and cleared live).
 * Pure: a kiosk report (its devices' last statuses and its last heartbeat) and a clock in, the
 * active alerts out. `AlertBoard` keeps when each alert was raised and says whether the set
 * changed, so the API sends `hallAlerts` only then.
 *
 * - paperOut (critical) / paperLow (warning): a printer's `paper` in its status; a paper-out status raises at once.
 * - deviceOffline (critical): `state === 'offline'` for longer than `offlineMs` (30 s) since its `since`; a port
 *   that comes back within that is no alert (reconnects are normal). AlertBoard counts from the first `offline`
 *   until the device is up again: a port that opens but whose device never answers flips offline -> starting ->
 *   offline every retry (devices/driver.ts handleOpen), which resets `since` each time.
 * - samFault (critical): the ID reader in `hardwareError` (id-reader-sam.md: SAM self-test failed / not
 *   authorised); other devices in `hardwareError` raise deviceFault.
 * - terminalOffline (warning): a counter terminal offline longer than `offlineMs`.
 * - heartbeatLost (critical): a kiosk's last heartbeat older than `heartbeatMs`; its device alerts are then stale
 *   and are not raised.
 * - duplicateKioskLink (critical): a connection with a linked kiosk's token was refused while its link was alive
 *   (a copied token or a second bridge with it), within the last `duplicateLinkMs` (10 min).
 */
import {
  DEVICE_OFFLINE_ALERT_MS, KIOSK_DUPLICATE_LINK_ALERT_MS, KIOSK_HEARTBEAT_ALERT_MS, type DashboardDevice, type DashboardKiosk, type DeviceStatus,
  type HallAlert, type HallAlertKind, type HallAlertSeverity, type KioskLinkRefusals,
} from '@onedoor/protocol';

/** What the dashboard knows of one kiosk: the local bridge, or a kiosk linked to the hall. */
export interface KioskReport {
  kioskId: string;
  name: string;
  local: boolean;
  /** Epoch ms of its last heartbeat; null when never heard from since the hall started. */
  lastHeartbeat: number | null;
  devices: readonly DeviceStatus[];
  /** Linked kiosks: the link is up now. */
  linked?: boolean;
  /** Linked kiosks: what the hall refused of it since it started. */
  refusals?: KioskLinkRefusals;
  /** Linked kiosks: epoch ms of the last connection with its token refused while its link was alive. */
  lastDuplicateLinkAt?: number | null;
}

export interface AlertRuleOptions {
  offlineMs?: number;
  heartbeatMs?: number;
  duplicateLinkMs?: number;
}

export type AlertCandidate = Omit<HallAlert, 'raisedAt'>;

/** What one evaluation raised and cleared; `changed` when either. */
export interface AlertChanges {
  changed: boolean;
  raised: HallAlert[];
  cleared: HallAlert[];
}

/** DueTimes' slot for the kiosks' next alert changes: a take looks at one slot's keys that are not due yet, at most. */
const DUE_SLOT_MS = 1000;

function alert(kioskId: string, deviceId: string | null, kind: HallAlertKind, severity: HallAlertSeverity, message: string, unit?: number): AlertCandidate {
  const where = deviceId === null ? kioskId : `${kioskId}/${deviceId}${unit !== undefined ? `#${unit}` : ''}`;
  return { id: `${where}/${kind}`, kind, severity, kioskId, deviceId, ...(unit !== undefined && { unit }), message };
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** The alerts one kiosk raises at `now`. */
export function kioskAlerts(k: KioskReport, now: number, opts: AlertRuleOptions = {}): AlertCandidate[] {
  const offlineMs = opts.offlineMs ?? DEVICE_OFFLINE_ALERT_MS;
  const heartbeatMs = opts.heartbeatMs ?? KIOSK_HEARTBEAT_ALERT_MS;
  const duplicateLinkMs = opts.duplicateLinkMs ?? KIOSK_DUPLICATE_LINK_ALERT_MS;
  // Raised whatever the heartbeat says: a duplicate is a security event, not a device state.
  const duplicate = k.lastDuplicateLinkAt != null && now - k.lastDuplicateLinkAt <= duplicateLinkMs
    ? [alert(k.kioskId, null, 'duplicateKioskLink', 'critical',
      `自助机令牌被重复使用 / a second connection with this kiosk's token was refused while its link was alive (${k.name}, ${k.refusals?.duplicateLinks ?? 1} so far, last ${seconds(now - k.lastDuplicateLinkAt)} s ago): check for a copied token or a second bridge configured with it`)]
    : [];
  if (k.lastHeartbeat === null || now - k.lastHeartbeat > heartbeatMs) {
    const last = k.lastHeartbeat === null ? 'never heard from' : `last ${seconds(now - k.lastHeartbeat)} s ago`;
    return [...duplicate, alert(k.kioskId, null, 'heartbeatLost', 'critical', `自助机失去联系 / kiosk heartbeat lost (${k.name}, ${last})`)];
  }
  const out: AlertCandidate[] = [...duplicate];
  for (const d of k.devices) {
    if (d.paper === 'out') out.push(alert(k.kioskId, d.id, 'paperOut', 'critical', `缺纸 / paper out: load a new paper roll (${d.id})`));
    else if (d.paper === 'low') out.push(alert(k.kioskId, d.id, 'paperLow', 'warning', `纸将用完 / paper low: replace the roll soon (${d.id})`));
    if (d.state === 'offline' && now - d.since > offlineMs) {
      out.push(alert(k.kioskId, d.id, 'deviceOffline', 'critical', `设备离线 / ${d.id} offline for ${seconds(now - d.since)} s: ${d.detail}`));
    }
    if (d.state === 'hardwareError') {
      const sam = d.kind === 'idreader';
      out.push(alert(k.kioskId, d.id, sam ? 'samFault' : 'deviceFault', 'critical',
        `${sam ? '身份证阅读器安全模块故障 / SAM fault' : '设备故障 / hardware fault'} (${d.id}): ${d.lastError?.message ?? d.detail}`));
    }
    for (const t of d.terminals ?? []) {
      if (t.state === 'offline' && now - t.since > offlineMs) {
        out.push(alert(k.kioskId, d.id, 'terminalOffline', 'warning', `窗口终端离线 / counter terminal ${t.unit} on ${d.id} offline for ${seconds(now - t.since)} s`, t.unit));
      }
    }
  }
  return out;
}

/**
 * The earliest time after `now` at which `kioskAlerts(k, t)` may answer otherwise with nothing but the clock moving
 * (the same rules, read for their deadlines): the heartbeat going stale, an offline device or counter terminal passing
 * `offlineMs`, a duplicate-link alert running out. Infinity when only a new report can change them. AlertBoard
 * re-evaluates a kiosk on the clock at this time only, so a tick costs the kiosks due, not the hall's size.
 */
export function nextAlertChange(k: KioskReport, now: number, opts: AlertRuleOptions = {}): number {
  const offlineMs = opts.offlineMs ?? DEVICE_OFFLINE_ALERT_MS;
  const heartbeatMs = opts.heartbeatMs ?? KIOSK_HEARTBEAT_ALERT_MS;
  const duplicateLinkMs = opts.duplicateLinkMs ?? KIOSK_DUPLICATE_LINK_ALERT_MS;
  // Each rule is `now - t > limit` (or `<=` for the duplicate's window): it flips at t + limit + 1 on a ms clock.
  const after = (t: number, limit: number) => (now - t <= limit ? t + limit + 1 : Infinity);
  let next = k.lastDuplicateLinkAt != null ? after(k.lastDuplicateLinkAt, duplicateLinkMs) : Infinity;
  // A lost heartbeat comes back with a report only; its device rules are not read meanwhile.
  if (k.lastHeartbeat === null || now - k.lastHeartbeat > heartbeatMs) return next;
  next = Math.min(next, after(k.lastHeartbeat, heartbeatMs));
  for (const d of k.devices) {
    if (d.state === 'offline') next = Math.min(next, after(d.since, offlineMs));
    for (const t of d.terminals ?? []) if (t.state === 'offline') next = Math.min(next, after(t.since, offlineMs));
  }
  return next;
}

/**
 * Keys by the time they fall due, in slots of `slotMs` (a timing wheel without a wheel: slots in a map, so any clock
 * jump is one pass over the slots). Setting a key's time moves it; `take(now)` removes and returns every key whose time
 * is at or before `now`, and only those: a take looks at the slots up to now's, never at the keys of later ones.
 */
export class DueTimes<K> {
  private timeOf = new Map<K, number>();
  private slots = new Map<number, Set<K>>();

  constructor(private readonly slotMs: number) {}

  /** `at` Infinity: the key has no time (removed). */
  set(key: K, at: number): void {
    const was = this.timeOf.get(key);
    if (was === at) return;
    if (was !== undefined) this.remove(key, was);
    if (!Number.isFinite(at)) return;
    this.timeOf.set(key, at);
    const slot = Math.floor(at / this.slotMs);
    let keys = this.slots.get(slot);
    if (!keys) this.slots.set(slot, (keys = new Set()));
    keys.add(key);
  }

  delete(key: K): void {
    const was = this.timeOf.get(key);
    if (was !== undefined) this.remove(key, was);
  }

  take(now: number): K[] {
    const last = Math.floor(now / this.slotMs);
    const due: K[] = [];
    for (const [slot, keys] of this.slots) {
      if (slot > last) continue;
      for (const key of keys) {
        // Now's own slot holds keys due later within it: they stay.
        if (this.timeOf.get(key)! > now) continue;
        due.push(key);
        this.timeOf.delete(key);
        keys.delete(key);
      }
      if (keys.size === 0) this.slots.delete(slot);
    }
    return due;
  }

  get size(): number {
    return this.timeOf.size;
  }

  keys(): IterableIterator<K> {
    return this.timeOf.keys();
  }

  private remove(key: K, at: number): void {
    this.timeOf.delete(key);
    const slot = Math.floor(at / this.slotMs);
    const keys = this.slots.get(slot)!;
    keys.delete(key);
    if (keys.size === 0) this.slots.delete(slot);
  }
}

/** The alert id of the hall database's fault (one database per hall). */
export const HALL_DATABASE_ALERT_ID = 'hall/hallDatabase';

/**
 * hallDatabase (critical): the hall database is missing, corrupt or failing (api/kioskHall.ts `storeProblem`), so
 * the hall issues no numbers and every hall function answers 暂停服务 until it is restored and the bridge restarted.
 */
export function hallDatabaseAlerts(problem: string | null): AlertCandidate[] {
  if (problem === null) return [];
  return [{
    id: HALL_DATABASE_ALERT_ID, kind: 'hallDatabase', severity: 'critical', kioskId: 'hall', deviceId: null,
    message: `大厅数据库不可用，已暂停取号 / hall database unavailable, ticket issuing stopped: ${problem}`,
  }];
}

/**
 * Post-hoc checks of written commitments past their due day (README "Applying at the kiosk (接件受理)"): one warning
 * for the hall with the count, until they are checked.
 */
export function commitmentCheckAlerts(overdue: number): AlertCandidate[] {
  if (overdue <= 0) return [];
  return [{
    id: 'hall/commitmentChecksOverdue', kind: 'commitmentChecksOverdue', severity: 'warning', kioskId: 'hall', deviceId: null,
    message: `${overdue}项告知承诺已过核查期限，请尽快核查 / ${overdue} commitment check(s) overdue`,
  }];
}

/** A device status as the dashboard shows it (no counters: the technician console has those). */
export function dashboardDevice(s: DeviceStatus): DashboardDevice {
  return {
    id: s.id, kind: s.kind, state: s.state, ...(s.paper !== undefined && { paper: s.paper }), detail: s.detail, since: s.since,
    lastError: s.lastError, ...(s.terminals && { terminals: s.terminals.map((t) => ({ unit: t.unit, state: t.state, since: t.since })) }),
  };
}

export function dashboardKiosk(k: KioskReport, now: number, opts: AlertRuleOptions = {}): DashboardKiosk {
  return {
    kioskId: k.kioskId, name: k.name, local: k.local, lastHeartbeat: k.lastHeartbeat,
    alive: k.lastHeartbeat !== null && now - k.lastHeartbeat <= (opts.heartbeatMs ?? KIOSK_HEARTBEAT_ALERT_MS),
    devices: k.devices.map(dashboardDevice), ...(k.linked !== undefined && { linked: k.linked }),
    ...(k.refusals && { refusals: { ...k.refusals } }),
  };
}

/** The active alerts over time: raisedAt kept while an alert lasts; `changed` when one was raised or cleared. */
export class AlertBoard {
  private active = new Map<string, HallAlert>();
  /** Per kiosk: the ids of its active alerts (so one kiosk's change re-evaluates that kiosk only). */
  private byKiosk = new Map<string, string[]>();
  /** The ids of the hall's own active alerts (`extra`). */
  private extraIds: string[] = [];
  /** Per kiosk, per device: when it went offline, kept through start-up retries until it is up again. */
  private downSince = new Map<string, Map<string, number>>();
  /** `list()`'s order, kept until the set changes (a hall of thousands of kiosks would sort on every read). */
  private sorted: HallAlert[] | null = null;
  /** Per kiosk: when the clock alone may change its alerts (nextAlertChange). */
  private due = new DueTimes<string>(DUE_SLOT_MS);

  constructor(private readonly now: () => number = Date.now, private readonly opts: AlertRuleOptions = {}) {}

  /**
   * Every kiosk and the hall's alerts at once (the clock tick: the offline and heartbeat rules depend on time). A
   * kiosk not in `kiosks` loses its alerts. `extra`: alerts of the hall itself (hallDatabaseAlerts), raised and
   * cleared like the kiosks' ones.
   */
  update(kiosks: readonly KioskReport[], extra: readonly AlertCandidate[] = []): { changed: boolean; alerts: HallAlert[]; raised: HallAlert[]; cleared: HallAlert[] } {
    const at = this.now();
    const raised: HallAlert[] = [];
    const cleared: HallAlert[] = [];
    const seen = new Set<string>();
    for (const k of kiosks) {
      seen.add(k.kioskId);
      this.evaluateKiosk(k, at, raised, cleared);
    }
    for (const kioskId of new Set([...this.byKiosk.keys(), ...this.downSince.keys(), ...this.due.keys()])) {
      if (!seen.has(kioskId)) this.forget(kioskId, cleared);
    }
    this.extraIds = this.replace(this.extraIds, extra, at, raised, cleared);
    return { changed: raised.length > 0 || cleared.length > 0, alerts: this.list(), raised, cleared };
  }

  /** The hall's own alerts only (`extra` as in `update`); the kiosks' stay as they are. */
  updateHall(extra: readonly AlertCandidate[]): AlertChanges {
    const raised: HallAlert[] = [];
    const cleared: HallAlert[] = [];
    this.extraIds = this.replace(this.extraIds, extra, this.now(), raised, cleared);
    return { changed: raised.length > 0 || cleared.length > 0, raised, cleared };
  }

  /** Kiosks no longer reported: their alerts are cleared. */
  removeKiosks(kioskIds: Iterable<string>): AlertChanges {
    const cleared: HallAlert[] = [];
    for (const kioskId of kioskIds) this.forget(kioskId, cleared);
    return { changed: cleared.length > 0, raised: [], cleared };
  }

  /**
   * The kiosks whose alerts the clock may have changed by now (a heartbeat gone stale, a device offline past its
   * limit, a duplicate-link alert run out), taken off the list: re-evaluate them with `updateKiosks`, which sets their
   * next time. A tick costs the kiosks due, not the hall's size (README "Many instances": the clock-driven rules of
   * 10,000 kiosks re-read every second were tens of ms of every instance's loop, inside reconnect storms too).
   */
  dueKiosks(): string[] {
    return this.due.take(this.now());
  }

  /**
   * Only these kiosks, now (a status, a hello, a heartbeat of theirs): the others' alerts and the hall's stay as the
   * last `update` left them. The cost follows the kiosks given, not the hall's size (README "Many instances":
   * heartbeats must not re-evaluate every kiosk's alerts).
   */
  updateKiosks(kiosks: readonly KioskReport[]): AlertChanges {
    const at = this.now();
    const raised: HallAlert[] = [];
    const cleared: HallAlert[] = [];
    for (const k of kiosks) this.evaluateKiosk(k, at, raised, cleared);
    return { changed: raised.length > 0 || cleared.length > 0, raised, cleared };
  }

  /** Critical first, then oldest first. */
  list(): HallAlert[] {
    this.sorted ??= [...this.active.values()].sort((a, b) =>
      a.severity !== b.severity ? (a.severity === 'critical' ? -1 : 1) : a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));
    return [...this.sorted];
  }

  /** How many alerts are active. */
  get size(): number {
    return this.active.size;
  }

  private evaluateKiosk(k: KioskReport, at: number, raised: HallAlert[], cleared: HallAlert[]): void {
    const before = this.downSince.get(k.kioskId);
    const down = new Map<string, number>();
    const devices = k.devices.map((d) => {
      const since = before?.get(d.id);
      if (d.state === 'offline' || (d.state === 'starting' && since !== undefined)) {
        const from = Math.min(since ?? d.since, d.since);
        down.set(d.id, from);
        return { ...d, state: 'offline' as const, since: from };
      }
      return d;
    });
    if (down.size > 0) this.downSince.set(k.kioskId, down);
    else this.downSince.delete(k.kioskId);
    const seen = { ...k, devices };
    const ids = this.replace(this.byKiosk.get(k.kioskId) ?? [], kioskAlerts(seen, at, this.opts), at, raised, cleared);
    if (ids.length > 0) this.byKiosk.set(k.kioskId, ids);
    else this.byKiosk.delete(k.kioskId);
    this.due.set(k.kioskId, nextAlertChange(seen, at, this.opts));
  }

  private forget(kioskId: string, cleared: HallAlert[]): void {
    for (const id of this.byKiosk.get(kioskId) ?? []) this.clear(id, cleared);
    this.byKiosk.delete(kioskId);
    this.downSince.delete(kioskId);
    this.due.delete(kioskId);
  }

  /** One owner's alerts (a kiosk, or the hall) from `previous` ids to `candidates`; returns the ids now active. */
  private replace(previous: readonly string[], candidates: readonly AlertCandidate[], at: number, raised: HallAlert[], cleared: HallAlert[]): string[] {
    const ids: string[] = [];
    for (const c of candidates) {
      if (ids.includes(c.id)) continue;
      ids.push(c.id);
      // The message keeps its first words (the offline seconds would otherwise count up as a "change").
      if (this.active.has(c.id)) continue;
      const a: HallAlert = { ...c, raisedAt: at };
      this.active.set(c.id, a);
      raised.push(a);
      this.sorted = null;
    }
    for (const id of previous) if (!ids.includes(id)) this.clear(id, cleared);
    return ids;
  }

  private clear(id: string, cleared: HallAlert[]): void {
    const a = this.active.get(id);
    if (!a) return;
    this.active.delete(id);
    cleared.push(a);
    this.sorted = null;
  }
}
