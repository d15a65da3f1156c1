/**
 * Staff REST calls over real HTTP for route tests: a GET, or a POST with a JSON body, from the bridge's own origin
 * (originGuard) unless another is given, with a session cookie; and a login that returns that cookie.
 */
import { expect } from 'vitest';

export interface StaffHttp {
  call(path: string, init?: { body?: unknown; cookie?: string; origin?: string }): Promise<{ status: number; body: any }>;
  login(name: string, password: string): Promise<string>;
}

/** `base()`: the bridge's URL (asked at each call: the bridge starts after the helper is made). */
export function staffHttp(base: () => string): StaffHttp {
  const origin = () => new URL(base()).origin;
  return {
    async call(path, init = {}) {
      const headers: Record<string, string> = { origin: init.origin ?? origin() };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      if (init.cookie) headers.cookie = init.cookie;
      const r = await fetch(base() + path, { method: init.body !== undefined ? 'POST' : 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
      return { status: r.status, body: await r.json() };
    },
    async login(name, password) {
      const r = await fetch(`${base()}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: origin() }, body: JSON.stringify({ name, password }) });
      expect(r.status).toBe(200);
      return (r.headers.get('set-cookie') ?? '').split(';')[0];
    },
  };
}
