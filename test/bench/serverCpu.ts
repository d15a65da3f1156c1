/**
 * CPU time of the local database servers (PostgreSQL's backends and background processes, Redis), read from
 * /proc: what a run cost the servers beside what it cost this process (`process.cpuUsage`). On this one box the
 * two together bound the rate: at most `cores / CPU per ticket` tickets a second, however the work is arranged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const SERVERS = ['(postgres)', '(redis-server)'];
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Seconds of CPU (user + system) used so far by every running PostgreSQL and Redis process. */
export function serverCpuSeconds(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const close = stat.lastIndexOf(')');
    if (!SERVERS.includes(stat.slice(stat.indexOf('('), close + 1))) continue;
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (proc(5): fields 14 and 15)
  }
  return ticks / TICKS_PER_SECOND;
}

/** Measures `run`: its wall time and the CPU seconds this process and the servers spent meanwhile. */
export async function withCpu<T>(run: () => Promise<T>): Promise<{ result: T; wallS: number; processS: number; serverS: number }> {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const server0 = serverCpuSeconds();
  const result = await run();
  const cpu = process.cpuUsage(cpu0);
  return { result, wallS: (performance.now() - wall0) / 1000, processS: (cpu.user + cpu.system) / 1e6, serverS: serverCpuSeconds() - server0 };
}

export const CORES = availableParallelism();
