/**
 * Lock waits of the hall's PostgreSQL sessions while a bench cell runs, sampled from `pg_stat_activity`: how many of
 * the database's client backends were waiting on a lock (`wait_event_type = 'Lock'`: a row another transaction holds,
 * `transactionid` or `tuple`; an advisory lock, `advisory`) at each sample, on average. CPU explains most of a cell's
 * latency on a shared box; lock waits are the part that machines of their own would not take away (README "Many
 * instances": one count row per category once made three instances' ticket groups take turns, 2.5 ms a group, which
 * the rate on this box did not show).
 *
 * One query every SAMPLE_MS on a connection of its own (its backend is not among those counted, and `run` is given its
 * pid, for a CPU measure to leave out): a few hundred a cell, against thousands of the tickets' statements.
 */
import pg from 'pg';

const SAMPLE_MS = 20;

export interface LockWaits {
  /** Backends waiting on a lock, mean over the samples. */
  waiting: number;
  /** The same by wait event (`transactionid`, `tuple`, `advisory`, ...), only those seen. */
  byEvent: Record<string, number>;
  samples: number;
}

/** Samples the lock waits of the database's client backends (other than its own) while `run` runs. */
export async function withLockWaits<T>(url: string, run: (samplerPid: number) => Promise<T>): Promise<{ result: T; locks: LockWaits }> {
  const client = new pg.Client({ connectionString: url, application_name: 'onedoor-bench-lock-waits' });
  await client.connect();
  const samplerPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const seen = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query<{ event: string; n: number }>(`SELECT wait_event AS event, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
        GROUP BY wait_event`);
      samples++;
      for (const r of rows) seen.set(r.event, (seen.get(r.event) ?? 0) + r.n);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();
  try {
    const result = await run(samplerPid);
    return { result, locks: summary(seen, samples) };
  } finally {
    running = false;
    await sampling.catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

function summary(seen: ReadonlyMap<string, number>, samples: number): LockWaits {
  const per = (n: number) => (samples === 0 ? 0 : n / samples);
  const byEvent = Object.fromEntries([...seen].map(([event, n]) => [event, per(n)]));
  return { waiting: per([...seen.values()].reduce((a, b) => a + b, 0)), byEvent, samples };
}

/** "0.42 (transactionid 0.40, advisory 0.02)", or "0" when no backend was seen waiting. */
export function formatLockWaits(l: LockWaits): string {
  const parts = Object.entries(l.byEvent).sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} ${n.toFixed(2)}`);
  return parts.length === 0 ? '0' : `${l.waiting.toFixed(2)} (${parts.join(', ')})`;
}
