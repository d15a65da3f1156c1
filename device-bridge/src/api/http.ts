/**
 * express 5 routes: health, device statuses, the built UI (with SPA fallback for the UI's routes)
 * and JSON errors for everything else (README "Security", the roles table: GET /api/health, GET
 * /api/devices, and the built UI served as static files).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { securityHeaders } from '../auth/securityHeaders.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { listSerialPorts } from '../transport/index.ts';
import { EventLoopMonitor, healthReport, type HealthSources } from './health.ts';
import type { KioskScreens } from './kioskScreen.ts';
import { accessGuard, type AccessRefusalHook } from './accessGuard.ts';
import type { MachineTokens } from './principal.ts';
import { staffAuthRouter } from './techAuth.ts';
import { techRouter } from './techRoutes.ts';

export interface HttpApiOptions {
  devices: DeviceSet;
  /** Config `site.trustProxy` (express 'trust proxy'): default false, the TCP peer is the client. */
  trustProxy?: false | number | string[];
  /** The built UI (kiosk-ui/dist); not served when the folder or its index.html is missing. */
  uiDir: string;
  /** Epoch ms the bridge started, for uptime. */
  startedAt: number;
  /**
   * What /api/health checks besides the devices (api/health.ts): the hall database, the hall link, the event loop
   * monitor (default: one made here).
   */
  health?: Partial<Pick<HealthSources, 'database' | 'databaseStore' | 'hallLink' | 'messageBus' | 'eventLoop'>>;
  /** More routes (e.g. /api/verify), mounted before the JSON 404 of /api. */
  routers?: Router[];
  /** Machine tokens accepted as `Authorization: Bearer` (roles techToken / hallToken of accessTable.ts). */
  tokens?: MachineTokens;
  /** Told of every refused request (after the answer), e.g. to audit refusals of staff (accessGuard.ts). */
  onAccessRefused?: AccessRefusalHook;
  /** Where failing routes are logged (default: not logged). */
  log?: Logger;
  /**
   * Staff login and the technician console's REST routes (README "For technicians: the console");
   * without it those routes do not exist.
   */
  staff?: {
    auth: StaffAuth;
    allowedOrigins: readonly string[];
    secureCookie: boolean;
    defaultCommandTimeoutMs: number;
    simulatorControlUrl?: string;
  };
  /** The kiosk's own screen: `GET /` carries its `/kiosk` secret (kioskScreen.ts); without it the page has none. */
  kioskScreen?: KioskScreens;
}

/** The UI's client-side routes (architecture.md, "Routes: kiosk, display, hall, tech, verify"). */
const SPA_ROUTES = /^\/(?:(?:display|hall|tech|verify)(?:\/.*)?)?$/;

export type { HealthReport } from './health.ts';

export function createHttpApp(opts: HttpApiOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Config site.trustProxy: only then does X-Forwarded-For make req.ip (the phone limits' key, api/phoneLimits.ts).
  app.set('trust proxy', opts.trustProxy ?? false);
  // CSP, nosniff, Referrer-Policy, frame-ancestors none on every response (helmet, policy in auth/securityHeaders.ts).
  app.use(securityHeaders());
  // Every request against the one roles table before any route or body parser runs (accessTable.ts).
  app.use(accessGuard(opts.staff?.auth, opts.tokens ?? {}, opts.onAccessRefused));
  // Bodies are small JSON objects; 64 KB bounds the parser's work (a raw print job over REST included).
  app.use(express.json({ limit: '64kb' }));
  if (opts.staff) {
    app.use(staffAuthRouter(opts.staff));
    app.use(techRouter({ ...opts.staff, devices: opts.devices, tokens: opts.tokens }));
  }

  // 503 when the bridge cannot serve (hall database gone or bad, hall link down): see api/health.ts.
  const eventLoop = opts.health?.eventLoop ?? new EventLoopMonitor();
  app.get('/api/health', async (_req, res) => {
    const body = await healthReport({ ...opts.health, eventLoop, devices: opts.devices, startedAt: opts.startedAt });
    res.status(body.ok ? 200 : 503).set('cache-control', 'no-store').json(body);
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
    if (opts.kioskScreen) app.get('/', opts.kioskScreen.kioskPage(() => readFile(index, 'utf8')));
    app.get(SPA_ROUTES, (_req, res) => res.sendFile(index));
    // The phone page is its own small entry (kiosk-ui/m.html, README "The phone channel"): a phone loads no kiosk code.
    const phonePage = join(opts.uiDir, 'm.html');
    if (existsSync(phonePage)) app.get(/^\/m\/?$/, (_req, res) => res.set('cache-control', 'no-cache').sendFile(phonePage));
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
