/**
 * The control API the technician console uses (express 5 + socket.io 4 on one HTTP server):
 *
 *   GET  /api/sims                         every simulator: {id, kind, link, actions, snapshot}
 *   GET  /api/sims/:id                     one of them (404 when unknown; :id may also be a kind)
 *   POST /api/sims/:id/actions/:name       JSON body = action arguments; 200 {ok, result}, 400/404 {error}
 *   GET  /api/sims/:id/tickets             the printed-ticket history (e.g. /api/sims/printer/tickets)
 *   GET  /api/sims/:id/tickets/:seq.png    one ticket as PNG; .txt as text
 *   POST /api/scenarios/run                JSON body = a scenario ({steps: [...]} or [...]); runs it to the end
 *
 * socket.io namespace `/sim`: on connect a 'state' event per simulator (full snapshot), then 'state' on every change
 * and 'log' for every log entry; 'act' ({id, name, args}, ack) performs an action and acks {ok, result} or
 * {ok: false, error}.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Server as IoServer } from 'socket.io';
import { SimRequestError, type SimulatorHub } from '../hub.ts';
import { runScenario, parseScenario } from './scenario.ts';
import { findTicket, listTickets, ticketPng, ticketText } from './tickets.ts';

export interface ControlServerOptions {
  /** Port (default 0 = pick a free one). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
}

export interface ControlServer {
  port: number;
  url: string;
  http: HttpServer;
  io: IoServer;
  close(): Promise<void>;
}

export interface ActRequest {
  id: string;
  name: string;
  args?: Record<string, unknown>;
}

export type ActAck = { ok: true; result: unknown } | { ok: false; error: string };

function statusOf(err: unknown): number {
  if (err instanceof SimRequestError) return err.status;
  // express.json() marks malformed bodies with status 400.
  const s = (err as { status?: unknown }).status;
  return typeof s === 'number' && s >= 400 && s < 500 ? s : 500;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Results go out as JSON; bytes (a device may return some) as hex so the response stays readable. */
function jsonSafe(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x)));
}

export function createControlApp(hub: SimulatorHub): express.Express {
  const app = express();
  app.use(express.json({ limit: '1mb' }));

  app.get('/api/sims', (_req, res) => {
    res.json({ sims: hub.list(), notes: hub.notes });
  });
  app.get('/api/sims/:id', (req, res) => {
    res.json(hub.info(req.params.id));
  });
  app.post('/api/sims/:id/actions/:name', async (req, res) => {
    const args: unknown = req.body ?? {};
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw new SimRequestError(400, 'the request body must be a JSON object of action arguments');
    }
    const result = await hub.act(req.params.id, req.params.name, args as Record<string, unknown>);
    res.json({ ok: true, result: jsonSafe(result) });
  });
  app.get('/api/sims/:id/tickets', async (req, res) => {
    const { device } = hub.get(req.params.id);
    const tickets = await listTickets(device);
    if (!tickets) throw new SimRequestError(404, `${device.id} keeps no tickets`);
    res.json({ id: device.id, tickets });
  });
  app.get('/api/sims/:id/tickets/:file', async (req, res) => {
    const m = /^(\d+)\.(png|txt)$/.exec(req.params.file);
    if (!m) throw new SimRequestError(404, `ticket file must be <seq>.png or <seq>.txt, got ${req.params.file}`);
    const { device } = hub.get(req.params.id);
    const ticket = await findTicket(device, Number(m[1]));
    if (!ticket) throw new SimRequestError(404, `${device.id} has no ticket ${m[1]}`);
    if (m[2] === 'txt') {
      const text = await ticketText(ticket);
      if (text === undefined) throw new SimRequestError(404, `ticket ${m[1]} has no text rendering`);
      res.type('text/plain; charset=utf-8').send(text);
    } else {
      const png = await ticketPng(ticket);
      if (!png) throw new SimRequestError(404, `ticket ${m[1]} has no PNG rendering`);
      res.type('image/png').send(Buffer.from(png));
    }
  });
  app.post('/api/scenarios/run', async (req, res) => {
    let scenario;
    try {
      scenario = parseScenario(req.body);
    } catch (err) {
      throw new SimRequestError(400, messageOf(err));
    }
    const report = await runScenario(hub, scenario);
    res.status(report.ok ? 200 : 400).json(report);
  });
  app.use('/api', (req, _res, next) => next(new SimRequestError(404, `no such endpoint: ${req.method} ${req.originalUrl}`)));
  // Express 5 passes rejected async handlers here: every failure becomes {error} with a fitting status.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(statusOf(err)).json({ error: messageOf(err) });
  });
  return app;
}

export function attachSimNamespace(io: IoServer, hub: SimulatorHub): () => void {
  const nsp = io.of('/sim');
  nsp.on('connection', (socket) => {
    for (const info of hub.list()) socket.emit('state', info);
    socket.on('act', async (req: ActRequest, ack?: (a: ActAck) => void) => {
      let reply: ActAck;
      try {
        if (!req || typeof req.id !== 'string' || typeof req.name !== 'string') {
          throw new SimRequestError(400, "'act' needs {id, name, args?}");
        }
        reply = { ok: true, result: jsonSafe(await hub.act(req.id, req.name, req.args ?? {})) };
      } catch (err) {
        reply = { ok: false, error: messageOf(err) };
      }
      if (typeof ack === 'function') ack(reply);
    });
  });
  const onState = (s: unknown) => nsp.emit('state', s);
  const onLog = (l: unknown) => nsp.emit('log', l);
  hub.on('state', onState);
  hub.on('log', onLog);
  return () => {
    hub.off('state', onState);
    hub.off('log', onLog);
  };
}

export async function startControlServer(hub: SimulatorHub, opts: ControlServerOptions = {}): Promise<ControlServer> {
  const app = createControlApp(hub);
  const http = createServer(app);
  // The technician console is served by the bridge (another origin) in development: allow cross-origin reads.
  const io = new IoServer(http, { cors: { origin: true } });
  const detach = attachSimNamespace(io, hub);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}`,
    http,
    io,
    async close() {
      detach();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
