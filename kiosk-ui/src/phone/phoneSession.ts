/**
 * The phone session on the phone (README "The phone channel"): taking the kiosk's hand-off (`/m#h=<token>`), keeping
 * the session token for this tab only (sessionStorage: gone when the tab closes, never in a URL or a cookie), and
 * the signed-in requests with `Authorization: Bearer`. A 401 means the session ended (logout, 15 idle minutes).
 */
import type { PhoneRefusal, PhoneSignIn } from '@onedoor/protocol';

const KEY = 'onedoor-phone-session';

/** The hand-off token in `#h=...`, or null. Only the shape the bridge issues passes (it checks again). */
export function handoffFrom(hash: string): string | null {
  const h = new URLSearchParams(hash.replace(/^#/, '')).get('h');
  return h && /^H1\.[A-Za-z0-9_-]{43}$/.test(h) ? h : null;
}

export function sessionToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function keep(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Private mode without storage: the session lasts as long as the page.
  }
}

export type Answer<T> = { ok: true; body: T } | { ok: false; status: number; refusal: PhoneRefusal };

const NO_ANSWER: PhoneRefusal = { code: 'servicePaused', zh: '网络中断，请稍后再试', en: 'No connection; please try again' };

async function call<T>(path: string, init: RequestInit): Promise<Answer<T>> {
  try {
    const r = await fetch(path, { cache: 'no-store', ...init });
    const body = (await r.json()) as T & PhoneRefusal;
    return r.ok ? { ok: true, body } : { ok: false, status: r.status, refusal: body };
  } catch {
    return { ok: false, status: 0, refusal: NO_ANSWER };
  }
}

/** Takes the hand-off; on success the session is kept for this tab. */
export async function signIn(handoff: string): Promise<Answer<PhoneSignIn>> {
  const a = await call<PhoneSignIn>('/api/m/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handoff }) });
  if (a.ok) keep(a.body.token);
  return a;
}

/** A signed-in request (GET, or POST with `body`); a 401 forgets the session. */
export async function me<T>(path: string, body?: unknown): Promise<Answer<T>> {
  const token = sessionToken();
  const headers: Record<string, string> = { authorization: `Bearer ${token ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const a = await call<T>(path, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) });
  if (!a.ok && a.status === 401) keep(null);
  return a;
}

export async function logout(): Promise<void> {
  await me('/api/m/session/logout', {});
  keep(null);
}
