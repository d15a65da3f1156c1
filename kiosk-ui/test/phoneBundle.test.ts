/**
 * The phone page's weight as a phone downloads it (README "The phone channel": at most 30 KB gzipped, JavaScript and
 * CSS): the production build, then every script, preload and stylesheet `m.html` names, gzipped. It must hold no
 * kiosk code and no socket.io client (the page reads server-sent events).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../../test/support/builtUi.ts';

const PHONE_BUDGET_BYTES = 30 * 1024;
let outDir: string;

beforeAll(async () => {
  // The production build the e2e files share (read only; a production build whatever NODE_ENV Vitest sets).
  outDir = await builtUi();
}, 180_000);

describe('the phone page bundle', () => {
  it('is at most 30 KB gzipped, JavaScript and CSS, and holds no kiosk or socket.io code', () => {
    const html = readFileSync(path.join(outDir, 'm.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    let gzipped = 0;
    for (const a of assets) {
      const code = readFileSync(path.join(outDir, a));
      gzipped += gzipSync(code, { level: 9 }).length;
      const text = code.toString('utf8');
      expect(text, a).not.toContain('socket.io');
      expect(text, a).not.toContain('screenSecret');
    }
    expect(assets.join(' ')).not.toMatch(/KioskRoute|HallRoute|TechRoute/);
    expect(gzipped).toBeLessThanOrEqual(PHONE_BUDGET_BYTES);
  });
});
