import type { FeatureId } from '../flow.ts';

/** One simple line icon per function (inline SVG, decorative: the tile's words carry the meaning). */
const PATHS: Record<FeatureId, string> = {
  ticket: 'M8 10h32v8a4 4 0 0 0 0 8v8H8v-8a4 4 0 0 0 0-8z M18 18h12 M18 26h8',
  appointments: 'M8 12h32v28H8z M8 20h32 M16 8v8 M32 8v8 M16 28h6 M26 28h6 M16 34h6',
  apply: 'M12 8h18l8 8v24H12z M18 20h14 M18 26h14 M18 32h6 M28 40l10-10 4 4-10 10h-4z',
  certificates: 'M10 8h22l8 8v24H10z M32 8v8h8 M16 22h16 M16 28h16 M16 34h10',
  progress: 'M8 38h32 M12 38V28 M20 38V20 M28 38V24 M36 38V12',
  guidance: 'M24 8a16 16 0 1 0 0.01 0z M20 19a4.5 4.5 0 1 1 6 4.2c-1.5 .8-2 1.8-2 3.3 M24 32v1',
};

export function FeatureIcon({ feature }: { feature: FeatureId }) {
  return (
    <svg class="feature-icon" viewBox="0 0 48 48" aria-hidden="true">
      <path d={PATHS[feature]} fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
