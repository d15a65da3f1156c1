/**
 * Most used services (README "Finding a service"): an item's own appointments and applications rank it first, the
 * tickets of its queue category break ties, unused items are left out, at most six.
 */
import { describe, expect, it } from 'vitest';
import { mostUsedServices } from '../../src/hall/guidance.ts';
import type { ServiceItemRecord } from '../../src/store/hallStore.ts';

const item = (id: string, category: string): ServiceItemRecord => ({ id, departmentId: 1, name: id, category, timeLimitDays: 5, slotCapacity: 3, stepLimits: null });

describe('mostUsedServices', () => {
  const items = [item('A-1', 'A'), item('A-2', 'A'), item('B-1', 'B'), item('C-1', 'C')];

  it('ranks by the item own use, then its category tickets, and leaves unused items out', () => {
    expect(mostUsedServices(items, { services: { 'B-1': 3, 'A-2': 1 }, categories: { A: 9 } })).toEqual(['B-1', 'A-2', 'A-1']);
  });

  it('shows none in a hall with no history, and at most the count asked', () => {
    expect(mostUsedServices(items, { services: {}, categories: {} })).toEqual([]);
    expect(mostUsedServices(items, { services: {}, categories: { A: 1, B: 2, C: 3 } }, 2)).toEqual(['C-1', 'B-1']);
  });
});
