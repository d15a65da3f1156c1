/**
 * Back inside a flow: a flow with steps (department -> service -> day -> slot) registers a handler, and the nav
 * bar's Back first asks it to go one step back; only on the flow's first step does Back leave the flow. One kiosk
 * route per page, so one handler at a time.
 */
import { useEffect, useState } from 'preact/hooks';

let handler: (() => boolean) | null = null;

/** Called by the nav bar: true when the flow went one step back itself. */
export function innerBack(): boolean {
  return handler?.() ?? false;
}

/** A stack of steps whose Back is the nav bar's Back; `then` are steps already taken (a shortcut into a flow). */
export function useSteps<S>(first: S, ...then: S[]): { step: S; push(s: S): void; reset(s?: S): void; backTo(match: (s: S) => boolean): void } {
  const [stack, setStack] = useState<S[]>([first, ...then]);
  useEffect(() => {
    const mine = () => {
      if (stack.length <= 1) return false;
      setStack(stack.slice(0, -1));
      return true;
    };
    handler = mine;
    return () => {
      if (handler === mine) handler = null;
    };
  }, [stack]);
  return {
    step: stack[stack.length - 1],
    push: (s) => setStack([...stack, s]),
    reset: (s = first) => setStack([s]),
    /** Back to the newest step that matches (e.g. the form again after the bridge refused a field), keeping Back below it. */
    backTo: (match) => {
      const at = stack.findLastIndex(match);
      if (at >= 0) setStack(stack.slice(0, at + 1));
    },
  };
}
