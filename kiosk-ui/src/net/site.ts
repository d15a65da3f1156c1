/**
 * What the screens show of the site, read once from the bridge's public `GET /api/site`: the hall's name (README
 * "Site config": `site.hallName`, printed on every ticket and shown on the kiosk and the hall display), and how many
 * services one ticket may carry (README "Running the hall floor", visits: `visits.maxSteps`). Until it answers, or
 * when it cannot, the screens show no name rather than a wrong one, and the kiosk offers one service per ticket.
 */
import { signal, type ReadonlySignal } from '@preact/signals';

const name = signal<string | null>(null);
const steps = signal(1);
let asked = false;

function ask(): void {
  if (asked) return;
  asked = true;
  fetch('/api/site', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .then((body: unknown) => {
      const b = body as { hallName?: unknown; visitSteps?: unknown } | null;
      const n = b?.hallName;
      // Only a plain, bounded name reaches the screen (the bridge's config already bounds it at 24 characters).
      if (typeof n === 'string' && n.length > 0 && n.length <= 48) name.value = n;
      const v = b?.visitSteps;
      if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 3) steps.value = v;
    })
    .catch(() => undefined);
}

/** The hall's configured name (null until known). The first call asks the bridge. */
export function hallName(): ReadonlySignal<string | null> {
  ask();
  return name;
}

/** Services one ticket may carry (1 until known). The first call asks the bridge. */
export function visitSteps(): ReadonlySignal<number> {
  ask();
  return steps;
}
