/**
 * The phone routes on a real bridge with its hall database on SQLite (README "The phone channel"): a capability
 * reads its ticket's position and, on the live stream, the call to its window as the counter workflow makes it;
 * forged, malformed and other-day capabilities are refused with words and counted; an address that keeps trying
 * wrong capabilities is shut out (429) while a good capability from another address still reads; without
 * `site.trustProxy` a client cannot pick another address with X-Forwarded-For.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneTicketView } from '@onedoor/protocol';
import { silentLogger, startBridge, type BridgeHandle } from '../../src/index.ts';
import { PHONE_LIMIT_DEFAULTS } from '../../src/api/phoneLimits.ts';
import { CounterBusSim } from '../../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../../simulators/src/link/index.ts';

let dir: string;
let bridge: BridgeHandle;
let sim: RunningSimulator<CounterBusSim>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-phone-'));
  sim = await startSimulator(new CounterBusSim({ id: 'phone-counters', terminals: 1 }), { link: 'pty', baud: 9600, dir });
  bridge = await startBridge({
    http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'data'),
    devices: [{ id: 'counters', kind: 'counterbus', path: sim.path!, options: { units: [1] } }],
  }, { log: silentLogger(), counterWorkflow: { windows: [{ window: 3, deviceId: 'counters', unit: 1, categories: ['A'] }] } });
  await bridge.hall.store!.upsertQueueCategory({ letter: 'A', name: '综合受理', defaultServiceMinutes: 6 });
}, 60_000);

afterAll(async () => {
  await bridge?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

const capOf = (t: { id: number; day: string }) => bridge.phone!.capabilities.issue(t);
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${bridge.url}${path}`, { headers });

/** Reads server-sent `ticket` events from a stream until `done` says enough. */
async function readEvents(res: Response, done: (views: PhoneTicketView[]) => boolean): Promise<PhoneTicketView[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const views: PhoneTicketView[] = [];
  let buf = '';
  while (!done(views)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = /^event: ticket\ndata: (.*)$/m.exec(block);
      if (data) views.push(JSON.parse(data[1]!) as PhoneTicketView);
    }
  }
  await reader.cancel();
  return views;
}

describe('phone routes', () => {
  it('reads a ticket by its capability: number, position and estimate, no ID number', async () => {
    const first = await bridge.hall.queue!.takeTicket(null, 'A');
    const second = await bridge.hall.queue!.takeTicket(null, 'A');
    const res = await get(`/api/m/ticket?c=${capOf(second)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const view = (await res.json()) as PhoneTicketView;
    expect(view).toMatchObject({ number: second.number, category: 'A', categoryName: '综合受理', status: 'waiting', ahead: 1, estimatedWaitMinutes: 6, call: null });
    expect(Object.keys(view)).not.toContain('maskedNumber');
    expect(first.number).not.toBe(second.number);
  });

  it('streams the view and then the call to the window when the counter calls the ticket', async () => {
    // Whatever earlier tests left waiting is served first; this ticket is the next after them.
    const mine = await bridge.hall.queue!.takeTicket(null, 'A');
    const res = await get(`/api/m/ticket/events?c=${capOf(mine)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let pressed = false;
    const views = await readEvents(res, (vs) => {
      const last = vs.at(-1);
      if (last && !pressed) {
        pressed = true;
        // The clerk at window 3 calls and finishes every ticket ahead, then calls this one.
        void (async () => {
          for (let i = 0; i <= last.ahead; i++) {
            await sim.device.press(1, 'callNext');
            if (i < last.ahead) await sim.device.press(1, 'finish');
          }
        })();
      }
      return last?.status === 'called';
    });
    expect(views[0]).toMatchObject({ number: mine.number, status: 'waiting', call: null });
    expect(views[0]!.ahead).toBeGreaterThan(0);
    // The position fell as the counter called (each view differs from the one before).
    const aheads = views.filter((v) => v.status === 'waiting').map((v) => v.ahead);
    expect([...aheads].sort((a, b) => b - a)).toEqual(aheads);
    expect(views.at(-1)).toMatchObject({ status: 'called', ahead: 0, call: { window: 3, recall: 0, text: `请${mine.number}号到3号窗口办理` } });
  });

  it('refuses malformed, forged and other-day capabilities with words, and counts them', async () => {
    const t = await bridge.hall.queue!.takeTicket(null, 'A');
    const good = capOf(t);
    const before = { ...bridge.phone!.refusals };
    const forged = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    const yesterday = capOf({ id: t.id, day: '2020-01-01' });
    const cases: Array<[string, number, string]> = [
      [`/api/m/ticket?c=${forged}`, 404, 'unknown'],
      [`/api/m/ticket?c=${yesterday}`, 404, 'otherDay'],
      ['/api/m/ticket?c=440106199003071234', 404, 'malformed'],
      ['/api/m/ticket', 404, 'malformed'],
      [`/api/m/ticket/events?c=${forged}`, 404, 'unknown'],
    ];
    for (const [path, status, code] of cases) {
      // Five refusals from this address: within the failure burst, so the shut-out of the next test is not yet reached.
      const res = await get(path, {});
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { code: string; zh: string };
      expect(body.code, path).toBe(code);
      expect(body.zh.length).toBeGreaterThan(4);
    }
    expect(bridge.phone!.refusals.unknown - before.unknown).toBe(2);
    expect(bridge.phone!.refusals.otherDay - before.otherDay).toBe(1);
    expect(bridge.phone!.refusals.malformed - before.malformed).toBe(2);
  });

  it('shuts out an address that keeps trying wrong capabilities, even for a good one', async () => {
    const t = await bridge.hall.queue!.takeTicket(null, 'A');
    const good = capOf(t);
    let status = 0;
    for (let i = 0; i < PHONE_LIMIT_DEFAULTS.failureBurst + 2 && status !== 429; i++) {
      status = (await get(`/api/m/ticket?c=T1.${i.toString(36)}.20261204.${'A'.repeat(22)}`)).status;
    }
    expect(status).toBe(429);
    const res = await get(`/api/m/ticket?c=${good}`);
    expect(res.status).toBe(429);
    expect(((await res.json()) as { code: string }).code).toBe('rateLimited');
  });

  it('without site.trustProxy a spoofed X-Forwarded-For is ignored: the shut-out address stays shut out', async () => {
    const t = await bridge.hall.queue!.takeTicket(null, 'A');
    // Same TCP peer as the test above, claiming to be someone else.
    const res = await get(`/api/m/ticket?c=${capOf(t)}`, { 'x-forwarded-for': '203.0.113.77' });
    expect(res.status).toBe(429);
  });
});
