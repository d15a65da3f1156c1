/** A signed-in read that runs on mount and on `reload()`; a refusal carries the bridge's words. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PhoneRefusal } from '@onedoor/protocol';
import { me } from './phoneSession.ts';

export type MeView<T> = { phase: 'loading' } | { phase: 'ok'; body: T } | { phase: 'refused'; refusal: PhoneRefusal; status: number };

export function useMe<T>(path: string, onEnded: () => void): [MeView<T>, () => void] {
  const [view, setView] = useState<MeView<T>>({ phase: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    void me<T>(path).then((a) => {
      if (!live) return;
      if (!a.ok && a.status === 401) onEnded();
      setView(a.ok ? { phase: 'ok', body: a.body } : { phase: 'refused', refusal: a.refusal, status: a.status });
    });
    return () => {
      live = false;
    };
  }, [path, round]);
  return [view, useCallback(() => setRound((r) => r + 1), [])];
}
