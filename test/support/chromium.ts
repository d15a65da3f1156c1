/** The one way end-to-end tests start Chromium: the system browser with the flags a container needs (no sandbox, no GPU, no background traffic). */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}
