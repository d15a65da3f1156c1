/**
 * Finding and running socat, which makes the pseudo-terminal a host opens. The PTY side is
 * `PTY,link=<path>,raw,echo=0` WITHOUT `wait-slave`: socat then keeps its own descriptor on the slave, so a host can
 * close and reopen the port any number of times without socat seeing a hangup and exiting (checked with socat
 * 1.7.4). The other side is a loopback TCP connection to the link's internal TcpLink, which does the pacing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export class SocatMissingError extends Error {
  constructor(pathEnv: string) {
    super(
      'socat was not found on PATH (' +
        (pathEnv || 'empty') +
        '). The PTY link needs it: install the Debian package with `apt-get install socat`, ' +
        'or use the TCP link instead (`--tcp`, or {link: "tcp"}).',
    );
    this.name = 'SocatMissingError';
  }
}

/** Absolute path of an executable found on PATH, or null. */
export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here, try the next directory
    }
  }
  return null;
}

/** The socat binary to run; throws SocatMissingError (naming the Debian package) when there is none. */
export function requireSocat(): string {
  const found = findOnPath('socat');
  if (!found) throw new SocatMissingError(process.env.PATH ?? '');
  return found;
}

/** socat address syntax gives ',', ':' and '!' meaning (and '{', '}' quoting in 1.8); refuse them in a link path. */
export function checkPtyPath(path: string): string {
  if (!path || /[,:!{}\s"'\\]/.test(path)) {
    throw new Error(`PTY link path must be a plain file path without spaces, commas, colons or quotes, got "${path}"`);
  }
  return path;
}

// Every socat we started, so that none outlives this process even if a test or the CLI forgets to close its link.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGTERM');
});

export function spawnSocatPty(socat: string, ptyPath: string, tcpPort: number): ChildProcess {
  const child = spawn(socat, [`PTY,link=${ptyPath},raw,echo=0`, `TCP:127.0.0.1:${tcpPort},nodelay`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}
