/**
 * Counts event-loop turns while it runs: an immediate that queues itself again, so it runs once per check phase. A
 * job that records `now()` says which turn it ran in (the slices tests: api/turnSlices.ts and its users).
 */
export function turnCounter(): { now: () => number; stop: () => void } {
  let turn = 0;
  let running = true;
  const next = () => {
    turn++;
    if (running) setImmediate(next);
  };
  setImmediate(next);
  return { now: () => turn, stop: () => (running = false) };
}
