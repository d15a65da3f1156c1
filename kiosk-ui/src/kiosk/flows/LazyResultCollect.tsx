/**
 * 领取结果 loads its own chunk when a finished application with a result to collect is shown: the kiosk route's
 * JavaScript stays inside its budget (bundle-budget test), and most progress views have none.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import type { KioskResultOffer } from '@onedoor/protocol';

type Collect = ComponentType<{ offer: KioskResultOffer }>;
let loaded: Collect | null = null;

export function LazyResultCollect({ offer }: { offer: KioskResultOffer }) {
  const [Part, setPart] = useState<Collect | null>(() => loaded);
  useEffect(() => {
    if (Part) return;
    let live = true;
    import('./ResultCollect.tsx').then((m) => {
      loaded = m.ResultCollect;
      if (live) setPart(() => m.ResultCollect);
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [Part]);
  return Part ? <Part offer={offer} /> : null;
}
