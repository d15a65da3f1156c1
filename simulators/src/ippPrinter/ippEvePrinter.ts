/**
 * The A4 document printer simulator is a real, independent IPP printer: CUPS's `ippeveprinter` (Debian package
 * `cups-ipp-utils`), run on a local port, keeping every job's document in a folder (`-k -d <dir>`), so tests print
 * real IPP jobs and read back exactly what was printed.
 *
 * What is simulated, and how:
 * - paper out / refill: ippeveprinter's own media web page (`/media`, on by default) sets the main tray's level; at
 *   0 sheets the printer reports `media-empty-report` in printer-state-reasons (seen with CUPS 2.4; it stays `idle`
 *   and would still accept jobs: the bridge holds them);
 * - printer down / back: stopping the process and starting it again on the same port (the new process knows none
 *   of the old jobs, as a power-cycled printer);
 * - toner: the `/supplies` page sets levels, but CUPS 2.4 adds no printer-state-reason for an empty supply, so
 *   toner-empty cannot be simulated here (the mapping is unit-tested).
 * Not simulated: a jam or paper out in the middle of a job (ippeveprinter finishes every job it accepted), a door
 * open, a printer refusing PDF (its format list comes from `-f`; a test may start it with another list).
 *
 * Debian's build registers with DNS-SD, so a system D-Bus and avahi-daemon must run (`ensureDnsSd`); `-n 127.0.0.1`
 * is not passed because the printer then fails on its IPv6 listener.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const IPPEVEPRINTER = '/usr/sbin/ippeveprinter';

/**
 * Environment variable naming the ippeveprinter to run instead of Debian's (a build of CUPS elsewhere, or a path
 * that does not exist to see `npm start` without the A4 printer on a machine that has one).
 */
export const IPPEVEPRINTER_ENV = 'ONEDOOR_IPPEVEPRINTER';

/** The ippeveprinter binary: `$ONEDOOR_IPPEVEPRINTER` when set, else Debian's path. */
export function ippEvePrinterPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[IPPEVEPRINTER_ENV] || IPPEVEPRINTER;
}

/** The words `npm start` and the tests show when the simulator cannot run. */
export const IPPEVEPRINTER_MISSING = 'the A4 printer simulator needs CUPS\'s ippeveprinter: apt-get install cups-ipp-utils avahi-daemon dbus';

/**
 * Whether the simulator can run: the binary `$ONEDOOR_IPPEVEPRINTER` names when set (that one only), else Debian's
 * path or one on PATH.
 */
export function ippEvePrinterAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[IPPEVEPRINTER_ENV]) return existsSync(env[IPPEVEPRINTER_ENV]);
  return existsSync(IPPEVEPRINTER) || spawnSync('sh', ['-c', 'command -v ippeveprinter'], { stdio: 'ignore' }).status === 0;
}

/** True when avahi answers on the system bus: what ippeveprinter's DNS-SD registration needs, whatever pgrep says. */
function avahiAnswers(): boolean {
  return spawnSync('dbus-send', ['--system', '--print-reply', '--reply-timeout=1000', '--dest=org.freedesktop.Avahi', '/',
    'org.freedesktop.Avahi.Server.GetVersionString'], { stdio: 'ignore', timeout: 3000 }).status === 0;
}

