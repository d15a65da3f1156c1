/**
 * Security headers on every bridge response (issue 6, "Access": "security headers (helmet)"). helmet is not
 * installed, so the essential ones are set here, matching what the built UI needs:
 *
 * - Content-Security-Policy: scripts and styles only from the bridge itself (Vite emits files, no inline scripts;
 *   inline style attributes are allowed because Preact renders `style` props), images also as data:/blob: (ticket
 *   PNGs come through the same origin), socket.io over 'self' (same-origin ws: included), no plugins, no framing.
 * - X-Content-Type-Options nosniff, Referrer-Policy no-referrer, X-Frame-Options DENY (older browsers'
 *   frame-ancestors), Cross-Origin-Opener-Policy / Cross-Origin-Resource-Policy same-origin.
 */
import type { RequestHandler } from 'express';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-DNS-Prefetch-Control': 'off',
});

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  };
}
