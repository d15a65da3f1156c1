/**
 * A socat PTY pair made by the test itself (common rules: real PTYs, no mocks). `kill()` unplugs (socat removes
 * both links and the PTY masters close), `restart()` plugs back in at the same link paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../../test/support/until.ts';

export interface PtyPair {
  /** The bridge's end. */
  a: string;
  /** The fake device's end. */
  b: string;
  dir: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Kill socat and remove the temp dir. */
  dispose(): Promise<void>;
}


export async function startPtyPair(prefix = 'od-pty-'): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const a = join(dir, 'bridge');
  const b = join(dir, 'device');
  let proc: ChildProcess | null = null;

  const start = async () => {
    proc = spawn('/usr/bin/socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    await until(() => existsSync(a) && existsSync(b), `socat links in ${dir}`);
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    await until(() => !existsSync(a) && !existsSync(b), 'socat links removed');
  };
  await start();
  return {
    a,
    b,
    dir,
    kill,
    restart: start,
    dispose: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { until };
