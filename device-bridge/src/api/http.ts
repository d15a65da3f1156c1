/**
 * express 5 routes: health, device statuses, the built UI (with SPA fallback for the UI's routes) and JSON errors
 * for everything else (issue 4: "express: GET /api/health, GET /api/devices, and the built UI served as static files").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { DeviceState } from '@onedoor/protocol';
import { securityHeaders } from '../auth/securityHeaders.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { listSerialPorts } from '../transport/index.ts';
import { accessGuard } from './accessGuard.ts';
import type { MachineTokens } from './principal.ts';
import { staffAuthRouter } from './techAuth.ts';
import { techRouter } from './techRoutes.ts';

export interface HttpApiOptions {
  devices: DeviceSet;
  /** The built UI (kiosk-ui/dist); not served when the folder or its index.html is missing. */
  uiDir: string;
  /** Epoch ms the bridge started, for uptime. */
  startedAt: number;
  /** More routes (e.g. /api/verify), mounted before the JSON 404 of /api. */
  routers?: Router[];
  /** Machine tokens accepted as `Authorization: Bearer` (roles techToken / hallToken of accessTable.ts). */
  tokens?: MachineTokens;
  /** Where failing routes are logged (default: not logged). */
  log?: Logger;
  /** Staff login and the technician console's REST routes (issue 6); without it those routes do not exist. */
  staff?: {
    auth: StaffAuth;
    allowedOrigins: readonly string[];
    secureCookie: boolean;
    defaultCommandTimeoutMs: number;
    simulatorControlUrl?: string;
  };
}

/** The UI's client-side routes (architecture.md, "Routes: kiosk, display, hall, tech, verify"). */
const SPA_ROUTES = /^\/(?:(?:display|hall|tech|verify)(?:\/.*)?)?$/;

export interface HealthReport {
  ok: true;
  uptimeSeconds: number;
  devices: Record<string, DeviceState>;
  /** Devices per state, e.g. { online: 2, offline: 1 }. */
  states: Partial<Record<DeviceState, number>>;
}

export function createHttpApp(opts: HttpApiOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // CSP, nosniff, Referrer-Policy, frame-ancestors none on every response (helmet, policy in auth/securityHeaders.ts).
  app.use(securityHeaders());
  // Every request against the one roles table before any route or body parser runs (accessTable.ts).
  app.use(accessGuard(opts.staff?.auth, opts.tokens ?? {}));
  // Bodies are small JSON objects; 64 KB bounds the parser's work (a raw print job over REST included).
  app.use(express.json({ limit: '64kb' }));
  if (opts.staff) {
    app.use(staffAuthRouter(opts.staff));
    app.use(techRouter({ ...opts.staff, devices: opts.devices, tokens: opts.tokens }));
  }

  app.get('/api/health', (_req, res) => {
    const devices: Record<string, DeviceState> = {};
    const states: Partial<Record<DeviceState, number>> = {};
    for (const s of opts.devices.statuses()) {
      devices[s.id] = s.state;
      states[s.state] = (states[s.state] ?? 0) + 1;
    }
    const body: HealthReport = { ok: true, uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 1000), devices, states };
    res.json(body);
  });

  app.get('/api/devices', (_req, res) => {
    res.json(opts.devices.statuses());
  });

  app.get('/api/devices/:id', (req, res) => {
    const d = opts.devices.get(req.params.id);
    if (!d) {
      res.status(404).json({ error: 'not found', message: `no device with id "${req.params.id}"` });
      return;
    }
    res.json({ ...d.status(), actions: d.actions() });
  });

  // For the technician console: what serial ports this machine has (never fails, see listSerialPorts).
  app.get('/api/serial-ports', async (_req, res) => {
    res.json(await listSerialPorts());
  });

  for (const router of opts.routers ?? []) app.use(router);

  app.use('/api', (req, res) => {
    res.status(404).json({ error: 'not found', message: `no API route ${req.method} ${req.originalUrl}` });
  });

  const index = join(opts.uiDir, 'index.html');
  if (existsSync(index)) {
    app.use(express.static(opts.uiDir, { index: false }));
    app.get(SPA_ROUTES, (_req, res) => res.sendFile(index));
  }

  app.use((req, res) => {
    res.status(404).json({ error: 'not found', message: `nothing at ${req.method} ${req.originalUrl}` });
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    // A failing route answers 500 and is logged; express 5 brings a rejected async handler here too.
    if (status >= 500) opts.log?.error({ err, method: req.method, path: req.path }, 'HTTP route failed');
    if (res.headersSent) return;
    res.status(status).json({
      error: status < 500 ? 'bad request' : 'internal error',
      // 4xx messages come from body parsing etc. and help the caller; 5xx details stay in the log.
      message: status < 500 ? String(err?.message ?? 'bad request') : 'internal error',
    });
  };
  app.use(onError);
  return app;
}
