/**
 * Dev server only (`npx vite kiosk-ui`): `/kiosk` admits only the kiosk's own screen, which presents the secret the
 * bridge writes into the kiosk page (device-bridge/src/api/kioskScreen.ts). The dev server serves its own
 * index.html, so this copies the bridge's meta tag into it: the dev server runs on the bridge's PC and fetches the
 * bridge's page over loopback, as the screen would. Builds are served by the bridge itself and need nothing.
 */
import type { Plugin } from 'vite';

const META = /<meta name="onedoor-kiosk-screen" content="[A-Za-z0-9_-]+">/;

export function screenSecretFromBridge(bridgeUrl: string): Plugin {
  return {
    name: 'onedoor-screen-secret',
    apply: 'serve',
    async transformIndexHtml(html) {
      try {
        const page = await fetch(`${bridgeUrl}/`, { cache: 'no-store' });
        const meta = META.exec(await page.text());
        if (meta) return html.replace(/<head>/i, `<head>${meta[0]}`);
        console.warn(`onedoor: ${bridgeUrl}/ carries no kiosk screen secret (is its UI built?); /kiosk will refuse this page`);
      } catch (err) {
        console.warn(`onedoor: cannot fetch the kiosk screen secret from ${bridgeUrl}: ${(err as Error).message}`);
      }
      return html;
    },
  };
}
