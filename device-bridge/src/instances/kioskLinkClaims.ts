/**
 * One link per kiosk in the whole cluster (README "Many instances", one link per kiosk): a kiosk's link is claimed in
 * Redis — key `<keyPrefix>:kiosk-link:<kioskId>`, value the id of the instance holding it, with a lease — so a second
 * connection with the same kiosk token on another instance is refused, exactly as a second one on the same instance
 * is (hallLink/kioskLinkServer.ts: a copied token, or two kiosks configured alike, must not both act as one kiosk).
 *
 * The lease follows the link's life: it is renewed while the kiosk is heard from and lasts the link server's
 * `liveLinkMs` past the last renewal (plus the gap between renewals), so a link that went silent — its instance
 * killed, its network gone — frees the claim when the same link would count as silent on its own instance, and the
 * kiosk's next connection, to any instance, takes it over. A link closed in the ordinary way releases the claim at
 * once. An instance that dies (killed, machine off) releases nothing, and its kiosks must not wait the link lease to
 * move to a surviving instance: each instance also keeps a short-lived "alive" key (`<keyPrefix>:instance:<id>`,
 * `aliveMs`, renewed three times as often), and a claim held by an instance whose key has lapsed is free. Within one
 * instance the link server's own rules choose among that instance's connections. (The scripts name the instance's
 * key from the claim's value: one Redis server, not Redis Cluster.)
 *
 * Redis out of reach: a claim cannot be checked, and refusing every kiosk would stop the hall over a message bus
 * fault; so the instance admits the link on its own rule alone (fails open) and the instance's health already says
 * degraded (redisMessageBus.ts). Redis is chosen over a PostgreSQL row because the claim lives only as long as a
 * connection: nothing of it is hall data, and the heartbeat renewals stay off the database every ticket waits on.
 */
import { randomUUID } from 'node:crypto';

/** The link server's view of a cluster-wide claim store. */
export interface KioskLinkClaims {
  /** Takes (or keeps) the claim for this instance; false when another instance holds it. True when unknown (fail open). */
  claim(kioskId: string): Promise<boolean>;
  /** Extends this instance's claim; false when another instance has taken it over meanwhile. True when unknown. */
  renew(kioskId: string): Promise<boolean>;
  /** Frees the claim if this instance holds it. */
  release(kioskId: string): Promise<void>;
}

/** The Redis calls the claims use (node-redis's client: `eval` with keys and arguments). */
export interface ClaimsRedis {
  readonly isReady: boolean;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  set(key: string, value: string, options: { PX: number }): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

// Take or extend: free, or held by an instance no longer alive -> ours; ours -> extended; a live instance's -> refused.
// A claim held is also this instance's alive mark (so it never depends on the timer's first turn).
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v ~= ARGV[1] and v ~= false and redis.call('EXISTS', ARGV[3] .. v) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', ARGV[3] .. ARGV[1], '1', 'PX', ARGV[4])
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisKioskLinkClaimsOptions {
  redis: ClaimsRedis;
  keyPrefix: string;
  /** How long a claim outlives its last renewal (the link server's liveLinkMs plus the gap between renewals). */
  leaseMs: number;
  /** This instance (default: a random id per process). */
  instanceId?: string;
  /** How long this instance counts as alive after its last renewal (default 3 s, renewed every third of it). */
  aliveMs?: number;
  /** Told when a call could not reach Redis (the link was admitted on this instance's rule alone). */
  onUnreachable?: (err: Error) => void;
}

/** An instance killed frees its kiosks' links this long after its last renewal at most. */
export const INSTANCE_ALIVE_MS = 3000;

export function redisKioskLinkClaims(o: RedisKioskLinkClaimsOptions): KioskLinkClaims & { readonly instanceId: string; stop(): Promise<void> } {
  const instanceId = o.instanceId ?? randomUUID();
  const key = (kioskId: string) => `${o.keyPrefix}:kiosk-link:${kioskId}`;
  const instances = `${o.keyPrefix}:instance:`;
  const aliveMs = o.aliveMs ?? INSTANCE_ALIVE_MS;
  const alive = () => {
    if (o.redis.isReady) o.redis.set(instances + instanceId, '1', { PX: aliveMs }).catch(() => undefined);
  };
  alive();
  const aliveTimer = setInterval(alive, Math.max(1, Math.floor(aliveMs / 3)));
  aliveTimer.unref();
  const run = async (script: string, kioskId: string, extra: string[]): Promise<boolean> => {
    if (!o.redis.isReady) return true;
    try {
      return Number(await o.redis.eval(script, { keys: [key(kioskId)], arguments: [instanceId, ...extra] })) === 1;
    } catch (err) {
      o.onUnreachable?.(err as Error);
      return true;
    }
  };
  const claim = (kioskId: string) => run(CLAIM, kioskId, [String(o.leaseMs), instances, String(aliveMs)]);
  return {
    instanceId,
    claim,
    renew: claim,
    release: async (kioskId) => {
      await run(RELEASE, kioskId, []);
    },
    // A stopping instance says so at once: its kiosks' claims are free for the instances that stay.
    stop: async () => {
      clearInterval(aliveTimer);
      if (o.redis.isReady) await o.redis.del(instances + instanceId).catch(() => undefined);
    },
  };
}
