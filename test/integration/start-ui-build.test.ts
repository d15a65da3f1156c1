/**
 * When `npm start` builds the UI (scripts/launcher/uiBuild.ts): only when the build is missing or older than one
 * of its sources. Pure file-time logic on a temp tree (the real Vite build runs in the full-stack e2e test).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newestMtime, UI_SOURCES, uiBuildReason } from '../../scripts/launcher/uiBuild.ts';

let root: string;
const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'od-ui-build-'));
  mkdirSync(join(root, 'src/deep/er'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'src/a.ts'), '');
  writeFileSync(join(root, 'src/deep/er/b.ts'), '');
  writeFileSync(join(root, 'index.html'), '');
  at(join(root, 'src/a.ts'), 1_000);
  at(join(root, 'src/deep/er/b.ts'), 2_000);
  at(join(root, 'index.html'), 1_500);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('uiBuildReason', () => {
  it('newestMtime looks into every subfolder and counts a missing path as 0', () => {
    expect(newestMtime(join(root, 'src'))).toBe(2_000_000);
    expect(newestMtime(join(root, 'nothing-here'))).toBe(0);
  });

  it('builds when dist/index.html is missing', () => {
    expect(uiBuildReason(join(root, 'dist'), [join(root, 'src')])).toMatch(/index\.html is missing/);
  });

  it('builds when any source (however deep) is newer than the build, and not when all are older', () => {
    const built = join(root, 'dist/index.html');
    writeFileSync(built, '');
    const sources = [join(root, 'src'), join(root, 'index.html'), join(root, 'not-there')];
    at(built, 1_800);
    expect(uiBuildReason(join(root, 'dist'), sources)).toBe(`${join(root, 'src')} changed since the last build`);
    at(built, 3_000);
    expect(uiBuildReason(join(root, 'dist'), sources)).toBeNull();
    at(join(root, 'index.html'), 3_001);
    expect(uiBuildReason(join(root, 'dist'), sources)).toBe(`${join(root, 'index.html')} changed since the last build`);
  });

  it('watches the UI sources and the protocol package the UI bundles', () => {
    expect(UI_SOURCES.some((p) => p.endsWith('/kiosk-ui/src'))).toBe(true);
    expect(UI_SOURCES.some((p) => p.endsWith('/protocol/src'))).toBe(true);
  });
});
