/**
 * "Builds what is needed" (README, top: `npm start` builds the UI when it is missing or stale): the
 * kiosk UI is the only part that needs a build (TypeScript elsewhere runs through tsx). It is built
 * when its output is missing or older than any of its sources.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from './options.ts';

/**
 * What the built UI is made from: the UI's own files and the protocol package, whose contract (types and the few
 * constants the UI uses) is bundled into it.
 */
export const UI_SOURCES: readonly string[] = [
  'kiosk-ui/src',
  'kiosk-ui/index.html',
  'kiosk-ui/m.html',
  'kiosk-ui/vite.config.ts',
  'kiosk-ui/scripts',
  'kiosk-ui/public',
  'kiosk-ui/package.json',
  'protocol/src',
].map((p) => resolve(REPO_ROOT, p));

export const UI_VITE_CONFIG = resolve(REPO_ROOT, 'kiosk-ui/vite.config.ts');

/** The newest modification time (ms) of a file or of any file under a folder; 0 when it does not exist. */
export function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Why the UI in `outDir` must be built, or null when it is up to date. Its `index.html` is written last by the
 * build, so its time is the build's.
 */
export function uiBuildReason(outDir: string, sources: readonly string[] = UI_SOURCES): string | null {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const built = statSync(index).mtimeMs;
  for (const src of sources) {
    if (newestMtime(src) > built) return `${src} changed since the last build`;
  }
  return null;
}

/**
 * Build the UI with Vite (programmatically, the kiosk-ui config) into `outDir`. The build goes to a sibling
 * folder first and is swapped in at the end, so a bridge already serving `outDir`, or a second launcher building
 * at the same time, never sees a half-written folder.
 */
export async function buildUi(outDir: string, viteConfig = UI_VITE_CONFIG): Promise<void> {
  const { build } = await import('vite');
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(dirname(outDir), `.${basename(outDir)}.building-${stamp}`);
  const old = join(dirname(outDir), `.${basename(outDir)}.old-${stamp}`);
  try {
    // A Vite build keeps a NODE_ENV it finds (Vitest's `test`, a shell's `development`): the screens would carry their
    // development branches (over the kiosk's 60 KB budget, chunked differently run to run). A kiosk runs the
    // production build whatever the environment says; NODE_ENV is put back for the rest of this process.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: viteConfig, mode: 'production', logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    try {
      renameSync(outDir, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      renameSync(tmp, outDir);
    } catch (err) {
      // Another launcher swapped its (equally fresh) build in between our two renames: keep theirs.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** Build when needed; returns the reason it built, or null when the UI was up to date. */
export async function ensureUiBuilt(outDir: string, onBuild?: (reason: string) => void): Promise<string | null> {
  const reason = uiBuildReason(outDir);
  if (reason === null) return null;
  onBuild?.(reason);
  await buildUi(outDir);
  return reason;
}
