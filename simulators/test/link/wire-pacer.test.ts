import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WirePacer, byteWireMs } from '../../src/link/wire-pacer.ts';
import { pattern } from './echo-device.ts';

// Fake clock: the pacer reads global performance.now() and uses setTimeout, both faked here, so byte counts at given
// instants are exact and the test asserts the schedule itself, not the machine's speed.
describe('WirePacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers bytes at 10 bits a byte and resolves when the last byte is on the wire', async () => {
    const got: number[] = [];
    const pacer = new WirePacer(9600, (c) => got.push(...c));
    let done = false;
    void pacer.push(pattern(1295)).then(() => (done = true));
    // 9600 baud: 1.0417 ms a byte. After 100 ms, floor(100 / 1.0417) = 96 bytes.
    await vi.advanceTimersByTimeAsync(100);
    expect(got.length).toBe(96);
    // 1295 bytes = 1348.96 ms at 9600 (8N1, 10 bits a byte: ~1.35 s): at 1348 ms the last byte is
    // still on the wire.
    await vi.advanceTimersByTimeAsync(1348 - 100);
    expect(got.length).toBe(1294);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(3);
    expect(done).toBe(true);
    expect(Uint8Array.from(got)).toEqual(pattern(1295));
  });

  it('does not drift: after any run of ticks the count is within one slice of the ideal count', async () => {
    const got: number[] = [];
    const sliceMs = 2;
    const pacer = new WirePacer(115200, (c) => got.push(...c), { sliceMs });
    const byteMs = byteWireMs(115200);
    void pacer.push(pattern(1295));
    let t = 0;
    // Slices are sent at ticks >= sliceMs apart, so at instant t the count lags the ideal floor(t / byteMs) by at
    // most one slice plus one byte, however many ticks have passed (a drifting schedule would lag more and more).
    for (const step of [7, 1, 13, 3, 29, 2, 17, 40, 5]) {
      await vi.advanceTimersByTimeAsync(step);
      t += step;
      const ideal = Math.min(1295, Math.floor(t / byteMs));
      expect(got.length).toBeLessThanOrEqual(ideal);
      expect(got.length).toBeGreaterThanOrEqual(Math.min(1295, Math.floor((t - sliceMs) / byteMs) - 1));
    }
    expect(got.length).toBe(1295);
  });

  it('queues blocks back to back and keeps their order', async () => {
    const got: number[] = [];
    const pacer = new WirePacer(9600, (c) => got.push(...c));
    const order: string[] = [];
    void pacer.push(Uint8Array.of(1, 2, 3)).then(() => order.push('a'));
    void pacer.push(Uint8Array.of(4, 5)).then(() => order.push('b'));
    await vi.advanceTimersByTimeAsync(4);
    expect(got).toEqual([1, 2, 3]);
    expect(order).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(2);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(order).toEqual(['a', 'b']);
  });

  it('clear() drops pending bytes and resolves their senders; close() refuses more', async () => {
    const got: number[] = [];
    const pacer = new WirePacer(9600, (c) => got.push(...c));
    let resolved = false;
    void pacer.push(pattern(100)).then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(10);
    pacer.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
    const n = got.length;
    await pacer.push(pattern(10));
    await vi.advanceTimersByTimeAsync(200);
    expect(got.length).toBe(n);
  });

  it('a throwing sink is reported and the wire carries on', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const pacer = new WirePacer(
      9600,
      () => {
        calls++;
        if (calls === 1) throw new Error('device bug');
      },
      { onSinkError: (e) => errors.push(e) },
    );
    let done = false;
    void pacer.push(pattern(20)).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThan(1);
    expect(done).toBe(true);
  });

  it('rejects a bad baud with a message naming it', () => {
    expect(() => new WirePacer(0, () => {})).toThrow(/baud must be a positive number.*got 0/);
    expect(() => new WirePacer(Number.NaN, () => {})).toThrow(/baud/);
  });
});
