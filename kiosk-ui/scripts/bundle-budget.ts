/**
 * Bundle budget for the kiosk UI (the kiosk route's JavaScript at most 60 KB gzipped; the build
 * prints the figure).
 *
 * A route's JavaScript is everything the browser must fetch to show it: the entry chunk, the route's lazy chunk, and
 * every chunk either of them imports statically (transitively). Shared chunks count for every route that needs them,
 * so the figure is what a citizen's kiosk really downloads, not just the route's own file.
 */
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { Plugin } from 'vite';

/** The part of a bundler output chunk this module reads (Rollup and Rolldown share these fields). */
export interface BudgetChunk {
  fileName: string;
  code: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
}

export interface RouteSize {
  route: string;
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  budgetBytes: number | null;
}

/**
 * Sizes per route. `routeModules` maps a route name to its lazily imported module (absolute path). Throws when a
 * route's module did not become its own chunk, because then the code split this budget relies on is gone.
 */
export function measureRouteSizes(
  chunks: BudgetChunk[],
  routeModules: Record<string, string>,
  budgets: Record<string, number>,
  pages: PageEntries = {},
): RouteSize[] {
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const gzipOf = new Map<string, number>();
  const gzipSize = (c: BudgetChunk): number => {
    let size = gzipOf.get(c.fileName);
    if (size === undefined) {
      size = gzipSync(c.code, { level: 9 }).length;
      gzipOf.set(c.fileName, size);
    }
    return size;
  };
  const closure = (roots: BudgetChunk[]): BudgetChunk[] => {
    const seen = new Map<string, BudgetChunk>();
    const stack = [...roots];
    while (stack.length > 0) {
      const chunk = stack.pop()!;
      if (seen.has(chunk.fileName)) continue;
      seen.set(chunk.fileName, chunk);
      for (const imported of chunk.imports) {
        const next = byFile.get(imported);
        if (next) stack.push(next);
      }
    }
    return [...seen.values()];
  };
  const isModule = (c: BudgetChunk, modulePath: string) => c.facadeModuleId !== null && path.normalize(c.facadeModuleId) === path.normalize(modulePath);
  // A route loads from the shell: with a shell named, another page's entry (the phone page) is not part of it.
  const entries = chunks.filter((c) => c.isEntry && (pages.shell === undefined || isModule(c, pages.shell)));
  const pageRows = Object.entries(pages.others ?? {}).map(([page, entryPath]): RouteSize => {
    const entry = chunks.find((c) => c.isEntry && isModule(c, entryPath));
    if (!entry) throw new Error(`bundle budget: page "${page}" (${entryPath}) has no entry chunk; is it still a build input?`);
    const files = closure([entry]);
    return {
      route: page,
      files: files.map((c) => c.fileName).sort(),
      rawBytes: files.reduce((sum, c) => sum + Buffer.byteLength(c.code), 0),
      gzipBytes: files.reduce((sum, c) => sum + gzipSize(c), 0),
      budgetBytes: budgets[page] ?? null,
    };
  });
  return [...Object.entries(routeModules).map(([route, modulePath]) => {
    const wanted = path.normalize(modulePath);
    const routeChunk = chunks.find((c) => c.facadeModuleId !== null && path.normalize(c.facadeModuleId) === wanted);
    if (!routeChunk) {
      throw new Error(`bundle budget: route "${route}" (${modulePath}) is not a separate chunk; is it still lazy-loaded?`);
    }
    const files = closure([...entries, routeChunk]);
    return {
      route,
      files: files.map((c) => c.fileName).sort(),
      rawBytes: files.reduce((sum, c) => sum + Buffer.byteLength(c.code), 0),
      gzipBytes: files.reduce((sum, c) => sum + gzipSize(c), 0),
      budgetBytes: budgets[route] ?? null,
    };
  }), ...pageRows];
}

/**
 * The build's HTML entries (absolute paths): `shell` is the page whose routes load lazily (index.html); each of
 * `others` is a page of its own (the phone page, m.html), measured as its entry and what that imports.
 */
export interface PageEntries {
  shell?: string;
  others?: Record<string, string>;
}

export function formatRouteSizes(sizes: RouteSize[]): string {
  const kb = (n: number) => (n / 1024).toFixed(1).padStart(7);
  const lines = [' route     raw KB  gzip KB  budget KB  chunks'];
  for (const s of sizes) {
    const budget = s.budgetBytes === null ? '      -' : kb(s.budgetBytes);
    const flag = s.budgetBytes !== null && s.gzipBytes > s.budgetBytes ? '  OVER BUDGET' : '';
    lines.push(` ${s.route.padEnd(8)} ${kb(s.rawBytes)}  ${kb(s.gzipBytes)}    ${budget}  ${s.files.length}${flag}`);
  }
  return lines.join('\n');
}

/** Vite plugin: prints the per-route table after every production build and fails the build over budget. */
export function bundleBudget(options: { routeModules: Record<string, string>; budgets: Record<string, number>; pages?: PageEntries }): Plugin {
  return {
    name: 'onedoor-bundle-budget',
    apply: 'build',
    generateBundle(_output, bundle) {
      const chunks: BudgetChunk[] = [];
      for (const item of Object.values(bundle)) {
        if (item.type !== 'chunk') continue;
        chunks.push({
          fileName: item.fileName,
          code: item.code,
          isEntry: item.isEntry,
          facadeModuleId: item.facadeModuleId ?? null,
          imports: item.imports,
        });
      }
      const sizes = measureRouteSizes(chunks, options.routeModules, options.budgets, options.pages);
      // Printed on purpose (not through the logger level): the figure is part of every build's output.
      console.log(`\nJavaScript per route (entry + route chunk + static imports, gzip -9):\n${formatRouteSizes(sizes)}\n`);
      const over = sizes.filter((s) => s.budgetBytes !== null && s.gzipBytes > s.budgetBytes);
      if (over.length > 0) {
        this.error(
          over
            .map((s) => `route "${s.route}" JavaScript is ${s.gzipBytes} bytes gzipped, budget ${s.budgetBytes} bytes`)
            .join('; '),
        );
      }
    },
  };
}
