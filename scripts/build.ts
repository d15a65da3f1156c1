/**
 * `npm run build`: the compiled form of OneDoor that a kiosk PC or hall server runs with plain `node` (no tsx, no
 * dev dependencies at run time; README "Installing a kiosk PC"):
 *
 *   protocol/dist/         the codecs as JavaScript, with its own package.json whose exports point at the .js files
 *   device-bridge/dist/    the bridge as JavaScript (`node device-bridge/dist/main.js --config site.json`)
 *     node_modules/@onedoor/protocol -> ../../../../protocol/dist
 *     production-modules.txt  the third-party packages the bridge needs at run time (deploy/install.sh copies them)
 *   kiosk-ui/dist/         the built UI (what `npm run build:ui` makes)
 *
 * Why the link instead of `exports` conditions in protocol/package.json: the workspace packages keep exporting
 * their `.ts` sources, so tsx, vitest, Vite and `tsc --noEmit` resolve exactly as before and can never pick up a
 * stale dist; only code under device-bridge/dist (Node looks in the nearest node_modules first) sees the compiled
 * protocol. Relative imports are rewritten from `.ts` to `.js` by tsc (`rewriteRelativeImportExtensions`).
 *
 *   tsx scripts/build.ts [--no-ui]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUi, newestMtime } from './launcher/uiBuild.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PROTOCOL_DIST = join(REPO_ROOT, 'protocol/dist');
export const BRIDGE_DIST = join(REPO_ROOT, 'device-bridge/dist');
export const UI_DIST = join(REPO_ROOT, 'kiosk-ui/dist');
/** The compiled bridge's entry point. */
export const BRIDGE_MAIN = join(BRIDGE_DIST, 'main.js');
/** One path per line, relative to the repository root: the `node_modules/...` folders the bridge needs at run time. */
export const PRODUCTION_MODULES_FILE = join(BRIDGE_DIST, 'production-modules.txt');

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** TypeScript -> JavaScript for protocol and device-bridge (a clean build: no output of a deleted source survives). */
export function compileServer(): void {
  rmSync(PROTOCOL_DIST, { recursive: true, force: true });
  rmSync(BRIDGE_DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  run(process.execPath, [tsc, '-b', 'device-bridge/tsconfig.build.json']);
  linkCompiledProtocol();
  writeProductionModules();
}

/** protocol/dist as a package of its own, linked where the compiled bridge looks for `@onedoor/protocol`. */
export function linkCompiledProtocol(): void {
  const source = JSON.parse(readFileSync(join(REPO_ROOT, 'protocol/package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
  };
  const pkg = {
    name: source.name,
    version: source.version,
    private: true,
    type: 'module',
    description: 'Compiled by `npm run build` from protocol/src; do not edit.',
    exports: { '.': './index.js', './node': './node.js' },
    dependencies: source.dependencies ?? {},
  };
  writeFileSync(join(PROTOCOL_DIST, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const link = join(BRIDGE_DIST, 'node_modules/@onedoor/protocol');
  mkdirSync(dirname(link), { recursive: true });
  // Relative, so the link survives copying the tree (deploy/install.sh keeps the same layout under its prefix).
  symlinkSync(relative(dirname(link), PROTOCOL_DIST), link, 'dir');
}

/**
 * The installed third-party packages of the bridge and protocol without dev dependencies, as npm sees them (so
 * nested copies and native builds such as better-sqlite3 and @serialport/bindings-cpp are included).
 */
export function writeProductionModules(): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ls', '--omit=dev', '--all', '--parseable', '-w', 'device-bridge', '-w', 'protocol'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm ls failed (exit ${r.status}): ${r.stderr}`);
  const dirs = [
    ...new Set(
      r.stdout
        .split('\n')
        .map((line) => relative(REPO_ROOT, line.trim()))
        // The workspace links themselves are replaced by the compiled packages above.
        .filter((p) => p.startsWith('node_modules/') && !p.startsWith('node_modules/@onedoor/')),
    ),
  ].sort();
  writeFileSync(PRODUCTION_MODULES_FILE, `${dirs.join('\n')}\n`);
}

/** What the compiled bridge is made from (the UI has its own list: launcher/uiBuild.ts). */
export const SERVER_SOURCES: readonly string[] = [
  'protocol/src',
  'protocol/package.json',
  'protocol/tsconfig.build.json',
  'device-bridge/src',
  'device-bridge/package.json',
  'device-bridge/tsconfig.build.json',
  'tsconfig.json',
].map((p) => join(REPO_ROOT, p));

/** Why the compiled bridge must be rebuilt, or null when it is newer than its sources (its module list is written last). */
export function compiledBuildReason(): string | null {
  if (!existsSync(PRODUCTION_MODULES_FILE)) return `${relative(REPO_ROOT, PRODUCTION_MODULES_FILE)} is missing`;
  const built = statSync(PRODUCTION_MODULES_FILE).mtimeMs;
  const changed = SERVER_SOURCES.find((src) => newestMtime(src) > built);
  return changed ? `${relative(REPO_ROOT, changed)} changed since the last build` : null;
}

export async function buildAll(options: { ui?: boolean } = {}): Promise<void> {
  compileServer();
  if (options.ui !== false) {
    await buildUi(UI_DIST);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ui = !process.argv.includes('--no-ui');
  buildAll({ ui }).then(
    () => process.stdout.write(`built: ${relative(REPO_ROOT, BRIDGE_MAIN)}${ui ? `, ${relative(REPO_ROOT, UI_DIST)}` : ''}\n`),
    (err: Error) => {
      process.stderr.write(`build failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
