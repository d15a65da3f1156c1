/**
 * The phone page's link to its ticket (README "The phone channel"): the capability from the URL fragment
 * (`/m#c=<capability>`: a fragment never reaches a server log), the view over server-sent events, and a fresh read
 * whenever the phone wakes (EventSource reconnects by itself, but a phone that slept may have missed the call).
 */
import type { PhoneRefusal, PhoneTicketView } from '@onedoor/protocol';

/** The capability in `#c=...`, or null. Only the shape the bridge issues passes (it checks again). */
export function capabilityFrom(hash: string): string | null {
  const c = new URLSearchParams(hash.replace(/^#/, '')).get('c');
  return c && /^T1\.[0-9a-z]{1,8}\.\d{8}\.[A-Za-z0-9_-]{22}$/.test(c) ? c : null;
}

export type LinkState = 'connecting' | 'live' | 'reconnecting';

export interface TicketLinkHandlers {
  view(v: PhoneTicketView): void;
  refused(r: PhoneRefusal): void;
  state(s: LinkState): void;
}

/** Opens the stream for `capability`; returns close. */
export function openTicketLink(capability: string, on: TicketLinkHandlers): () => void {
  const q = `c=${encodeURIComponent(capability)}`;
  let source: EventSource | null = null;
  let closed = false;

  const read = async () => {
    try {
      const r = await fetch(`/api/m/ticket?${q}`, { cache: 'no-store' });
      const body = (await r.json()) as PhoneTicketView | (PhoneRefusal & { error: string });
      if (r.ok) on.view(body as PhoneTicketView);
      else on.refused(body as PhoneRefusal);
      return r.ok;
    } catch {
      on.state('reconnecting');
      return false;
    }
  };
  const stream = () => {
    if (closed || (source && source.readyState !== EventSource.CLOSED)) return;
    source = new EventSource(`/api/m/ticket/events?${q}`);
    source.addEventListener('ticket', (e) => {
      on.state('live');
      on.view(JSON.parse((e as MessageEvent<string>).data) as PhoneTicketView);
    });
    source.onerror = () => {
      on.state('reconnecting');
      // A refusal (404, 429) closes the stream for good: read once to learn why, then try the stream again later.
      if (source?.readyState === EventSource.CLOSED) setTimeout(() => void read().then((ok) => ok && stream()), 5000);
    };
  };
  const wake = () => {
    if (document.visibilityState === 'visible') void read().then((ok) => ok && stream());
  };
  void read().then((ok) => ok && stream());
  document.addEventListener('visibilitychange', wake);
  return () => {
    closed = true;
    source?.close();
    document.removeEventListener('visibilitychange', wake);
  };
}
