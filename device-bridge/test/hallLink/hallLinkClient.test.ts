/**
 * The kiosk link over real socket.io and a real hall bridge, its data on each store (no devices; the kiosk's
 * devices are a small status source, this is a test of the link, not of the drivers): registration with a
 * snapshot, status streaming into the hall's registry, heartbeats, the token check, fail-fast while down, and a
 * request whose answer was lost when the link dropped: its caller is told the link is down at once (no grace), and
 * the resend after reconnect is answered from the hall's record (`lateAnswer`), applied once.
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { KIOSK_LINK_NAMESPACE, type DeviceStatus, type KioskLinkAnswer, type KioskLinkRequest } from '@onedoor/protocol';
import { createLogger, silentLogger, startBridge, type BridgeHandle } from '../../src/index.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { HallLinkAnswerError, HallLinkClient, HallLinkDownError } from '../../src/hallLink/hallLinkClient.ts';
import { libraryHolder, seedBasics } from '../hall/fixture.ts';
import { STORE_BACKENDS, type StoreTarget } from '../store/backends.ts';
import { until } from '../kiosk/kioskRig.ts';

const TOKEN = 'hall-link-client-test-token-1';
class StatusSource extends EventEmitter<{ status: [DeviceStatus] }> {
  readonly map = new Map<string, DeviceStatus>();
  statuses = () => [...this.map.values()];
  set(s: DeviceStatus) {
    this.map.set(s.id, s);
    this.emit('status', s);
  }
}

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  let hall: BridgeHandle;

  const status = (id: string, state: DeviceStatus['state']): DeviceStatus => ({
    id, kind: 'printer', state, detail: state, counters: {}, lastError: null, since: Date.now(),
  });

  let target: StoreTarget;

  beforeAll(async () => {
    target = await backend.create();
    // The hall's data on this backend, chosen through the config's store field ("sqlite": hall.sqlite in dataDir).
    hall = await startBridge(
      { http: { host: '127.0.0.1', port: 0 }, dataDir: target.dir, store: target.setting, kiosks: [{ id: 'kiosk-x', token: TOKEN, name: '测试机' }],
        options: { logLevel: 'silent' } },
      { log: silentLogger(), hall: { demo: (store) => seedBasics(store) } },
    );
    expect(hall.hall.store).not.toBeNull();
  }, 120_000);

  afterAll(async () => {
    await hall?.close();
    await target?.destroy();
  }, 60_000);

  describe('kiosk link client', () => {
    it('refuses a connection with an unknown token', async () => {
      const s = connect(`${hall.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token: 'not-a-kiosk-token-at-all' }, transports: ['websocket'], reconnection: false });
      const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
      s.disconnect();
      expect(err.message).toBe('unknown kiosk token');
      expect(hall.kioskLink!.registry.get('kiosk-x')!.connected).toBe(false);
    });

    it('registers, streams statuses and heartbeats, fails fast while down, and settles a lost answer once after reconnect', async () => {
      const devices = new StatusSource();
      devices.set(status('printer', 'online'));
      const link = new HallLinkClient({
        url: hall.url, token: TOKEN, devices, log: silentLogger(), heartbeatMs: 50, inFlightGraceMs: 0, reconnectDelayMs: 100, reconnectDelayMaxMs: 300,
      });
      const citizen = citizenFromHolder(libraryHolder('ayiguli'));
      try {
        await expect(link.request('queue.categories', null, [])).rejects.toBeInstanceOf(HallLinkDownError);
        link.start();
        await until('link up', () => link.up, 60_000);
        const registry = hall.kioskLink!.registry;
        expect(registry.get('kiosk-x')).toMatchObject({ connected: true, name: '测试机', devices: [{ id: 'printer', state: 'online' }] });
        expect(link.kioskId).toBe('kiosk-x');

        devices.set(status('printer', 'offline'));
        await until('status streamed', () => registry.get('kiosk-x')!.devices[0].state === 'offline', 60_000);
        const beat = registry.get('kiosk-x')!.lastHeartbeat!;
        await until('a later heartbeat', () => registry.get('kiosk-x')!.lastHeartbeat! > beat, 60_000);

        expect(await link.request('queue.categories', null, [])).toHaveLength(3);

        // The hall applies the ticket and cuts the link before its answer leaves.
        const applied: string[] = [];
        hall.kioskLink!.once('applied', (_k, req) => {
          applied.push(req.requestId);
          hall.kioskLink!.drop('kiosk-x');
        });
        const late = new Promise<[KioskLinkRequest, KioskLinkAnswer]>((resolve) => link.once('lateAnswer', (r, a) => resolve([r, a])));
        await expect(link.request('queue.take', citizen, ['A'])).rejects.toBeInstanceOf(HallLinkDownError);
        await until('registry sees the drop', () => !registry.get('kiosk-x')!.connected || link.up, 60_000);
        const [req, answer] = await late;
        expect(req.requestId).toBe(applied[0]);
        expect(answer).toMatchObject({ ok: true, replayed: true });
        expect(applied).toHaveLength(1);
        expect(link.pending).toBe(0);
        expect(await hall.hall.store!.countKioskRequests('kiosk-x')).toBe(1);
        expect((await hall.hall.store!.listTickets(hall.hall.clock.today())).filter((t) => t.holderNumber === citizen.number)).toHaveLength(1);
        // Re-registered with a fresh snapshot.
        await until('re-registered', () => link.up && registry.get('kiosk-x')!.connected, 60_000);
      } finally {
        link.close();
      }
      await until('registry sees the kiosk go', () => !hall.kioskLink!.registry.get('kiosk-x')!.connected, 60_000);
      await expect(link.request('queue.categories', null, [])).rejects.toBeInstanceOf(HallLinkDownError);
    }, 180_000);
  });
});

describe('kiosk link client against a hall that answers garbage', () => {
  it('a malformed welcome leaves the link down; a malformed answer fails its caller; a malformed linkError is only logged', async () => {
    const http = createServer();
    const io = new Server(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    let welcome: unknown = { kioskId: 42, at: 'noon' };
    let disconnects = 0;
    io.of(KIOSK_LINK_NAMESPACE).on('connection', (s) => {
      s.on('disconnect', () => { disconnects++; });
      s.on('kioskHello', (_h, ack) => ack(welcome));
      s.on('hallRequest', (req: { requestId: string }, ack) => {
        s.emit('linkError', { event: 42, message: ['x'] });
        ack({ requestId: req.requestId, ok: 'yes', result: { hacked: true } });
      });
    });
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const first = new HallLinkClient({ url, token: TOKEN, devices: new StatusSource(), log });
    try {
      first.start();
      await until('the client gives up on the malformed welcome', () => disconnects > 0, 10_000);
      expect(first.up).toBe(false);
      expect(lines.some((l) => l.includes('did not welcome'))).toBe(true);
    } finally {
      first.close();
    }

    welcome = { kioskId: 'kiosk-x', at: Date.now() };
    const second = new HallLinkClient({ url, token: TOKEN, devices: new StatusSource(), log });
    try {
      second.start();
      await until('link up', () => second.up, 10_000);
      const err = await second.request('queue.categories', null, []).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(HallLinkAnswerError);
      expect((err as Error).message).toMatch(/malformed/);
      await until('the malformed linkError is logged', () => lines.some((l) => l.includes('malformed linkError')), 10_000);
      expect(second.up).toBe(true);
    } finally {
      second.close();
      io.close();
      http.close();
    }
  }, 60_000);
});
