/**
 * From a scenario to the rehearsal's plan of citizens: each ticket of each 5-minute slot gets its minute within the
 * slot, its service time (normal around the category's mean, never under half a minute) and whether and how its
 * citizen rates. Drawn from a seeded PRNG, so the same scenario always plans the same morning (and a what-if differs
 * from its baseline only in its windows).
 */
import { minutesOf, type Scenario } from './scenario.ts';

/** mulberry32: small, fast, good enough for a plan; deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box-Muller). */
export function normalDraw(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface PlannedArrival {
  /** Milliseconds after the hall's opening (hall time). */
  atMs: number;
  category: string;
  serviceMs: number;
  /** 1 非常满意 .. 5 非常不满意, or null: this citizen does not rate. */
  rating: 1 | 2 | 3 | 4 | 5 | null;
}

const MINUTE = 60_000;
const MIN_SERVICE_MS = 30_000;
/** Ratings of those who rate: mostly satisfied, a few bad reviews (the follow-up rule has something to show). */
const RATING_WEIGHTS: Array<[1 | 2 | 3 | 4 | 5, number]> = [[1, 0.55], [2, 0.3], [3, 0.1], [4, 0.04], [5, 0.01]];

function drawRating(random: () => number): 1 | 2 | 3 | 4 | 5 {
  let x = random();
  for (const [r, w] of RATING_WEIGHTS) {
    if (x < w) return r;
    x -= w;
  }
  return 1;
}

/** Every planned citizen, in order of arrival. */
export function planArrivals(s: Scenario): PlannedArrival[] {
  const random = seededRandom(s.seed);
  const open = minutesOf(s.opening);
  const byLetter = new Map(s.categories.map((c) => [c.letter, c]));
  const out: PlannedArrival[] = [];
  const slots = [...s.arrivals].sort((a, b) => minutesOf(a.at) - minutesOf(b.at));
  for (const slot of slots) {
    const slotMs = (minutesOf(slot.at) - open) * MINUTE;
    for (const letter of Object.keys(slot.counts).sort()) {
      const cat = byLetter.get(letter)!;
      for (let i = 0; i < slot.counts[letter]; i++) {
        const atMs = Math.max(0, slotMs + Math.floor(random() * 5 * MINUTE));
        const minutes = cat.serviceMinutes.mean + cat.serviceMinutes.spread * normalDraw(random);
        const serviceMs = Math.max(MIN_SERVICE_MS, Math.round(minutes * MINUTE));
        const rating = random() < s.ratingsShare ? drawRating(random) : null;
        out.push({ atMs, category: letter, serviceMs, rating });
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
