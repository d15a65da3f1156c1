/**
 * "A busy morning" (docs/rehearsal.md): 08:30-12:00, three categories, a peak around 09:30-10:30, three windows from
 * the opening and two more from 09:00. Counts per 5 minutes follow a smooth peak with seeded noise, so a seed gives
 * the same morning every time.
 */
import { normalDraw, seededRandom } from './arrivals.ts';
import { parseScenario, timeOfMinutes, type Scenario } from './scenario.ts';

export interface SyntheticMorningOptions {
  seed?: number;
  /** Hall-local day (absent: the rehearsal's today). */
  day?: string;
  opening?: string;
  /** Minutes of arrivals after the opening (default 210: until 12:00). */
  minutes?: number;
  /** Tickets per hour at the peak, all categories together (default 60). */
  peakPerHour?: number;
}

const CATEGORIES = [
  { letter: 'A', name: '综合业务', serviceMinutes: { mean: 6, spread: 2 }, share: 0.5 },
  { letter: 'B', name: '社保医保', serviceMinutes: { mean: 9, spread: 3 }, share: 0.3 },
  { letter: 'C', name: '不动产', serviceMinutes: { mean: 14, spread: 4 }, share: 0.2 },
];

export function syntheticMorning(o: SyntheticMorningOptions = {}): Scenario {
  const seed = o.seed ?? 20_261_205;
  const random = seededRandom(seed);
  const opening = o.opening ?? '08:30';
  const open = Number(opening.slice(0, 2)) * 60 + Number(opening.slice(3, 5));
  const minutes = o.minutes ?? 210;
  const peak = o.peakPerHour ?? 60;
  // The peak one hour after opening, wide enough that the first and last hour still see people.
  const centre = Math.min(60, minutes / 2);
  const width = Math.max(30, minutes / 3);
  const arrivals = [];
  for (let m = 0; m < minutes; m += 5) {
    const level = Math.exp(-(((m + 2.5 - centre) / width) ** 2));
    const counts: Record<string, number> = {};
    for (const c of CATEGORIES) {
      const mean = (peak / 12) * c.share * level;
      counts[c.letter] = Math.max(0, Math.round(mean + Math.sqrt(mean) * 0.5 * normalDraw(random)));
    }
    arrivals.push({ at: timeOfMinutes(open + m), counts });
  }
  return parseScenario({
    name: 'synthetic busy morning',
    ...(o.day !== undefined && { day: o.day }),
    opening,
    categories: CATEGORIES.map(({ share: _share, ...c }) => c),
    windows: [
      { from: opening, count: 1, categories: ['A'] },
      { from: opening, count: 1, categories: ['B'] },
      { from: opening, count: 1, categories: ['C', 'A'] },
      { from: timeOfMinutes(Math.min(open + 30, 23 * 60)), count: 2, categories: [] },
    ],
    arrivals,
    ratingsShare: 0.6,
    seed,
    serviceLevels: { categories: { default: { longestWaitMinutes: { yellow: 15, red: 30 } } } },
  }, 'synthetic morning');
}
