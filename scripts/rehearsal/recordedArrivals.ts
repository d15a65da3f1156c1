/**
 * A scenario from a day a hall really had (docs/rehearsal.md "From a recorded day"): the tickets of that day in a
 * SQLite hall file, counted per category per 5 minutes, and each category's service times (mean and spread of
 * finished - started). The file is opened read-only: a rehearsal never writes to a hall's data.
 */
import Database from 'better-sqlite3';
import { CHINA_UTC_OFFSET_MINUTES, HallClock } from '../../device-bridge/src/hall/clock.ts';
import { parseScenario, timeOfMinutes, type Scenario, type ScenarioInput } from './scenario.ts';

interface Row { category: string; name: string | null; issued_at: number; started_at: number | null; finished_at: number | null }

export interface RecordedDayOptions {
  /** The hall's SQLite file (hall.sqlite in its data dir). */
  file: string;
  day: string;
  /** Of a file holding several halls (config site.hallId); absent: every row of the day. */
  hallId?: string;
  utcOffsetMinutes?: number;
  /** The windows the rehearsal opens (the file does not say how many were open when). Default: one per category. */
  windows?: ScenarioInput['windows'];
}

function hasHallId(db: InstanceType<typeof Database>): boolean {
  return (db.prepare(`PRAGMA table_info(tickets)`).all() as Array<{ name: string }>).some((c) => c.name === 'hall_id');
}

export function scenarioFromRecordedDay(o: RecordedDayOptions): Scenario {
  const db = new Database(o.file, { readonly: true, fileMustExist: true });
  let rows: Row[];
  try {
    const byHall = o.hallId !== undefined && hasHallId(db);
    rows = db.prepare(`SELECT t.category, (SELECT q.name FROM queue_categories q WHERE q.letter = t.category LIMIT 1) AS name,
      t.issued_at, t.started_at, t.finished_at FROM tickets t
      WHERE t.day = ?${byHall ? ' AND t.hall_id = ?' : ''} ORDER BY t.issued_at`).all(...(byHall ? [o.day, o.hallId] : [o.day])) as Row[];
  } finally {
    db.close();
  }
  if (rows.length === 0) throw new Error(`${o.file}: no tickets on ${o.day}${o.hallId ? ` in hall ${o.hallId}` : ''}`);
  const clock = new HallClock(Date.now, o.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES);
  const minuteOf = (ms: number) => {
    const [h, m] = clock.timeOf(ms).split(':').map(Number);
    return h * 60 + m;
  };
  const slots = new Map<number, Record<string, number>>();
  const services = new Map<string, { name: string; minutes: number[] }>();
  for (const r of rows) {
    const slot = Math.floor(minuteOf(r.issued_at) / 5) * 5;
    const counts = slots.get(slot) ?? {};
    counts[r.category] = (counts[r.category] ?? 0) + 1;
    slots.set(slot, counts);
    const s = services.get(r.category) ?? { name: r.name ?? r.category, minutes: [] };
    if (r.started_at !== null && r.finished_at !== null && r.finished_at > r.started_at) s.minutes.push((r.finished_at - r.started_at) / 60_000);
    services.set(r.category, s);
  }
  const first = Math.min(...slots.keys());
  const categories = [...services.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([letter, s]) => {
    const n = s.minutes.length;
    const mean = n ? s.minutes.reduce((x, y) => x + y, 0) / n : 8;
    const spread = n > 1 ? Math.sqrt(s.minutes.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1)) : mean / 4;
    return { letter, name: s.name.slice(0, 32), serviceMinutes: { mean: Math.round(Math.max(0.5, mean) * 10) / 10, spread: Math.round(spread * 10) / 10 } };
  });
  return parseScenario({
    name: `recorded ${o.day}`,
    day: o.day,
    opening: timeOfMinutes(first),
    categories,
    windows: o.windows ?? categories.map((c) => ({ from: timeOfMinutes(first), count: 1, categories: [c.letter] })),
    arrivals: [...slots.entries()].sort(([a], [b]) => a - b).map(([m, counts]) => ({ at: timeOfMinutes(m), counts })),
  }, `${o.file} ${o.day}`);
}
