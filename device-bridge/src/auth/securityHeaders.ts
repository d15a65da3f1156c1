/**
 * Security headers on every bridge response (README "For technicians: the console", access:
 * security headers through helmet), set by helmet with a policy matching what the built UI needs:
 *
 * - Content-Security-Policy: scripts and styles only from the bridge itself (Vite emits files, no inline scripts;
 *   inline style attributes are allowed because Preact renders `style` props), images also as data:/blob: (ticket
 *   PNGs come through the same origin), socket.io over 'self' (same-origin ws: included), no plugins, no framing.
 *   helmet's default directives are NOT used: its `upgrade-insecure-requests` would break kiosks and hall screens
 *   that reach the bridge over plain HTTP on the hall LAN.
 * - X-Content-Type-Options nosniff, Referrer-Policy no-referrer, X-Frame-Options DENY (older browsers'
 *   frame-ancestors), Cross-Origin-Opener-Policy / Cross-Origin-Resource-Policy same-origin, no DNS prefetch.
 * - No Strict-Transport-Security: the bridge serves HTTP on the LAN; TLS, where used, terminates in front of it.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export const CONTENT_SECURITY_DIRECTIVES: Readonly<Record<string, string[]>> = Object.freeze({
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'", 'data:', 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
});

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_DIRECTIVES } },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    dnsPrefetchControl: { allow: false },
    strictTransportSecurity: false,
  }) as unknown as RequestHandler;
}
