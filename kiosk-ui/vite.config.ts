import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { bundleBudget } from './scripts/bundle-budget.ts';
import { screenSecretFromBridge } from './scripts/screen-secret.ts';
import { ROUTE_MODULES } from './src/app/routeModules.ts';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where the dev server forwards /api and /socket.io: the device bridge, port from the environment.
 */
const bridgePort = Number(process.env.ONEDOOR_BRIDGE_PORT ?? 8080);
if (!Number.isInteger(bridgePort) || bridgePort < 1 || bridgePort > 65535) {
  throw new Error(`ONEDOOR_BRIDGE_PORT must be a TCP port number (1-65535), got "${process.env.ONEDOOR_BRIDGE_PORT}"`);
}
const bridge = `http://127.0.0.1:${bridgePort}`;

export default defineConfig({
  root,
  base: '/',
  plugins: [
    preact(),
    // The dev server's page carries the bridge's kiosk screen secret, as the page the bridge serves does.
    screenSecretFromBridge(bridge),
    bundleBudget({
      routeModules: Object.fromEntries(
        Object.entries(ROUTE_MODULES).map(([route, file]) => [route, path.join(root, file)]),
      ),
      // Bundle budget: the kiosk route's JavaScript at most 60 KB gzipped, the phone page's at most 30 KB
      // (scripts/bundle-budget.ts; the phone page's JS + CSS as served: test/phoneBundle.test.ts).
      budgets: { kiosk: 60 * 1024, phone: 30 * 1024 },
      pages: { shell: path.join(root, 'index.html'), others: { phone: path.join(root, 'm.html') } },
    }),
  ],
  server: {
    proxy: {
      '/api': { target: bridge, changeOrigin: false },
      '/socket.io': { target: bridge, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Two pages: the shell with its routes (index.html) and the phone page (m.html, its own small entry: README
    // "The phone channel"), so a phone fetches no kiosk code.
    rolldownOptions: { input: { index: path.join(root, 'index.html'), m: path.join(root, 'm.html') } },
  },
});
