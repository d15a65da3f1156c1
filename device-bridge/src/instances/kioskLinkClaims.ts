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

// The claims and releases asked in one event-loop turn, in the order asked, one key each (ARGV[5] the ops: 'c' claim
// or renew, 'r' release). Claim: free, or held by an instance no longer alive -> ours; ours -> extended; a live
// instance's -> refused (0). Release: deleted if ours. A claim held is also this instance's alive mark (so it never
// depends on the timer's first turn).
const APPLY = `local out = {}
local claimed = false
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if string.sub(ARGV[5], i, i) == 'r' then
    if v == ARGV[1] then redis.call('DEL', key) end
    out[i] = 1
  elseif v ~= ARGV[1] and v ~= false and redis.call('EXISTS', ARGV[3] .. v) == 1 then
    out[i] = 0
  else
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    claimed = true
    out[i] = 1
  end
end
if claimed then redis.call('SET', ARGV[3] .. ARGV[1], '1', 'PX', ARGV[4]) end
return out`;

/**
 * At most this many claims and releases per script call: a reconnect storm of thousands of kiosks is claimed in a few
 * calls instead of one round trip each (README "Many instances"), and no call holds Redis for long.
 */
const BATCH = 500;

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
  // Everything asked in one turn goes out at the end of it, in the order asked (a release then a claim of the same
  // kiosk stay in that order), BATCH per script call.
  let asked: Array<{ op: 'c' | 'r'; kioskId: string; done: (ok: boolean) => void }> = [];
  let flushing: NodeJS.Immediate | null = null;
  const send = async (ops: typeof asked): Promise<void> => {
    if (!o.redis.isReady) return ops.forEach((a) => a.done(true));
    try {
      const out = (await o.redis.eval(APPLY, {
        keys: ops.map((a) => key(a.kioskId)),
        arguments: [instanceId, String(o.leaseMs), instances, String(aliveMs), ops.map((a) => a.op).join('')],
      })) as unknown[];
      ops.forEach((a, i) => a.done(Number(out[i]) === 1));
    } catch (err) {
      o.onUnreachable?.(err as Error);
      ops.forEach((a) => a.done(true));
    }
  };
  const flush = () => {
    flushing = null;
    const ops = asked;
    asked = [];
    for (let i = 0; i < ops.length; i += BATCH) void send(ops.slice(i, i + BATCH));
  };
  const ask = (op: 'c' | 'r', kioskId: string) => new Promise<boolean>((done) => {
    asked.push({ op, kioskId, done });
    flushing ??= setImmediate(flush);
  });
  const claim = (kioskId: string) => ask('c', kioskId);
  return {
    instanceId,
    claim,
    renew: claim,
    release: async (kioskId) => {
      await ask('r', kioskId);
    },
    // A stopping instance says so at once: its kiosks' claims are free for the instances that stay.
    stop: async () => {
      clearInterval(aliveTimer);
      if (o.redis.isReady) await o.redis.del(instances + instanceId).catch(() => undefined);
    },
  };
}
