// Pure pieces of the API: origin policy, the completion LRU, timeouts into completions.
import { describe, expect, it } from 'vitest';
import { checkOrigin, CompletionCache, completeWithin, hostAllowed, originAllowed } from '../src/api/index.ts';
import { DeviceCommandError } from '../src/devices/errors.ts';

const loopback = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

describe('origin policy', () => {
  it('matches scheme, host and port (or any port)', () => {
    expect(originAllowed('http://localhost:5173', loopback)).toBe(true);
    expect(originAllowed('http://[::1]:8080', loopback)).toBe(true);
    expect(originAllowed('https://localhost:5173', loopback)).toBe(false);
    expect(originAllowed('http://localhost.evil.example:80', loopback)).toBe(false);
    expect(originAllowed('http://kiosk.hall:8080', ['http://kiosk.hall:8080'])).toBe(true);
    expect(originAllowed('http://kiosk.hall:8081', ['http://kiosk.hall:8080'])).toBe(false);
    expect(originAllowed('http://kiosk.hall', ['http://kiosk.hall:80'])).toBe(true);
    expect(originAllowed('null', loopback)).toBe(false);
  });

  it('without Origin, accepts only a loopback or allowed Host (no DNS rebinding)', () => {
    expect(hostAllowed('127.0.0.1:8080', loopback)).toBe(true);
    expect(hostAllowed('localhost', loopback)).toBe(true);
    expect(hostAllowed('rebind.evil.example:8080', loopback)).toBe(false);
    expect(hostAllowed(undefined, loopback)).toBe(false);
    expect(checkOrigin({ host: '127.0.0.1:1' }, loopback)).toBeNull();
    expect(checkOrigin({ origin: 'http://evil.example', host: '127.0.0.1:1' }, loopback)).toBe('origin http://evil.example is not allowed');
  });
});

describe('CompletionCache', () => {
  it('runs once per requestId and evicts the least recently used beyond capacity', async () => {
    const cache = new CompletionCache(2);
    let runs = 0;
    const run = (id: string) => () => Promise.resolve({ requestId: id, code: 'success' as const, result: ++runs });
    expect(await cache.getOrRun('a', run('a'))).toMatchObject({ result: 1 });
    expect(await cache.getOrRun('a', run('a'))).toMatchObject({ result: 1 });
    await cache.getOrRun('b', run('b'));
    await cache.getOrRun('a', run('a')); // touch a: b is now the oldest
    await cache.getOrRun('c', run('c')); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.getOrRun('a', run('a'))).toMatchObject({ result: 1 });
    expect(await cache.getOrRun('b', run('b'))).toMatchObject({ result: 4 });
    expect(cache.hits).toBe(3);
    expect(() => new CompletionCache(0)).toThrow(/capacity/);
  });
});

describe('completeWithin', () => {
  it('maps results, driver errors, other errors and timeouts to exactly one completion', async () => {
    expect(await completeWithin('r1', 1000, async () => 42)).toEqual({ requestId: 'r1', code: 'success', result: 42 });
    expect(await completeWithin('r2', 1000, async () => undefined)).toEqual({ requestId: 'r2', code: 'success' });
    expect(await completeWithin('r3', 1000, async () => {
      throw new DeviceCommandError('userError', 'paper out');
    })).toEqual({ requestId: 'r3', code: 'userError', message: 'paper out' });
    expect(await completeWithin('r4', 1000, () => {
      throw new Error('bug');
    })).toMatchObject({ requestId: 'r4', code: 'hardwareError' });
    let aborted = false;
    const c = await completeWithin('r5', 30, (signal) => new Promise((resolve) => signal.addEventListener('abort', () => {
      aborted = true;
      resolve('too late');
    })));
    expect(c).toMatchObject({ requestId: 'r5', code: 'timeOut' });
    expect(aborted).toBe(true);
  });
});
