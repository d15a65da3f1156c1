// Hall-local days and times of one clock asked again and again (hall/clock.ts formats once a minute): every answer is
// the instant's own, across a minute, the hall's midnight, backwards in time, and at another offset.
import { describe, expect, it } from 'vitest';
import { HallClock } from '../../src/hall/clock.ts';

describe('hall clock asked many times', () => {
  it('answers each instant\'s own day and time, whatever it was asked before', () => {
    let now = Date.parse('2026-11-25T15:58:59.999Z');
    const clock = new HallClock(() => now);
    expect(clock.stamp()).toBe('2026-11-25 23:58');
    now += 1;
    expect(clock.stamp()).toBe('2026-11-25 23:59');
    expect(clock.today()).toBe('2026-11-25');
    now = Date.parse('2026-11-25T16:00:00.000Z');
    expect(clock.today()).toBe('2026-11-26');
    expect(clock.timeOf()).toBe('00:00');
    // An earlier instant after a later one (a ticket's issuedAt read back).
    expect(clock.dayOf(Date.parse('2026-11-25T15:59:59.999Z'))).toBe('2026-11-25');
    expect(clock.timeOf(Date.parse('2026-11-25T15:59:59.999Z'))).toBe('23:59');
    expect(clock.stamp()).toBe('2026-11-26 00:00');
    expect(clock.dayOf(Date.parse('1969-12-31T15:59:00Z'))).toBe('1969-12-31');
    expect(() => clock.dayOf(Number.NaN)).toThrow(RangeError);
    expect(clock.today()).toBe('2026-11-26');
  });

  it('keeps two clocks with different offsets apart', () => {
    const at = Date.parse('2026-11-25T16:30:00Z');
    const china = new HallClock(() => at);
    const utc = new HallClock(() => at, 0);
    expect([china.stamp(), utc.stamp(), china.stamp()]).toEqual(['2026-11-26 00:30', '2026-11-25 16:30', '2026-11-26 00:30']);
  });
});
