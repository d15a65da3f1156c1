/**
 * The hall's name for the screens (README "Site config": `site.hallName`, printed on every ticket and shown on the
 * kiosk and the hall display), read once from the bridge's public `GET /api/site`. Until it answers, or when it
 * cannot, the screens show no name rather than a wrong one.
 */
import { signal, type ReadonlySignal } from '@preact/signals';

const name = signal<string | null>(null);
let asked = false;

/** The hall's configured name (null until known). The first call asks the bridge. */
export function hallName(): ReadonlySignal<string | null> {
  if (!asked) {
    asked = true;
    fetch('/api/site', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : null))
      .then((body: unknown) => {
        const n = (body as { hallName?: unknown } | null)?.hallName;
        // Only a plain, bounded name reaches the screen (the bridge's config already bounds it at 24 characters).
        if (typeof n === 'string' && n.length > 0 && n.length <= 48) name.value = n;
      })
      .catch(() => undefined);
  }
  return name;
}
