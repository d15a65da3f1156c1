/**
 * Calls and boards across hall-server instances (README "Many instances"): socket.io's Redis adapter
 * (`@socket.io/redis-adapter` over node-redis), so an `emit` on a namespace of one instance reaches the sockets of
 * that namespace on every instance sharing the Redis server and key prefix — a call made where the counter bus is
 * driven reaches a `/display` or `/hall` dashboard connected to any other instance.
 *
 * Redis going away must not take the instance with it:
 * - the adapter always delivers to this instance's own sockets first and publishes besides; a publish while Redis is
 *   down is dropped (not queued: a call replayed minutes later would mislead a waiting hall; the display takes the
 *   whole board again on every change and reconnect, api/displaySocket.ts) and never rejects unhandled;
 * - the clients reconnect on their own with a capped delay; until then `problem()` says so for health (degraded).
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { redisKioskLinkClaims, type KioskLinkClaims } from './kioskLinkClaims.ts';
import type { Server } from 'socket.io';

export interface MessageBusSettings {
  /** redis://host:6379/0 */
  redisUrl: string;
  /** Channel prefix: instances serving one hall share it; another hall (or a test) uses its own. */
  keyPrefix: string;
}

export interface MessageBus {
  /** null while calls reach other instances; otherwise why not, in words (health: degraded). */
  problem(): string | null;
  /** The cluster-wide claims of kiosk links (kioskLinkClaims.ts) on this bus's Redis and key prefix. */
  kioskLinkClaims(leaseMs: number): KioskLinkClaims;
  /**
   * `f` runs each time the bus connects, at start and after every outage, once both clients are ready (and the
   * adapter's subscriptions had a moment to be renewed): what was said meanwhile was dropped, so this is when to
   * ask the other instances again (kioskReportSync.ts).
   */
  onConnected(f: () => void): void;
  close(): Promise<void>;
}

/** Longest wait between reconnection attempts to Redis. */
export const REDIS_RECONNECT_MAX_MS = 2_000;
/** After both clients are ready, the wait before `onConnected` listeners run (the adapter re-subscribes meanwhile). */
const SUBSCRIPTIONS_SETTLE_MS = 250;

export function attachRedisMessageBus(io: Server, settings: MessageBusSettings, log: Logger): MessageBus {
  const blog = log.child({ messageBus: 'redis' });
  const pub = createClient({
    url: settings.redisUrl,
    // Commands while disconnected fail at once instead of piling up (see above: a stale call is worse than none).
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), REDIS_RECONNECT_MAX_MS) },
  });
  const sub = pub.duplicate();
  let lastError: string | null = null;
  let closed = false;
  const connectedListeners: Array<() => void> = [];
  for (const [name, client] of [['publish', pub], ['subscribe', sub]] as const) {
    client.on('error', (err: Error) => {
      const text = (err as { code?: string }).code ?? err.message;
      if (text !== lastError) blog.warn({ client: name, err: text }, 'Redis unavailable: calls reach this instance\'s screens only');
      lastError = text;
    });
    client.on('ready', () => {
      if (lastError !== null) blog.info({ client: name }, 'Redis back: calls reach every instance again');
      lastError = null;
      if (pub.isReady && sub.isReady) {
        const t = setTimeout(() => {
          if (!closed) for (const f of connectedListeners) f();
        }, SUBSCRIPTIONS_SETTLE_MS);
        t.unref();
      }
    });
    // The first connection is retried by the reconnect strategy; the instance starts without waiting for it.
    client.connect().catch(() => undefined);
  }
  // The adapter publishes fire-and-forget; a publish refused while Redis is down would be an unhandled rejection.
  const safePub = new Proxy(pub, {
    get(target, prop, receiver) {
      if (prop === 'publish') {
        return (channel: string, message: string | Buffer) =>
          target.isReady ? target.publish(channel, message).catch(() => 0) : Promise.resolve(0);
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  io.adapter(createAdapter(safePub, sub, { key: settings.keyPrefix }));
  const stops: Array<() => Promise<void>> = [];
  return {
    kioskLinkClaims: (leaseMs) => {
      const claims = redisKioskLinkClaims({
        redis: pub, keyPrefix: settings.keyPrefix, leaseMs,
        onUnreachable: (err) => blog.warn({ err: err.message }, 'kiosk link claim not checked (Redis): admitted on this instance\'s rule'),
      });
      stops.push(claims.stop);
      return claims;
    },
    onConnected: (f) => {
      connectedListeners.push(f);
    },
    problem: () => (pub.isReady && sub.isReady ? null : `Redis ${redisWhere(settings.redisUrl)} unreachable: calls reach screens on this instance only`),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const stop of stops) await stop();
      for (const c of [pub, sub]) {
        if (c.isReady) await c.close().catch(() => c.destroy());
        else if (c.isOpen) c.destroy();
      }
    },
  };
}

/** host:port of the Redis URL, without a password (health and logs are read by monitoring). */
function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'server';
  }
}
