import { describe, expect, it, vi } from 'vitest';
import { bundleBudget, formatRouteSizes, measureRouteSizes, type BudgetChunk } from '../scripts/bundle-budget.ts';

const chunk = (fileName: string, code: string, extra: Partial<BudgetChunk> = {}): BudgetChunk => ({
  fileName,
  code,
  isEntry: false,
  facadeModuleId: null,
  imports: [],
  ...extra,
});

describe('bundle budget per route', () => {
  const random = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % 251).toString(36)).join('');
  const chunks = [
    chunk('index.js', 'entry' + random(3000), { isEntry: true, imports: ['preact.js'] }),
    chunk('preact.js', random(5000)),
    chunk('kiosk.js', random(20000), { facadeModuleId: '/ui/src/kiosk/KioskRoute.tsx', imports: ['shared.js'] }),
    chunk('shared.js', 'shared' + random(4000), { imports: ['preact.js'] }),
    chunk('display.js', 'x', { facadeModuleId: '/ui/src/placeholders/DisplayRoute.tsx' }),
  ];

  it('counts entry, route chunk and their transitive static imports, each file once', () => {
    const [kiosk, display] = measureRouteSizes(
      chunks,
      { kiosk: '/ui/src/kiosk/KioskRoute.tsx', display: '/ui/src/placeholders/DisplayRoute.tsx' },
      { kiosk: 60 * 1024 },
    );
    expect(kiosk.files).toEqual(['index.js', 'kiosk.js', 'preact.js', 'shared.js']);
    expect(display.files).toEqual(['display.js', 'index.js', 'preact.js']);
    expect(kiosk.rawBytes).toBe(['index.js', 'kiosk.js', 'preact.js', 'shared.js']
      .map((f) => chunks.find((c) => c.fileName === f)!.code.length)
      .reduce((a, b) => a + b));
    expect(kiosk.gzipBytes).toBeGreaterThan(0);
    expect(kiosk.gzipBytes).toBeLessThan(kiosk.rawBytes);
    expect(kiosk.budgetBytes).toBe(60 * 1024);
    expect(display.budgetBytes).toBeNull();
  });

  it('measures another page (the phone page) as its own entry, and keeps it out of the shell\'s routes', () => {
    const withPhone = [
      ...chunks.map((c) => (c.fileName === 'index.js' ? { ...c, facadeModuleId: '/ui/index.html' } : c)),
      chunk('m.js', 'phone' + random(2000), { isEntry: true, facadeModuleId: '/ui/m.html', imports: ['preact.js'] }),
    ];
    const [kiosk, phone] = measureRouteSizes(withPhone, { kiosk: '/ui/src/kiosk/KioskRoute.tsx' }, { phone: 30 * 1024 },
      { shell: '/ui/index.html', others: { phone: '/ui/m.html' } });
    expect(kiosk!.files).toEqual(['index.js', 'kiosk.js', 'preact.js', 'shared.js']);
    expect(phone).toMatchObject({ route: 'phone', files: ['m.js', 'preact.js'], budgetBytes: 30 * 1024 });
    expect(() => measureRouteSizes(withPhone, {}, {}, { others: { gone: '/ui/gone.html' } })).toThrow(/"gone".*no entry chunk/);
  });

  it('flags a route over its budget in the printed table', () => {
    const sizes = measureRouteSizes(chunks, { kiosk: '/ui/src/kiosk/KioskRoute.tsx' }, { kiosk: 10 });
    expect(formatRouteSizes(sizes)).toMatch(/kiosk .*OVER BUDGET/);
  });

  it('refuses to measure when a route is no longer its own chunk', () => {
    expect(() => measureRouteSizes(chunks, { tech: '/ui/src/placeholders/TechRoute.tsx' }, {})).toThrow(/"tech".*not a separate chunk/);
  });

  it('the Vite plugin fails the build over budget and passes under it', () => {
    const bundle = Object.fromEntries(chunks.map((c) => [c.fileName, { type: 'chunk', ...c }]));
    const run = (budget: number) => {
      const plugin = bundleBudget({ routeModules: { kiosk: '/ui/src/kiosk/KioskRoute.tsx' }, budgets: { kiosk: budget } });
      const hook = plugin.generateBundle as unknown as (this: unknown, output: unknown, bundle: unknown) => void;
      const context = {
        error: (message: string) => {
          throw new Error(message);
        },
      };
      hook.call(context, {}, bundle);
    };
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(() => run(100)).toThrow(/route "kiosk" JavaScript is \d+ bytes gzipped, budget 100 bytes/);
      expect(() => run(60 * 1024)).not.toThrow();
      expect(String(printed.mock.calls[0]?.[0])).toMatch(/gzip/);
    } finally {
      printed.mockRestore();
    }
  });
});
