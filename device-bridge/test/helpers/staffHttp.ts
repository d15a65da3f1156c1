/**
 * Staff calls over real HTTP for route tests: a login that returns the session cookie, and a call that sends JSON
 * from the bridge's own origin (the allowed-origin check of staff writes) unless told another origin. `base` is read
 * at each call, so a test can create these before its bridge has started.
 */
import { expect } from 'vitest';

export interface StaffCallInit {
  body?: unknown;
  cookie?: string;
  /** The Origin header; default the bridge's own. */
  origin?: string;
}

export interface StaffHttp {
  /** GET, or POST with a JSON body; the answer's status and parsed JSON body. */
  call(path: string, init?: StaffCallInit): Promise<{ status: number; body: any }>;
  /** Logs a staff user in (expecting 200); the session cookie as `name=value`. */
  login(name: string, password: string): Promise<string>;
}

export function staffHttp(base: () => string): StaffHttp {
  const origin = () => new URL(base()).origin;
  return {
    async call(path, init = {}) {
      const headers: Record<string, string> = { origin: init.origin ?? origin() };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      if (init.cookie) headers.cookie = init.cookie;
      const r = await fetch(base() + path, { method: init.body !== undefined ? 'POST' : 'GET', headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body) });
      return { status: r.status, body: await r.json() };
    },
    async login(name, password) {
      const r = await fetch(`${base()}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: origin() },
        body: JSON.stringify({ name, password }) });
      expect(r.status).toBe(200);
      return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    },
  };
}
