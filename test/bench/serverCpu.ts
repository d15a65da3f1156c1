/**
 * CPU time of the local database servers, read from /proc: what a run cost the servers beside what it cost the
 * bench's own processes (`process.cpuUsage`). On this one box the two together bound the rate: at most
 * `cores / CPU per ticket` tickets a second, however the work is arranged.
 *
 * The box is shared (other benches and tests use the same PostgreSQL and Redis), so of PostgreSQL's backends only
 * those serving a connection of the bench's processes count (matched by the client's TCP port, which the backend's
 * process title shows); PostgreSQL's shared processes (WAL writer, checkpointer, ...) and Redis (one process for
 * everyone) count whole: their share cannot be told apart, and on a quiet box it is all the bench's.
 * Counted per process between the start and the end of a run: a backend that ended during the run drops out (its
 * CPU would otherwise turn the sum negative), one that started during it counts whole.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The local TCP ports of the sockets `pids` hold open (their connections to PostgreSQL among them). */
function localPorts(pids: readonly number[]): Set<number> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // ended
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed since the listing
      }
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    // proc(5): "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode"; addresses are HEX:PORT.
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

/**
 * CPU ticks (user + system) used so far by each server process counted for `clientPids`: Redis, PostgreSQL's shared
 * processes, and the PostgreSQL backends serving those processes' connections.
 */
function serverTicks(clientPids: readonly number[], skip: ReadonlySet<number>): Map<number, number> {
  const ports = localPorts(clientPids);
  const ticks = new Map<number, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || skip.has(Number(pid))) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('('), close + 1);
    if (name !== '(postgres)' && name !== '(redis-server)') continue;
    if (name === '(postgres)') {
      // A backend's title: "postgres: 15/main: <user> <db> 127.0.0.1(<client port>) <state>"; shared ones have no "(port)".
      let title = '';
      try {
        title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      const client = /\((\d+)\)/.exec(title);
      if (client && !ports.has(Number(client[1]))) continue;
    }
    const fields = stat.slice(close + 2).split(' ');
    ticks.set(Number(pid), Number(fields[11]) + Number(fields[12])); // utime, stime (proc(5): fields 14 and 15)
  }
  return ticks;
}

/**
 * Measures `run`: its wall time, the CPU seconds this process spent meanwhile, and the servers' for the connections
 * of `clientPids` (default this process; a bench whose instances run in processes of their own passes theirs too),
 * but for the server processes `skipServerPids` (the backend of a bench's own sampling connection: lockWaits.ts).
 */
export async function withCpu<T>(run: () => Promise<T>, clientPids: readonly number[] = [process.pid], skipServerPids: readonly number[] = []):
Promise<{ result: T; wallS: number; processS: number; serverS: number }> {
  const skip = new Set(skipServerPids);
  // The servers read outside the process's measure: reading /proc is the bench's cost, not the run's.
  const server0 = serverTicks(clientPids, skip);
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await run();
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - wall0) / 1000;
  let ticks = 0;
  for (const [pid, t] of serverTicks(clientPids, skip)) ticks += t - (server0.get(pid) ?? 0);
  return { result, wallS, processS: (cpu.user + cpu.system) / 1e6, serverS: ticks / TICKS_PER_SECOND };
}

export const CORES = availableParallelism();
