/**
 * Monitoring (README "Monitoring"): `GET /metrics` of a real hall bridge and a real kiosk bridge linked to it, with
 * the reader and printer simulators on PTYs (socat + serialport). Scraped with the metrics token as a Prometheus
 * server does: device states, reconnects, command latency, print jobs, tickets per category and the kiosk's link.
 * Without the token, or with a token of another role, nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { KioskClientToServerEvents, KioskServerToClientEvents, KioskSessionEvent } from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeHandle } from '../../device-bridge/src/index.ts';
import { IdReaderSim } from '../../simulators/src/idreader/index.ts';
import { PrinterSim } from '../../simulators/src/printer/index.ts';
import { startSimulator } from '../../simulators/src/index.ts';
import { seedKioskHall, until } from '../../device-bridge/test/kiosk/kioskRig.ts';

const METRICS_TOKEN = `metrics-test-token-${process.pid}-0123456789`;
const TECH_TOKEN = `tech-test-token-${process.pid}-0123456789`;
const KIOSK_TOKEN = `kiosk-test-token-${process.pid}-0123456789`;

let dir: string;
let hall: BridgeHandle;
let kiosk: BridgeHandle;
let reader: IdReaderSim;
let ui: Socket<KioskServerToClientEvents, KioskClientToServerEvents>;
const sessions: KioskSessionEvent[] = [];
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-metrics-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const hallData = join(dir, 'hall-data');
  hall = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 }, dataDir: hallData,
      kiosks: [{ id: 'kiosk-1', token: KIOSK_TOKEN, name: '自助机 1' }],
      tokens: { metrics: METRICS_TOKEN, tech: TECH_TOKEN },
      options: { logLevel: 'silent' },
    },
    { log: silentLogger(), hall: { demo: seedKioskHall(hallData) } },
  );
  cleanups.push(() => hall.close());
  reader = new IdReaderSim({ id: `metrics-reader-${process.pid}`, timing: 'fast' });
  const runningReader = await startSimulator(reader, { link: 'pty', baud: 115200, dir: join(dir, 'sims') });
  cleanups.push(() => runningReader.close());
  const runningPrinter = await startSimulator(new PrinterSim({ nearEndMm: 0 }), { link: 'pty', baud: 115200, dir: join(dir, 'sims') });
  cleanups.push(() => runningPrinter.close());
  kiosk = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'kiosk-data'),
      hall: { url: hall.url, kioskToken: KIOSK_TOKEN, name: '自助机 1' },
      tokens: { metrics: METRICS_TOKEN, tech: TECH_TOKEN },
      devices: [
        { id: 'reader', kind: 'idreader', path: runningReader.path!, baud: 115200 },
        { id: 'printer', kind: 'printer', path: runningPrinter.path!, baud: 115200, options: { pollIntervalMs: 500 } },
      ],
      options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
    },
    { log: silentLogger(), hallLink: { reconnectDelayMs: 3000, reconnectDelayMaxMs: 5000 }, publicUrl: hall.url },
  );
  cleanups.push(() => kiosk.close());
  ui = connect(`${kiosk.url}/kiosk`, { transports: ['websocket'], auth: { screenSecret: kiosk.kioskScreenSecret } });
  cleanups.push(() => ui.disconnect());
  ui.on('session', (e) => sessions.push(e));
  await until('kiosk devices online', () => kiosk.devices.statuses().every((s) => s.state === 'online'), 60_000);
  await until('kiosk linked', () => hall.kioskLink!.registry.list()[0]?.connected, 60_000);
}, 180_000);

afterAll(async () => {
  while (cleanups.length) await Promise.resolve().then(cleanups.pop()!).catch(() => undefined);
}, 60_000);

async function scrape(bridge: BridgeHandle, token: string | null = METRICS_TOKEN): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`${bridge.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

/** The value of one sample (`name{labels} value`), labels in the order prom-client writes them; undefined if absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('is refused without the metrics token (401) and with another role\'s token (403)', async () => {
    expect((await scrape(kiosk, null)).status).toBe(401);
    expect((await scrape(hall, null)).status).toBe(401);
    expect((await scrape(kiosk, TECH_TOKEN)).status).toBe(403);
    expect((await scrape(kiosk, 'not-the-metrics-token-0123456789')).status).toBe(401);
    // The metrics token opens nothing else.
    const other = await fetch(`${kiosk.url}/api/tech/devices`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(other.status).toBe(403);
  });

  it('shows device states, reconnects and the event loop lag on the kiosk', async () => {
    const { status, body, type } = await scrape(kiosk);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    expect(sample(body, 'onedoor_device_state{device="reader",kind="idreader",state="online"}')).toBe(1);
    expect(sample(body, 'onedoor_device_state{device="reader",kind="idreader",state="offline"}')).toBe(0);
    expect(sample(body, 'onedoor_device_state{device="printer",kind="printer",state="online"}')).toBe(1);
    expect(sample(body, 'onedoor_device_reconnects_total{device="printer",kind="printer"}')).toBe(0);
    expect(body).toMatch(/^onedoor_nodejs_eventloop_lag_seconds \d/m);
    expect(body).toContain('# TYPE onedoor_device_command_duration_seconds histogram');
    // A linked kiosk has no hall database: no ticket figures of its own.
    expect(body).not.toMatch(/^onedoor_tickets_issued_today\{/m);
  });

  it('times device commands per kind and action and counts print jobs by state', async () => {
    const res = await fetch(`${kiosk.url}/api/tech/devices/printer/actions/printTestPage`, {
      method: 'POST', headers: { authorization: `Bearer ${TECH_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ timeout: 60_000 }),
    });
    expect((await res.json() as { code: string }).code).toBe('success');
    const { body } = await scrape(kiosk);
    expect(sample(body, 'onedoor_device_command_duration_seconds_count{kind="printer",action="printTestPage",code="success"}')).toBe(1);
    expect(sample(body, 'onedoor_device_command_duration_seconds_bucket{le="+Inf",kind="printer",action="printTestPage",code="success"}')).toBe(1);
    expect(sample(body, 'onedoor_print_jobs_total{device="printer",state="confirmed"}')).toBeGreaterThanOrEqual(1);
    // An action the driver does not have is one `other` series, not a new one per name.
    await fetch(`${kiosk.url}/api/tech/devices/printer/actions/noSuchAction123`, {
      method: 'POST', headers: { authorization: `Bearer ${TECH_TOKEN}`, 'content-type': 'application/json' }, body: '{}',
    });
    const after = (await scrape(kiosk)).body;
    expect(after).not.toContain('noSuchAction123');
    expect(sample(after, 'onedoor_device_command_duration_seconds_count{kind="printer",action="other",code="invalidRequest"}')).toBe(1);
  }, 120_000);

  it('counts tickets issued and waiting per category at the hall, and shows the kiosk\'s link', async () => {
    const before = await scrape(hall);
    expect(before.status).toBe(200);
    expect(sample(before.body, 'onedoor_kiosk_link_up{kiosk="kiosk-1"}')).toBe(1);
    expect(sample(before.body, 'onedoor_hall_store_up')).toBe(1);
    const issuedBefore = sample(before.body, 'onedoor_tickets_issued_today{category="A"}');
    const waitingBefore = sample(before.body, 'onedoor_tickets_waiting{category="A"}');
    expect(issuedBefore).toBe(0);
    expect(waitingBefore).toBe(0);

    reader.placeCard('zhang-sanfeng');
    const session = await until('session', () => sessions[0], 60_000);
    reader.removeCard();
    const taken = await ui.timeout(120_000).emitWithAck('kioskCommand', {
      requestId: `metrics-${process.pid}`, timeout: 60_000, token: session.token, command: 'queue.take', args: { category: 'A' },
    });
    expect(taken.code, JSON.stringify(taken)).toBe('success');
    const ticketNumber = (taken.result as { ticket: { number: string; maskedNumber: string } }).ticket;

    const after = await scrape(hall);
    expect(sample(after.body, 'onedoor_tickets_issued_today{category="A"}')).toBe(issuedBefore! + 1);
    expect(sample(after.body, 'onedoor_tickets_waiting{category="A"}')).toBe(waitingBefore! + 1);
    // No personal data and no ticket number in either bridge's metrics.
    for (const body of [after.body, (await scrape(kiosk)).body]) {
      expect(body).not.toContain(ticketNumber.number);
      expect(body).not.toContain(ticketNumber.maskedNumber.slice(0, 4) + '*');
      expect(body).not.toContain('自助机');
    }

    // The link gauge follows the kiosk: dropped at the hall -> 0 until it is back (3 s later, see reconnectDelayMs).
    hall.kioskLink!.drop('kiosk-1');
    expect(sample((await scrape(hall)).body, 'onedoor_kiosk_link_up{kiosk="kiosk-1"}')).toBe(0);
  }, 180_000);
});
