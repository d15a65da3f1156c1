/**
 * The district view (README "Running a district", "Many halls, one database"): `GET /api/district/halls`, the
 * figures of every hall of the database for today, for the district manager (role `district`, read-only; the roles
 * table, auth/accessTable.ts, admits no other role, checked by accessGuard before this). Counts only, no citizen.
 *
 * A hall's live device alerts live on that hall's bridge: this bridge gives the count of its own hall's alerts and
 * `null` for the others; open bad-review follow-ups past their deadline come from the database for every hall.
 */
import express, { type Router } from 'express';
import type { DistrictHallFigures, DistrictView } from '@onedoor/protocol';
import type { HallStore } from '../store/hallStore.ts';
import type { DistrictHallRow } from '../store/districtFigures.ts';
import { noStore } from './techAuth.ts';

export interface DistrictRoutesOptions {
  /** The hall store (null on a kiosk linked to a hall, or while the store is not open: 503). */
  store: () => HallStore | null | undefined;
  /** Today's hall-local day. */
  today: () => string;
  /** Epoch ms now. */
  now: () => number;
  /** The number of this hall's active dashboard alerts; null while the dashboard is not running. */
  ownAlerts: () => number | null;
}

const MINUTE = 60_000;

export function districtFigures(rows: readonly DistrictHallRow[], ownHall: string, ownAlerts: number | null, now: number): DistrictHallFigures[] {
  const halls = rows.some((r) => r.hallId === ownHall)
    ? rows
    : [...rows, { hallId: ownHall, waiting: 0, servedToday: 0, oldestWaitingIssuedAt: null, overdueFollowUps: 0 }];
  return halls.map((r) => ({
    hallId: r.hallId,
    ownHall: r.hallId === ownHall,
    waiting: r.waiting,
    servedToday: r.servedToday,
    longestWaitMinutes: r.oldestWaitingIssuedAt === null ? null : Math.max(0, Math.floor((now - r.oldestWaitingIssuedAt) / MINUTE)),
    alerts: r.hallId === ownHall ? ownAlerts : null,
    overdueFollowUps: r.overdueFollowUps,
  })).sort((a, b) => a.hallId.localeCompare(b.hallId));
}

export function districtRouter(o: DistrictRoutesOptions): Router {
  const router = express.Router();
  router.use('/api/district', noStore);
  router.get('/api/district/halls', async (_req, res) => {
    const store = o.store();
    if (!store) {
      res.status(503).json({ error: 'unavailable', message: 'the hall database is not open on this bridge' });
      return;
    }
    const day = o.today();
    try {
      const rows = await store.districtHalls(day);
      const now = o.now();
      const body: DistrictView = { day, halls: districtFigures(rows, store.hallId, o.ownAlerts(), now), serverTime: now };
      res.json(body);
    } catch (err) {
      res.status(503).json({ error: 'unavailable', message: (err as Error).message });
    }
  });
  return router;
}
