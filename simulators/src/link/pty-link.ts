/**
 * A simulated device behind a pseudo-terminal with a stable symlink (default `/tmp/onedoor/<device id>`) that a bridge
 * or any serial tool (socat, minicom, picocom) opens like a USB serial adapter.
 *
 * Shape: host <-> PTY slave (symlink) <-> socat <-> loopback TCP <-> internal TcpLink (pacing) <-> device. socat keeps
 * the slave open itself (no `wait-slave`), so the host may close and reopen the port at will and the path never
 * flickers; see socat.ts. The consequence, unlike a real UART: bytes the device sends while no host has the port
 * open wait in the PTY buffer and reach the next opener (a bridge should flush or resynchronise on open anyway).
 * The device is attached while socat runs; `vanish()` kills socat, which closes the PTY (the host's open descriptor
 * gets EIO/hangup) and removes the symlink; `restore()` starts socat again at the same path. If socat dies on its
 * own it is restarted at once, so the path comes back.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, lstatSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SimDevice } from '../core/device.ts';
import { checkPtyPath, requireSocat, spawnSocatPty } from './socat.ts';
import { TcpLink } from './tcp-link.ts';
import type { LinkSnapshot, SimLink } from './types.ts';

export const DEFAULT_PTY_DIR = '/tmp/onedoor';

export interface PtyLinkOptions {
  baud: number;
  /** Full symlink path; default `<dir>/<device id>`. */
  path?: string;
  /** Directory for the symlink when `path` is not given (default /tmp/onedoor); created if missing. */
  dir?: string;
}

/** How long socat may take to create the PTY and connect back before start()/restore() fail. */
const READY_TIMEOUT_MS = 10_000;
/** Pause before restarting a socat that died on its own; doubles up to 2 s while it keeps dying. */
const RESTART_MIN_MS = 50;
const RESTART_MAX_MS = 2_000;

type State = 'idle' | 'up' | 'vanished' | 'closed';

export class PtyLink extends EventEmitter implements SimLink {
  readonly kind = 'pty' as const;
  readonly baud: number;
  readonly path: string;
  private readonly socat: string;
  private readonly inner: TcpLink;
  private child: ChildProcess | null = null;
  /** socat has made the PTY and connected back (the path is there to open). */
  private ready = false;
  private state: State = 'idle';
  private starts = 0;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly device: SimDevice,
    opts: PtyLinkOptions,
  ) {
    super();
    this.path = checkPtyPath(opts.path ?? join(opts.dir ?? DEFAULT_PTY_DIR, device.id));
    this.socat = requireSocat();
    this.inner = new TcpLink(device, { baud: opts.baud, port: 0, host: '127.0.0.1' });
    this.baud = this.inner.baud;
    this.inner.on('host', (up: boolean) => this.emit('host', up));
    this.inner.on('fault', (err: Error) => this.emit('fault', err));
  }

  get address(): string {
    return this.path;
  }

  get hostConnected(): boolean {
    return this.inner.hostConnected;
  }

  /** The PTY slave the symlink points at (e.g. /dev/pts/3), or null while the port is down. */
  get ptyDevice(): string | null {
    try {
      return readlinkSync(this.path);
    } catch {
      return null;
    }
  }

  /** Process id of the socat now serving the PTY (for diagnostics and supervision tests). */
  get socatPid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.state === 'up') return;
    if (this.state === 'closed') throw new Error(`PTY link ${this.path} is closed`);
    mkdirSync(dirname(this.path), { recursive: true });
    this.refuseLivePath();
    await this.inner.start();
    this.state = 'up';
    await this.launch();
  }

  async vanish(): Promise<void> {
    if (this.state !== 'up') return;
    this.state = 'vanished';
    await this.stopSocat();
    this.log('port vanished (PTY closed, symlink removed)');
  }

  async restore(): Promise<void> {
    if (this.state !== 'vanished') return;
    this.state = 'up';
    await this.launch();
    this.log(`port restored at ${this.path}`);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.stopSocat();
    await this.inner.close();
  }

  snapshot(): LinkSnapshot {
    const s = this.inner.snapshot();
    return {
      kind: this.kind,
      baud: this.baud,
      address: this.path,
      path: this.path,
      up: this.state === 'up' && this.ready,
      hostConnected: s.hostConnected,
      rxBytes: s.rxBytes,
      txBytes: s.txBytes,
      connections: this.starts,
    };
  }

  /** Start socat and wait until it has made the PTY and connected back to the internal TcpLink. */
  private async launch(): Promise<void> {
    this.removeStaleLink();
    this.inner.dropHost();
    const child = spawnSocatPty(this.socat, this.path, this.inner.port);
    this.child = child;
    this.starts++;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`socat did not create ${this.path} within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`));
      }, READY_TIMEOUT_MS);
      const onHost = (up: boolean) => {
        if (!up) return;
        cleanup();
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`socat exited (${signal ?? code}) before ${this.path} was ready: ${stderr.trim()}`));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new Error(`could not run socat for ${this.path}: ${err.message}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.inner.off('host', onHost);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      this.inner.on('host', onHost);
      child.once('exit', onExit);
      child.once('error', onError);
    }).catch((err: unknown) => {
      if (this.child === child) this.child = null;
      throw err;
    });
    this.restartDelay = RESTART_MIN_MS;
    this.ready = true;
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  /** socat died while we wanted the port up: bring the path back quickly (the host will reopen it). */
  private exited(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = false;
    this.inner.dropHost();
    if (this.state !== 'up') return;
    this.log(`socat exited unexpectedly (${signal ?? code}); restarting in ${this.restartDelay} ms`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, RESTART_MAX_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.state !== 'up' || this.child) return;
      this.launch().catch((err: unknown) => {
        this.emit('fault', new Error(`restarting socat failed: ${err instanceof Error ? err.message : String(err)}`));
        if (this.state === 'up' && !this.child) this.scheduleRestart();
      });
    }, delay);
  }

  private async stopSocat(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    this.ready = false;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 2_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.inner.dropHost();
    // socat removes its symlink on a clean exit; after SIGKILL (or a crash) it is left dangling. A link that never
    // launched socat leaves the path alone: it may be another simulator's (see refuseLivePath).
    if (this.starts > 0) this.removeStaleLink();
  }

  /**
   * Before first use: a symlink to a PTY that still exists belongs to a simulator that is running (two `onedoor-sim
   * start` with the same --dir); taking it over would leave both confused, and the other's socat would delete our
   * path when it exits. Later restarts skip this check: the path is ours, and a host may still hold the old PTY open.
   */
  private refuseLivePath(): void {
    let target: string;
    try {
      target = readlinkSync(this.path);
    } catch {
      return; // nothing there, or not a symlink (removeStaleLink explains that case)
    }
    if (existsSync(target)) {
      throw new Error(
        `${this.path} is in use: it points at ${target}, a live PTY (another simulator running with the same path?). ` +
          'Stop it, or choose another path / --dir.',
      );
    }
  }

  /** A symlink left by a crashed run points at a dead PTY; a regular file at that path is someone else's. */
  private removeStaleLink(): void {
    let isLink: boolean;
    try {
      isLink = lstatSync(this.path).isSymbolicLink();
    } catch {
      return; // nothing there
    }
    if (!isLink) throw new Error(`${this.path} exists and is not a symlink; refusing to replace it with a PTY link`);
    unlinkSync(this.path);
  }

  private log(note: string): void {
    this.emit('log', { dir: 'link', note });
  }
}
