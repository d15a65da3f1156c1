/**
 * The technician console's HTTP calls to the bridge (same origin; the session is the HttpOnly cookie the bridge
 * sets at login, so no token is ever handled by page scripts). Routes: device-bridge/src/api/techAuth.ts,
 * techRoutes.ts, techSims.ts.
 */
import type { StaffSession } from '@onedoor/protocol';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

async function call<T>(path: string, init?: { method?: string; body?: unknown }): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init?.method ?? (init?.body !== undefined ? 'POST' : 'GET'),
      headers: init?.body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
      credentials: 'same-origin',
    });
  } catch (err) {
    return { ok: false, status: 0, message: `bridge unreachable: ${(err as Error).message}` };
  }
  const body = (await res.json().catch(() => null)) as { message?: string; error?: string } | null;
  if (!res.ok) return { ok: false, status: res.status, message: body?.message ?? body?.error ?? `HTTP ${res.status}` };
  return { ok: true, value: body as T };
}

export const fetchMe = () => call<StaffSession>('/api/me?area=tech');
export const login = (name: string, password: string) => call<StaffSession>('/api/login', { body: { name, password } });
export const logout = () => call<{ ok: true }>('/api/logout', { body: {} });

/** One simulator as the control API describes it (simulators/src/hub.ts SimInfo; kept loose: it is a dev tool). */
export interface SimView {
  id: string;
  kind: 'idreader' | 'printer' | 'counterbus' | 'qrscanner' | string;
  link: { kind: string; up?: boolean; hostConnected?: boolean; address?: string; path?: string };
  actions: { name: string; args: string[]; help: string }[];
  snapshot: Record<string, unknown>;
}

export interface SimsView {
  attached: boolean;
  sims: SimView[];
  notes: string[];
}

export interface SimCard {
  key: string;
  cardType: string;
  name: string;
  /** Already masked by the simulator (first 4 + last 4). */
  number: string;
  note?: string;
}

export interface TicketSummary {
  seq: number;
  title: string;
}

export const fetchSims = () => call<SimsView>('/api/tech/sims');
export const simAct = (id: string, name: string, args: Record<string, unknown> = {}) =>
  call<{ ok: true; result: unknown }>(`/api/tech/sims/${encodeURIComponent(id)}/actions/${encodeURIComponent(name)}`, { body: args });
export const fetchTickets = (id: string) => call<{ id: string; tickets: TicketSummary[] }>(`/api/tech/sims/${encodeURIComponent(id)}/tickets`);
export const ticketPngUrl = (id: string, seq: number) => `/api/tech/sims/${encodeURIComponent(id)}/tickets/${seq}.png`;

/** The recorder as GET /api/tech/recordings reports it (device-bridge/src/recording/recordingRoutes.ts). */
export interface RecorderView {
  status: {
    recording: boolean;
    session: string | null;
    startedBy: string | null;
    startedAt: string | null;
    bytes: number;
    lastError: { message: string; at: string } | null;
  };
  files: { name: string; bytes: number; modifiedAt: string }[];
}

export const fetchRecordings = () => call<RecorderView>('/api/tech/recordings');
export const startRecording = () => call<{ status: RecorderView['status'] }>('/api/tech/recordings/start', { body: {} });
export const stopRecording = () => call<{ status: RecorderView['status'] }>('/api/tech/recordings/stop', { body: {} });
export const recordingUrl = (name: string) => `/api/tech/recordings/${encodeURIComponent(name)}`;

/** A replay of a recording as GET /api/tech/replay reports it (device-bridge/src/recording/replayJob.ts). */
export interface ReplayView {
  recording: string;
  speed: number;
  state: 'starting' | 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  devices: { id: string; kind: string; exchanges: number; at: number; matched: number; divergences: number }[];
  skipped: { id: string; kind: string; why: string }[];
  damage: string | null;
  stalled: string | null;
  reports: {
    device: string;
    exchanges: number;
    matched: number;
    divergences: { exchange: number; command: string; expected: string; received: string; skipped: number }[];
    afterEnd: number;
  }[];
  divergences: number;
  failure: { reason: string; message: string; version?: number } | null;
}

export const fetchReplay = () => call<{ available: boolean; replay: ReplayView | null }>('/api/tech/replay');
export const startReplay = (name: string) => call<{ replay: ReplayView }>(`/api/tech/recordings/${encodeURIComponent(name)}/replay`, { body: {} });
export const stopReplay = () => call<{ replay: ReplayView | null }>('/api/tech/replay/stop', { body: {} });
