/**
 * The shell: picks the route from the path and lazy-loads only that route's code (each route is its
 * own chunk; the kiosk route must stay within 60 KB gzipped, checked by scripts/bundle-budget.ts).
 */
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { routeForPath, type RouteName } from './app/routeModules.ts';
import './base.css';

type RouteModule = { default: ComponentType };

/** Keep in step with ROUTE_MODULES (the bundle budget looks these chunks up by module path). */
const LOADERS: Record<RouteName, () => Promise<RouteModule>> = {
  kiosk: () => import('./kiosk/KioskRoute.tsx'),
  display: () => import('./display/DisplayRoute.tsx'),
  hall: () => import('./hall/HallRoute.tsx'),
  tech: () => import('./tech/TechRoute.tsx'),
  verify: () => import('./verify/VerifyRoute.tsx'),
};

function Shell({ route }: { route: RouteName | null }) {
  const [loaded, setLoaded] = useState<{ Route: ComponentType } | { error: string } | null>(null);
  useEffect(() => {
    if (route === null) return;
    LOADERS[route]().then(
      (module) => setLoaded({ Route: module.default }),
      (error: unknown) => setLoaded({ error: String(error) }),
    );
  }, [route]);
  if (route === null) {
    return (
      <main class="shell-message">
        <h1>页面不存在 / Page not found</h1>
        <p>
          <a href="/">返回首页 / Go to the start page</a>
        </p>
      </main>
    );
  }
  if (loaded === null) return <main class="shell-message" aria-busy="true" />;
  if ('error' in loaded) {
    return (
      <main class="shell-message">
        <h1>页面加载失败，请联系工作人员 / The page failed to load. Please ask a staff member.</h1>
        <p>
          <a href={location.pathname}>重新加载 / Reload</a>
        </p>
      </main>
    );
  }
  return <loaded.Route />;
}

render(<Shell route={routeForPath(location.pathname)} />, document.getElementById('app')!);
