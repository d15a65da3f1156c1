/**
 * The UI's routes and the module each one lazily loads. Pure data: read by the router in the browser and by
 * vite.config.ts (the bundle budget measures each route's chunk), so it must import nothing.
 */
export const ROUTE_NAMES = ['kiosk', 'display', 'hall', 'tech', 'verify'] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/** Paths relative to kiosk-ui/. Keep in step with the `import()` calls in src/main.tsx. */
export const ROUTE_MODULES: Record<RouteName, string> = {
  kiosk: 'src/kiosk/KioskRoute.tsx',
  display: 'src/display/DisplayRoute.tsx',
  hall: 'src/hall/HallRoute.tsx',
  tech: 'src/tech/TechRoute.tsx',
  verify: 'src/verify/VerifyRoute.tsx',
};

/**
 * URL path -> route. The bridge serves index.html for `/`, `/display`, `/hall`, `/tech`, `/verify` (SPA fallback),
 * and deeper paths under them belong to the same route. Anything else is `null` (the shell shows "not found").
 */
export function routeForPath(pathname: string): RouteName | null {
  const first = pathname.replace(/^\/+/, '').split('/')[0] ?? '';
  if (first === '' || first === 'index.html') return 'kiosk';
  return (ROUTE_NAMES as readonly string[]).includes(first) && first !== 'kiosk' ? (first as RouteName) : null;
}
