/**
 * The screens (kiosk-ui) built once per content and shared by every end-to-end file of a run. Each file used to run
 * its own production `vite build` into a temp dir: one build per file, the same bytes every time, and on a 2-core
 * machine minutes of the suite. The build is keyed by a hash of everything it reads (kiosk-ui's sources and config,
 * protocol's sources, the lockfile), so an edit to a screen gets a fresh build and two runs never mix outputs.
 *
 * Test files run in parallel workers: the first to come builds under a lock directory (mkdir is atomic) into a
 * private dir that is renamed into place when complete; the others wait for the finished dir. A lock left by a
 * killed worker is taken over after `STALE_LOCK_MS`. The shared dir is read-only for tests: never write into it, never
 * delete it (it lives in the OS temp dir, one per content hash).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUi, UI_SOURCES } from '../../scripts/launcher/uiBuild.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** What the build reads (the launcher's list) and the lockfile: a change in any of these is a different build. */
const INPUTS = [...UI_SOURCES.map((p) => relative(REPO_ROOT, p)), 'package-lock.json'];
const SKIP = new Set(['node_modules', 'dist', '.vite']);
/** A production build takes well under this even on a loaded machine; a lock older than it was left by a dead worker. */
const STALE_LOCK_MS = 5 * 60_000;

function hashInputs(): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    const abs = join(REPO_ROOT, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!SKIP.has(name)) walk(join(rel, name));
      return;
    }
    h.update(rel).update('\0').update(readFileSync(abs)).update('\0');
  };
  for (const input of INPUTS) walk(input);
  return h.digest('hex').slice(0, 20);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let built: Promise<string> | undefined;

/** The directory holding the production build of the screens (index.html and assets), built at most once per content. */
export function builtUi(): Promise<string> {
  built ??= buildOnce();
  return built;
}

async function buildOnce(): Promise<string> {
  const dir = join(tmpdir(), `onedoor-ui-${hashInputs()}`);
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(join(dir, 'index.html'))) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // Another worker builds: wait for its result, or take over a lock its dead owner left.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(join(dir, 'index.html'))) return dir;
      // The launcher's build (production whatever NODE_ENV says; into a sibling dir swapped in when complete).
      await buildUi(dir);
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
