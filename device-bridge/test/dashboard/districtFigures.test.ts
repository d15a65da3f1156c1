// The district view's figures (api/districtRoutes.ts, README "Running a district"): per hall of the database, the
// longest wait in whole minutes, live alerts known for the answering bridge's own hall only, and that hall listed
// even before it has a row.
import { describe, expect, it } from 'vitest';
import { districtFigures } from '../../src/api/districtRoutes.ts';

const NOW = Date.UTC(2026, 10, 25, 2, 0);

describe('district figures', () => {
  it('gives each hall its counts, its longest wait in minutes, and alerts only for the own hall', () => {
    const rows = [
      { hallId: 'hall-b', waiting: 0, servedToday: 4, oldestWaitingIssuedAt: null, overdueFollowUps: 1 },
      { hallId: 'hall-a', waiting: 3, servedToday: 1, oldestWaitingIssuedAt: NOW - 12.5 * 60_000, overdueFollowUps: 0 },
    ];
    expect(districtFigures(rows, 'hall-a', 2, NOW)).toEqual([
      { hallId: 'hall-a', ownHall: true, waiting: 3, servedToday: 1, longestWaitMinutes: 12, alerts: 2, overdueFollowUps: 0 },
      { hallId: 'hall-b', ownHall: false, waiting: 0, servedToday: 4, longestWaitMinutes: null, alerts: null, overdueFollowUps: 1 },
    ]);
  });

  it('lists the own hall even when the database has no row of it yet', () => {
    expect(districtFigures([], 'gz-th-01', 0, NOW)).toEqual([
      { hallId: 'gz-th-01', ownHall: true, waiting: 0, servedToday: 0, longestWaitMinutes: null, alerts: 0, overdueFollowUps: 0 },
    ]);
  });
});