function systemBusAnswers(): boolean {
  return spawnSync('dbus-send', ['--system', '--print-reply', '--reply-timeout=1000', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
    'org.freedesktop.DBus.GetId'], { stdio: 'ignore', timeout: 3000 }).status === 0;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Starts the system D-Bus and avahi when they do not answer (ippeveprinter registers its service with them), and
 * waits up to 10 s for avahi to be on the bus. Checks the bus itself rather than process names: a zombie
 * dbus-daemon, a stale pid file or a daemon still starting (another test file got there first) all look "running"
 * to pgrep. Returns what is wrong, or null.
 */
export function ensureDnsSd(): string | null {
  if (avahiAnswers()) return null;
  if (!systemBusAnswers()) {
    mkdirSync('/run/dbus', { recursive: true });
    // dbus refuses to start without a machine id (absent on some minimal images) or with a stale pid file.
    spawnSync('dbus-uuidgen', ['--ensure'], { stdio: 'ignore' });
    if (existsSync('/run/dbus/pid')) spawnSync('sh', ['-c', 'kill -0 "$(cat /run/dbus/pid)" 2>/dev/null || rm -f /run/dbus/pid'], { stdio: 'ignore' });
    spawnSync('dbus-daemon', ['--system', '--fork'], { stdio: 'ignore' });
  }
  // --no-rlimits: containers often refuse avahi's resource limits; -D returns once the daemon is up (or already is).
  if (!avahiAnswers()) spawnSync('avahi-daemon', ['-D', '--no-rlimits'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (avahiAnswers()) return null;
    sleepSync(200);
  }
  return systemBusAnswers() ? 'avahi-daemon does not answer on the system D-Bus' : 'the system D-Bus does not answer';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface IppEvePrinterOptions {
  /** Folder for the kept job files (created). */
  spoolDir: string;
  /** Default: a free port. */
  port?: number;
  name?: string;
  /** `-f`: document formats it accepts (default application/pdf). */
  formats?: string;
  /**
   * Time each page takes to "print" (default 0: a job completes as soon as it is received). Above 0 the print
   * command reports the job's pages (`job-impressions`, counted with poppler's pdfinfo) and then one more page
   * done (`job-impressions-completed`) every `pageMs`, through ippeveprinter's `ATTR:` messages, so a client sees
   * page progress as from a real printer.
   */
  pageMs?: number;
}

/**
 * The print command for a paced job (ippeveprinter runs it with the document's file as its argument; man
 * ippeveprinter, "COMMAND OUTPUT": `ATTR: job-impressions[-completed]=n` on stderr sets the job's attributes).
 */
function pagedPrintCommand(pageMs: number): string {
  const seconds = (pageMs / 1000).toFixed(3);
  return [
    '#!/bin/sh',
    'pages=$(pdfinfo "$1" 2>/dev/null | sed -n "s/^Pages: *//p")',
    '[ -n "$pages" ] || pages=1',
    'echo "ATTR: job-impressions=$pages" >&2',
    'i=1',
    `while [ "$i" -le "$pages" ]; do sleep ${seconds}; echo "ATTR: job-impressions-completed=$i" >&2; i=$((i + 1)); done`,
    '',
  ].join('\n');
}

export class IppEvePrinterSim {
  private child: ChildProcess | null = null;
  private port = 0;
  private output = '';

  constructor(private readonly opts: IppEvePrinterOptions) {}

  get uri(): string {
    return `ipp://127.0.0.1:${this.port}/ipp/print`;
  }

  get webUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** Starts the printer and waits until it answers HTTP. */
  async start(): Promise<void> {
    if (this.running) return;
    const dnsSd = ensureDnsSd();
    mkdirSync(this.opts.spoolDir, { recursive: true });
    if (!this.port) this.port = this.opts.port ?? (await freePort());
    this.output = '';
    const child = spawn(ippEvePrinterPath(), ['-k', '-d', this.opts.spoolDir, '-p', String(this.port), '-f', this.opts.formats ?? 'application/pdf',
      // Without a print command ippeveprinter "processes" each job by sleeping 5 to 15 s; with one, the job is
      // completed when the command exits. /bin/true: at once (the file is kept by -k all the same).
      '-c', this.printCommand(),
      '-m', 'A4 Laser', '-M', 'OneDoor', this.opts.name ?? `OneDoor A4 ${this.port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b: Buffer) => (this.output = (this.output + b.toString()).slice(-4000)));
    child.stderr!.on('data', (b: Buffer) => (this.output = (this.output + b.toString()).slice(-4000)));
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`ippeveprinter exited (${child.exitCode}): ${this.output.trim()}${dnsSd ? ` (${dnsSd})` : ''}`);
      }
      try {
        const r = await fetch(`${this.webUrl}/`, { signal: AbortSignal.timeout(500) });
        await r.arrayBuffer();
        // A4 in the main tray, so copies are printed on the paper they were made for.
        await this.setTray(250);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`ippeveprinter did not answer on port ${this.port}: ${this.output.trim()}`);
  }

  /** `/bin/true`, or a script in its own temp folder (not the spool dir: that holds only printed documents). */
  private printCommand(): string {
    const pageMs = this.opts.pageMs ?? 0;
    if (!(pageMs > 0)) return '/bin/true';
    const file = join(mkdtempSync(join(tmpdir(), 'od-ippeve-cmd-')), 'print-pages.sh');
    writeFileSync(file, pagedPrintCommand(pageMs), { mode: 0o755 });
    return file;
  }

  /** Stops the process (the printer is down); jobs it held are gone with it, as at a power cut. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }

  /** Paper out (0 sheets in the main tray) or refill, through the printer's own media page. */
  async setTray(sheets: number): Promise<void> {
    const q = new URLSearchParams({ size1: 'iso_a4_210x297mm', type1: 'stationery', level1: String(sheets),
      size3: 'na_number-10_4.125x9.5in', type3: 'envelope', level3: '25' });
    const r = await fetch(`${this.webUrl}/media?${q}`, { signal: AbortSignal.timeout(3000) });
    await r.arrayBuffer();
  }

  paperOut(): Promise<void> {
    return this.setTray(0);
  }

  refill(): Promise<void> {
    return this.setTray(250);
  }

  /** The documents it printed (kept job files), oldest first, as full paths. */
  printedFiles(): string[] {
    if (!existsSync(this.opts.spoolDir)) return [];
    return readdirSync(this.opts.spoolDir)
      .filter((f) => /\.pdf$/i.test(f))
      .map((f) => join(this.opts.spoolDir, f))
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs || a.localeCompare(b, undefined, { numeric: true }));
  }

  get log(): string {
    return this.output;
  }
}
