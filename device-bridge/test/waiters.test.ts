// The generic waiter helper (pure logic): settled once, by key or all, with timeout and abort.
import { describe, expect, it } from 'vitest';
import { Waiters } from '../src/devices/waiters.ts';

describe('Waiters', () => {
  it('resolves by key or all, each wait exactly once, and forgets settled waits', async () => {
    const w = new Waiters<number, string>();
    const a = w.wait({ key: 'a' });
    const b = w.wait({ key: 'b' });
    expect(w.keys().sort()).toEqual(['a', 'b']);
    expect(w.resolve(1, 'a')).toBe(1);
    expect(w.resolve(2, 'a')).toBe(0);
    await expect(a).resolves.toBe(1);
    expect(w.resolve(3)).toBe(1);
    await expect(b).resolves.toBe(3);
    expect(w.size).toBe(0);
  });

  it('rejects with an error per key, leaving a wait open when the function returns null', async () => {
    const w = new Waiters<number, string>();
    const a = w.wait({ key: 'a' });
    const b = w.wait({ key: 'b' });
    expect(w.reject((k) => (k === 'a' ? new Error('a blocked') : null))).toBe(1);
    await expect(a).rejects.toThrow('a blocked');
    expect(w.size).toBe(1);
    w.resolve(7, 'b');
    await expect(b).resolves.toBe(7);
  });

  it('times out and aborts with the given errors, or resolves when none is given; hooks are removed', async () => {
    const w = new Waiters<void, never>();
    await expect(w.wait({ timeoutMs: 10, timeoutError: () => new Error('too slow') })).rejects.toThrow('too slow');
    await expect(w.wait({ timeoutMs: 10 })).resolves.toBeUndefined();
    const ac = new AbortController();
    const p = w.wait({ signal: ac.signal, abortError: () => new Error('gone') });
    ac.abort();
    await expect(p).rejects.toThrow('gone');
    await expect(w.wait({ signal: ac.signal })).resolves.toBeUndefined();
    expect(w.size).toBe(0);
  });
});
