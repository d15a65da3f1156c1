/**
 * The kiosk link's schemas (hallLink/linkSchemas.ts), pure: what they refuse, that a refusal's words stay short
 * whatever was sent, and that parsing a typical message costs well under 0.2 ms.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@onedoor/protocol';
import { describeLinkInvalid, deviceStatusSchema, hallRequestSchema, kioskHelloSchema } from '../../src/hallLink/linkSchemas.ts';

const status = (id: string): DeviceStatus => ({
  id, kind: 'counterbus', state: 'online', detail: 'polling 4 terminals', counters: { frames: 1200, timeouts: 2 }, lastError: null, since: 1_764_000_000_000,
  terminals: [1, 2, 3, 4].map((unit) => ({ unit, state: 'online' as const, since: 1_764_000_000_000, overflows: 0 })),
});
const hello = { devices: [status('bus'), { ...status('printer'), kind: 'printer' as const, paper: 'full' as const, terminals: undefined }], startedAt: 1 };
const request = {
  requestId: '7f1c3b9e-1111-4a2b-9c3d-123456789abc', op: 'queue.take',
  citizen: { number: '440106199003071231', name: '张三丰', birthDate: '1990-03-07', validUntil: '2035-06-11' }, args: ['A'],
};

describe('kiosk link schemas', () => {
  it('refuse nulls in lists, numbers for lists, unknown keys and __proto__ keys', () => {
    expect(kioskHelloSchema.safeParse({ devices: [null], startedAt: 1 }).success).toBe(false);
    expect(deviceStatusSchema.safeParse({ ...status('bus'), terminals: 42 }).success).toBe(false);
    expect(hallRequestSchema.safeParse({ ...request, priority: 'elderly' }).success).toBe(false);
    expect(hallRequestSchema.safeParse(JSON.parse('{"__proto__":{"op":"queue.take"},"requestId":"r","op":"queue.take","args":[]}')).success).toBe(false);
    expect(kioskHelloSchema.safeParse(hello).success).toBe(true);
    expect(hallRequestSchema.safeParse(request).success).toBe(true);
  });

  it('a refusal is described in at most 300 characters, whatever was sent', () => {
    const big = 'k'.repeat(200_000);
    const r = hallRequestSchema.safeParse({ ...request, [big]: 1, requestId: big });
    expect(r.success).toBe(false);
    const text = describeLinkInvalid(r.error!);
    expect(text.length).toBeLessThanOrEqual(301);
    expect(text).toContain('requestId');
  });

  it('parsing a hello, a device status and a request costs well under 0.2 ms each', () => {
    const runs = 3000;
    for (let i = 0; i < 300; i++) kioskHelloSchema.parse(hello);
    const timed = (parse: () => unknown) => {
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) parse();
      return (performance.now() - t0) / runs;
    };
    const perHello = timed(() => kioskHelloSchema.parse(hello));
    const perStatus = timed(() => deviceStatusSchema.parse(hello.devices[0]));
    const perRequest = timed(() => hallRequestSchema.parse(request));
    expect(perHello).toBeLessThan(0.2);
    expect(perStatus).toBeLessThan(0.2);
    expect(perRequest).toBeLessThan(0.2);
  });
});
