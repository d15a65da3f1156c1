/**
 * Hooks the flow screens use to talk to the hall through the bridge session: a query that runs on mount (lists),
 * and an action with a busy flag (take a ticket, check in, print...). Every outcome is one of: the result, a refusal
 * with the bridge's words, "暂停服务" (hall database or link down), or "no answer".
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { KioskCommandMap, KioskCommandName, KioskCompletion } from '@onedoor/protocol';
import { useKiosk } from '../KioskContext.ts';

export type CallView<T> =
  | { phase: 'loading' }
  | { phase: 'ok'; result: T }
  | { phase: 'failed'; completion: KioskCompletion };

type Result<N extends KioskCommandName> = KioskCommandMap[N]['result'];

export function viewOf<T>(c: KioskCompletion<T>): CallView<T> {
  return c.code === 'success' ? { phase: 'ok', result: c.result as T } : { phase: 'failed', completion: c };
}

/** Runs `command` now and whenever `key` changes; `reload()` runs it again. */
export function useHallQuery<N extends KioskCommandName>(command: N, args: KioskCommandMap[N]['args'], key = ''):
  [CallView<Result<N>>, () => void] {
  const { hall } = useKiosk();
  const [view, setView] = useState<CallView<Result<N>>>({ phase: 'loading' });
  const [round, setRound] = useState(0);
  const argsRef = useRef(args);
  argsRef.current = args;
  useEffect(() => {
    let live = true;
    setView({ phase: 'loading' });
    void hall.call(command, argsRef.current).then((c) => {
      if (live) setView(viewOf(c));
    });
    return () => {
      live = false;
    };
  }, [hall, command, key, round]);
  return [view, useCallback(() => setRound((r) => r + 1), [])];
}

/** An action the citizen starts; `busy` while it runs (buttons are disabled so a double tap does not act twice). */
export function useHallAction(): {
  busy: boolean;
  run<N extends KioskCommandName>(command: N, args: KioskCommandMap[N]['args']): Promise<KioskCompletion<Result<N>>>;
} {
  const { hall } = useKiosk();
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  useEffect(() => () => {
    mounted.current = false;
  }, []);
  const run = useCallback(async <N extends KioskCommandName>(command: N, args: KioskCommandMap[N]['args']) => {
    setBusy(true);
    try {
      return await hall.call(command, args);
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, [hall]);
  return { busy, run };
}
