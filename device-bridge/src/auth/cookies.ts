/**
 * The session cookie (README "For technicians: the console", access: HttpOnly, SameSite=Strict,
 * random token, expiry). HttpOnly keeps the token from page scripts, SameSite=Strict keeps other
 * sites from riding on it (with the Origin check on POSTs), Max-Age ends it in the browser when the
 * session's lifetime ends in the bridge.
 */
export const STAFF_COOKIE = 'onedoor_staff';

/** Value of one cookie from a `Cookie:` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      const v = part.slice(i + 1).trim();
      try {
        return decodeURIComponent(v);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  /** Add `Secure` (the bridge behind HTTPS). */
  secure: boolean;
}

/** `Set-Cookie` value for the session token; `token` null clears the cookie. */
export function staffCookie(token: string | null, opts: CookieOptions): string {
  const parts = [
    `${STAFF_COOKIE}=${token === null ? '' : encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${token === null ? 0 : Math.max(1, Math.floor(opts.maxAgeSeconds))}`,
  ];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
