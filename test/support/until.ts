/**
 * The one polling helper of every test and rig: wait until a probe holds, or fail with a message naming what never
 * happened. Limits are generous by default because the machine is shared and loaded; the test's own timeout is the
 * real bound.
 *
 * A probe may return a boolean or a value (sync or async); `until` resolves with the first value that is not
 * `undefined`, `false` or `null`. Write `until(probe, what)`; the older `until(what, probe)` order of the kiosk and
 * printer rigs is still accepted so their many call sites need no churn.
 */

export interface UntilOptions {
  /** Give up after this long. Default 20 s. */
  limitMs?: number;
  /** Time between probes. Default 10 ms. */
  stepMs?: number;
  /** Treat a throwing probe as "not yet" (a server still starting) and name the last error when giving up. */
  retryErrors?: boolean;
}

type Ready<T> = Exclude<T, undefined | false | null>;
type Probe<T> = () => T | Promise<T>;
type What = string | (() => string);

export interface Until {
  <T>(probe: Probe<T>, what: What, opts?: number | UntilOptions): Promise<Ready<T>>;
  <T>(what: string, probe: Probe<T>, opts?: number | UntilOptions): Promise<Ready<T>>;
}

/** `until` with other defaults (a rig that polls a whole process every 200 ms for up to 90 s). */
export function untilWith(defaults: UntilOptions): Until {
  return (async <T>(a: Probe<T> | What, b: Probe<T> | What, opts?: number | UntilOptions) => {
    const [probe, what] = typeof a === 'string' ? [b as Probe<T>, a] : [a as Probe<T>, b as What];
    const o: UntilOptions = { ...defaults, ...(typeof opts === 'number' ? { limitMs: opts } : opts) };
    const limitMs = o.limitMs ?? 20_000;
    const end = Date.now() + limitMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await probe();
        if (v !== undefined && v !== false && v !== null) return v as Ready<T>;
      } catch (err) {
        if (!o.retryErrors) throw err;
        last = err;
      }
      if (Date.now() > end) {
        const name = typeof what === 'function' ? what() : what;
        throw new Error(`timed out after ${limitMs} ms waiting for ${name}${last ? ` (last error: ${String(last)})` : ''}`);
      }
      await new Promise((r) => setTimeout(r, o.stepMs ?? 10));
    }
  }) as Until;
}

export const until: Until = untilWith({});
