/**
 * 办理申请 loads its own chunk on first use: the kiosk route's JavaScript stays inside its budget (bundle-budget
 * test, hall-rules.md on the kiosk PC's start-up), and most sessions never apply.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { useText } from '../KioskContext.ts';
import { FLOW_TEXT } from '../flows/flowTexts.ts';

let loaded: ComponentType | null = null;

export function LazyApplyScreen() {
  const t = useText();
  const [Screen, setScreen] = useState<ComponentType | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Screen) return;
    let live = true;
    import('./ApplyScreen.tsx').then((m) => {
      loaded = m.ApplyScreen;
      if (live) setScreen(() => m.ApplyScreen);
    }, () => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [Screen]);
  if (Screen) return <Screen />;
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="apply" data-step="loading">
      <p class="body-text status-line" aria-busy={!failed}>{t(failed ? FLOW_TEXT.failed : FLOW_TEXT.loading)}</p>
    </main>
  );
}
