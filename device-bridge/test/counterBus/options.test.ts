// Counter bus driver options (validated per device, errors name the field) and the wire timing derived from baud.
import { modbusPollFloorMs } from '@onedoor/protocol';
import { describe, expect, it } from 'vitest';
import { counterBusTiming, parseCounterBusOptions } from '../../src/devices/counterBus/options.ts';
import { CounterBusDriver } from '../../src/devices/counterBus/driver.ts';
import { silentLogger } from '../../src/log.ts';

describe('counter bus options', () => {
  it('defaults: units 1-8, 3 failed polls, 5 s retry', () => {
    expect(parseCounterBusOptions('counters', {})).toMatchObject({ units: [1, 2, 3, 4, 5, 6, 7, 8], offlineAfterPolls: 3, offlineRetryMs: 5000 });
  });

  it('refuses bad units and unknown keys, naming device and field', () => {
    expect(() => parseCounterBusOptions('counters', { units: [1, 33] })).toThrow(/counters\.options\.units\.1/);
    expect(() => parseCounterBusOptions('counters', { units: [2, 2] })).toThrow(/unique/);
    expect(() => parseCounterBusOptions('counters', { units: [] })).toThrow(/counters\.options\.units/);
    expect(() => parseCounterBusOptions('counters', { unit: [1] })).toThrow(/unit/);
  });

  it('a driver with bad options is refused at construction', () => {
    const spec = { id: 'cb', kind: 'counterbus' as const, path: '/dev/null-counterbus', baud: 9600, options: { units: [0] } };
    expect(() => new CounterBusDriver(spec, { log: silentLogger(), dataDir: '/nonexistent' })).toThrow(/cb\.options\.units\.0/);
  });
});

describe('counter bus timing', () => {
  it('t3.5 is 3.5 characters of 10 bits: about 3.65 ms at 9600, half that at 19200', () => {
    expect(counterBusTiming(9600, 100).gapMs).toBeCloseTo(3.5 * 10_000 / 9600, 6);
    expect(counterBusTiming(19200, 100).gapMs).toBeCloseTo(counterBusTiming(9600, 100).gapMs / 2, 6);
  });

  it('a reply timeout covers the wire time of request and reply, the turnaround and the margin', () => {
    const t = counterBusTiming(9600, 100);
    const poll = t.replyTimeoutMs(8, 39);
    // The poll floor (8 + 39 characters + two t3.5 gaps) plus the margin, rounded up.
    expect(poll).toBe(Math.ceil(modbusPollFloorMs(9600) + 100));
    expect(t.replyTimeoutMs(8, 8)).toBeLessThan(poll);
    expect(counterBusTiming(38400, 100).replyTimeoutMs(8, 39)).toBeLessThan(poll);
  });
});
