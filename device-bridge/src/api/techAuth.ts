/**
 * Staff login over HTTP (README "For technicians: the console", access): `POST /api/login` {name,
 * password} -> session cookie + StaffSession, `POST /api/logout`, `GET /api/me` (401 when not
 * logged in). Who may call which REST route is decided once, by the roles table
 * (auth/accessTable.ts) through accessGuard.ts, which leaves the caller's session for `staffOf`.
 *
 * State-changing requests must come from an allowed origin (origins.ts) on top of the SameSite=Strict cookie, so a
 * foreign page can neither log someone in nor act with their session.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { StaffSession } from '@onedoor/protocol';
import { z } from 'zod';
import { readCookie, STAFF_COOKIE, staffCookie } from '../auth/cookies.ts';
import type { StaffArea, StaffAuth } from '../auth/staffAuth.ts';
import type { StaffSessionRecord } from '../auth/sessions.ts';
import { checkOrigin } from './origins.ts';
import { describeInvalid } from './validation.ts';

export interface StaffHttpOptions {
  auth: StaffAuth;
  allowedOrigins: readonly string[];
  secureCookie: boolean;
}

const loginSchema = z.object({
  name: z.string().min(1).max(64),
  // Bounded: scrypt's cost does not grow with the length, but the body parser's work does.
  password: z.string().min(1).max(1024),
});

/** What the guard leaves for the route: the session and its cookie token. */
export interface StaffLocals {
  staff: StaffSessionRecord;
  staffToken: string;
}

export function staffOf(res: Response): StaffSessionRecord {
  return (res.locals as StaffLocals).staff;
}

const unauthorized = (res: Response) =>
  res.status(401).json({ error: 'unauthorized', message: 'log in first (POST /api/login with {name, password})' });

/** 403 unless the request comes from an allowed origin (or same-origin without Origin, see origins.ts). */
export function originGuard(allowedOrigins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const refused = checkOrigin(req.headers, allowedOrigins);
    if (refused) {
      res.status(403).json({ error: 'forbidden', message: refused });
      return;
    }
    next();
  };
}

/** `no-store`: session answers and device data must not sit in a cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function staffAuthRouter(opts: StaffHttpOptions): Router {
  const { auth } = opts;
  const router = express.Router();
  const sameOrigin = originGuard(opts.allowedOrigins);
  const cookie = (token: string | null, req: Request) =>
    staffCookie(token, { maxAgeSeconds: auth.options.sessionMaxAgeMs / 1000, secure: opts.secureCookie || req.secure });

  router.post('/api/login', noStore, sameOrigin, async (req, res) => {
    const p = loginSchema.safeParse(req.body);
    if (!p.success) {
      res.status(400).json({ error: 'bad request', message: describeInvalid(p.error) });
      return;
    }
    const result = await auth.login(p.data.name, p.data.password, req.socket.remoteAddress);
    if (!result.ok) {
      if (result.status === 429) res.setHeader('Retry-After', String(result.retryAfterSeconds));
      res.status(result.status).json({ error: result.status === 429 ? 'too many requests' : 'unauthorized', message: result.message });
      return;
    }
    // A fresh login replaces whatever session this browser had.
    auth.logout(readCookie(req.headers.cookie, STAFF_COOKIE));
    res.setHeader('Set-Cookie', cookie(result.token, req));
    const body: StaffSession = result.session;
    res.json(body);
  });

  router.post('/api/logout', noStore, sameOrigin, (req, res) => {
    const had = auth.logout(readCookie(req.headers.cookie, STAFF_COOKIE));
    res.setHeader('Set-Cookie', cookie(null, req));
    res.json({ ok: true, ended: had });
  });

  router.get('/api/me', noStore, (req, res) => {
    const session = auth.session(readCookie(req.headers.cookie, STAFF_COOKIE));
    if (!session) {
      unauthorized(res);
      return;
    }
    const area: StaffArea = req.query.area === 'hall' ? 'hall' : 'tech';
    res.json(auth.describe(session, area));
  });

  return router;
}
