/**
 * Most used services (README "Finding a service"): an item's own appointments and applications rank it, the tickets
 * of its queue category break ties, items without use of their own are left out, at most six.
 */
import { describe, expect, it } from 'vitest';
import { mostUsedServices } from '../../src/hall/guidance.ts';
import type { ServiceItemRecord } from '../../src/store/hallStore.ts';

const item = (id: string, category: string): ServiceItemRecord => ({ id, departmentId: 1, name: id, category, timeLimitDays: 5, slotCapacity: 3, stepLimits: null });

describe('mostUsedServices', () => {
  const items = [item('A-1', 'A'), item('A-2', 'A'), item('B-1', 'B'), item('C-1', 'C')];

  it('ranks by the item own use, ties by its category tickets, and leaves items without own use out', () => {
    expect(mostUsedServices(items, { services: { 'B-1': 3, 'A-2': 1, 'C-1': 1 }, categories: { A: 9, C: 2 } })).toEqual(['B-1', 'A-2', 'C-1']);
  });

  it('shows none in a hall with no history (tickets alone name no item), and at most the count asked', () => {
    expect(mostUsedServices(items, { services: {}, categories: {} })).toEqual([]);
    expect(mostUsedServices(items, { services: {}, categories: { A: 5 } })).toEqual([]);
    expect(mostUsedServices(items, { services: { 'A-1': 1, 'B-1': 2, 'C-1': 3 }, categories: {} }, 2)).toEqual(['C-1', 'B-1']);
  });
});
