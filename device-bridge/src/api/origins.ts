/**
 * Which browsers may talk to the bridge (README "Security": `/kiosk` is accepted only from allowed
 * origins, loopback by default). Patterns are `scheme://host[:port]` with `*` allowed as the port.
 *
 * A request without an Origin header does not come from a cross-site page: browsers send Origin on every WebSocket
 * handshake and every cross-origin request; only same-origin GETs (socket.io's first polling request from the UI the
 * bridge itself serves) and non-browser clients omit it. Such a request is accepted only when its Host header names a
 * loopback host or an allowed origin's host, which stops a DNS-rebinding page (whose Host is its own name).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function splitOrigin(origin: string): { scheme: string; host: string; port: string } | null {
  const m = /^(https?):\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}|\*))?\/?$/.exec(origin.trim());
  if (!m) return null;
  const scheme = m[1].toLowerCase();
  return { scheme, host: m[2].toLowerCase(), port: m[3] ?? (scheme === 'https' ? '443' : '80') };
}

export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const o = splitOrigin(origin);
  if (!o || o.port === '*') return false;
  return patterns.some((p) => {
    const q = splitOrigin(p);
    return q !== null && q.scheme === o.scheme && q.host === o.host && (q.port === '*' || q.port === o.port);
  });
}

/** Host header (`host[:port]`) of a request without Origin: loopback or the host of an allowed origin. */
export function hostAllowed(hostHeader: string | undefined, patterns: readonly string[]): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(hostHeader.trim());
  if (!m) return false;
  const host = m[1].toLowerCase();
  if (LOOPBACK_HOSTS.has(host)) return true;
  return patterns.some((p) => splitOrigin(p)?.host === host);
}

/** The verdict for one handshake: null when allowed, else the reason (sent to the client, logged). */
export function checkOrigin(headers: Record<string, string | string[] | undefined>, patterns: readonly string[]): string | null {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== '') {
    return originAllowed(origin, patterns) ? null : `origin ${origin} is not allowed`;
  }
  const host = typeof headers.host === 'string' ? headers.host : undefined;
  return hostAllowed(host, patterns) ? null : `request without Origin from host ${host ?? '(none)'} is not allowed`;
}
