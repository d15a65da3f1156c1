/**
 * Counters as the status carries them (`DeviceStatus.counters`, shown on /tech). Each driver keeps its counters in
 * a typed interface it alone writes; `countersOf` turns one into the status's flat record without casts.
 */

/** Counter name -> count, as `DeviceStatus.counters`. */
export type CounterRecord = Readonly<Record<string, number>>;

/** A copy of a typed counter set, typed so it fits `CounterRecord` (every field must be a number). */
export function countersOf<T extends { readonly [K in keyof T]: number }>(counters: T): { [K in keyof T]: number } {
  return { ...counters };
}
