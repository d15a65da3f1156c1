/**
 * Taps counted the way a citizen makes them (README "Finding a service": the figures from the greeting), each target
 * waited for before it is tapped, so a count never depends on timing.
 */
import type { Locator, Page } from 'playwright-core';

const WAIT = { timeout: 60_000 };

export function tapper(page: Page) {
  let taps = 0;
  return {
    /** A target by its test id, or a locator for one picked by its content. */
    async tap(what: string | Locator) {
      const target = typeof what === 'string' ? page.getByTestId(what).first() : what.first();
      await target.waitFor(WAIT);
      await target.click();
      taps += 1;
    },
    get taps() {
      return taps;
    },
  };
}
