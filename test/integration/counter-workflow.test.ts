// The counter workflow in the whole bridge (startBridge) against the counter bus simulator over a real PTY: tickets
// from the hall services, keys pressed on the simulated terminals, what their displays/LEDs/beepers/rating pads do,
// the `call` events on /hall and the read-only /display, ratings and follow-ups stored, and a press made while the
// terminal was offline applied exactly once when it answers again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DISPLAY_NAMESPACE, type DisplayBoard, type HallCallEvent, type HallClientToServerEvents, type HallServerToClientEvents,
} from '@onedoor/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterBusDriver } from '../../device-bridge/src/devices/counterBus/index.ts';
import type { Citizen } from '../../device-bridge/src/hall/citizen.ts';
import { silentLogger } from '../../device-bridge/src/log.ts';
import { startBridge, type BridgeHandle } from '../../device-bridge/src/main.ts';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { until } from './counterbus-rig.ts';

const HALL_TOKEN = 'hall-token-counter-workflow-0123';
const WAIT = 20_000;

let dir: string;
let sim: RunningSimulator<CounterBusSim>;
let bridge: BridgeHandle;
const sockets: Socket[] = [];
const hallCalls: HallCallEvent[] = [];
const displayCalls: HallCallEvent[] = [];
const boards: DisplayBoard[] = [];

const person = (n: number): Citizen => ({ number: `T${n}`, name: `t${n}`, birthDate: '1990-01-01' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-counter-workflow-'));
  sim = await startSimulator(new CounterBusSim({ id: 'workflow-counters', terminals: 3 }), { link: 'pty', baud: 9600, dir });
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      uiDir: dir,
      tokens: { hall: HALL_TOKEN },
      devices: [{ id: 'counters', kind: 'counterbus', path: sim.path!, options: { units: [1, 2, 3], offlineRetryMs: 500 } }],
      options: { reconnect: { minDelayMs: 20, maxDelayMs: 200 } },
    },
    { log: silentLogger() },
  );
  const store = bridge.hall.store!;
  await store.upsertQueueCategory({ letter: 'A', name: '综合受理', defaultServiceMinutes: 6 });
  await store.upsertQueueCategory({ letter: 'B', name: '社保医保', defaultServiceMinutes: 10 });
  await until(() => bridge.devices.get('counters')!.status().terminals?.every((t) => t.state === 'online') === true, 'terminals online', WAIT);

  const hall = connect(bridge.url + '/hall', { transports: ['websocket'], auth: { token: HALL_TOKEN } }) as Socket<HallServerToClientEvents, HallClientToServerEvents>;
  const display = connect(bridge.url + DISPLAY_NAMESPACE, { transports: ['websocket'] });
  sockets.push(hall, display);
  hall.on('call', (c) => hallCalls.push(c));
  display.on('call', (c: HallCallEvent) => displayCalls.push(c));
  display.on('board', (b: DisplayBoard) => boards.push(b));
  await until(() => hall.connected && boards.length > 0, '/hall connected and the first /display board', WAIT);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await bridge?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ticket = async (id: number) => (await bridge.hall.store!.getTicket(id))!;

describe('counter workflow through the bridge and the counter bus simulator', () => {
  it('calls the priority ticket first: number on the display, LED red, a beep, and the call on /hall and /display', async () => {
    const plain = await bridge.hall.queue!.takeTicket(person(1), 'A');
    const green = await bridge.hall.queue!.takeTicket(person(2), 'A', { disabled: true });
    await sim.device.expectLed(1, 'green', WAIT); // shown when the terminal came online
    await sim.device.press(1, 'callNext');
    await sim.device.expectDisplay(1, green.number, WAIT);
    await sim.device.expectLed(1, 'red', WAIT);
    await sim.device.expectBeeps(1, 1, WAIT);
    await until(() => hallCalls.length === 1 && displayCalls.length === 1, 'the call on /hall and /display', WAIT);
    expect(hallCalls[0]).toMatchObject({ ticketNumber: green.number, window: 1, text: `请${green.number}号到1号窗口办理`, recall: 0 });
    expect(displayCalls[0]).toEqual(hallCalls[0]);
    await until(() => boards.at(-1)?.windows[0].ticketNumber === green.number, 'the board shows window 1 calling', WAIT);
    expect((await ticket(green.id)).status).toBe('called');
    expect((await ticket(plain.id)).status).toBe('waiting');
  });

  it('recalls three times and refuses the fourth on the terminal; no-show voids the ticket', async () => {
    const called = hallCalls[0];
    for (let i = 0; i < 4; i++) await sim.device.press(1, 'recall');
    await sim.device.expectDisplay(1, 'RCL MAX', WAIT);
    await until(() => hallCalls.length === 4, 'three recalls on /hall', WAIT);
    expect(hallCalls.slice(1).map((c) => [c.ticketNumber, c.recall])).toEqual([1, 2, 3].map((n) => [called.ticketNumber, n]));
    await sim.device.expectBeeps(1, 4, WAIT);
    await sim.device.press(1, 'noShow');
    await sim.device.expectLed(1, 'green', WAIT);
    await sim.device.expectDisplay(1, '', WAIT);
    const id = (await bridge.hall.store!.listTickets(bridge.hall.clock.today())).find((t) => t.number === called.ticketNumber)!.id;
    expect((await ticket(id)).status).toBe('noShow');
  });

  it('transfers a called ticket to another category (same number and issue time); another window calls, serves and gets a rating', async () => {
    const store = bridge.hall.store!;
    const a = (await store.listTickets(bridge.hall.clock.today(), { status: 'waiting' }))[0];
    await sim.device.press(1, 'callNext');
    await sim.device.expectDisplay(1, a.number, WAIT);
    await sim.device.press(1, 'transfer', 2); // key argument 2 -> category B
    await sim.device.expectLed(1, 'green', WAIT);
    await until(async () => (await ticket(a.id)).category === 'B', 'transfer applied');
    const moved = await ticket(a.id);
    expect([moved.category, moved.number, moved.status, moved.issuedAt]).toEqual(['B', a.number, 'waiting', a.issuedAt]);

    await sim.device.press(2, 'callNext');
    await sim.device.expectDisplay(2, a.number, WAIT);
    await sim.device.press(2, 'start');
    await sim.device.press(2, 'finish');
    await sim.device.expectRatingPad(2, true, WAIT);
    await sim.device.rate(2, 1); // 非常满意
    await until(async () => (await store.getTicketRating(a.id))?.rating === 1, 'rating 1 stored with the ticket');
    expect((await ticket(a.id)).status).toBe('done');
    expect(await store.listRatingFollowUps()).toEqual([]);
  });

  it('a bad review (5 非常不满意) is stored and opens a follow-up', async () => {
    const store = bridge.hall.store!;
    const t = await bridge.hall.queue!.takeTicket(person(3), 'A');
    await sim.device.press(2, 'callNext');
    await sim.device.expectDisplay(2, t.number, WAIT);
    await sim.device.press(2, 'finish');
    await sim.device.expectRatingPad(2, true, WAIT);
    await sim.device.rate(2, 5);
    await until(async () => (await store.getTicketRating(t.id))?.rating === 5, 'rating 5 stored');
    const followUps = await store.listRatingFollowUps({ openOnly: true });
    expect(followUps).toMatchObject([{ ticketId: t.id, rating: 5, window: 2, closedAt: null }]);
    expect(followUps[0].deadlineDay > followUps[0].openedDay).toBe(true);
  });

  it('a key pressed while the terminal is offline is applied once when it answers again', async () => {
    const t = await bridge.hall.queue!.takeTicket(person(4), 'A');
    const bus = bridge.devices.get('counters')!;
    await sim.device.act('fault-silent', { unit: 3, state: 'on' });
    await until(() => bus.status().terminals?.find((x) => x.unit === 3)?.state === 'offline', 'terminal 3 offline', WAIT);
    await sim.device.press(3, 'callNext');
    expect(sim.device.terminal(3).pending).toBe(1); // kept in the terminal's FIFO
    const callsBefore = hallCalls.length;
    await sim.device.act('fault-silent', { unit: 3, state: 'off' });
    await sim.device.expectDisplay(3, t.number, WAIT);
    await sim.device.expectPending(3, 0, WAIT);
    await sim.device.expectLed(3, 'red', WAIT);
    await until(() => hallCalls.length > callsBefore, 'the call after the terminal came back', WAIT);
    // Three more polling rounds over the line: nothing is applied twice.
    const driver = bus as CounterBusDriver;
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => driver.bus.once('cycle', () => resolve()));
    expect(hallCalls.slice(callsBefore).map((c) => [c.ticketNumber, c.window])).toEqual([[t.number, 3]]);
    expect((await bridge.hall.store!.listCounterCalls(bridge.hall.clock.today(), 50)).filter((c) => c.window === 3)).toHaveLength(1);
    expect((await ticket(t.id)).status).toBe('called');
  });

  it('a paused window blinks its LED red and calls nobody until resumed', async () => {
    const t = await bridge.hall.queue!.takeTicket(person(5), 'A');
    await sim.device.press(1, 'pause');
    await sim.device.expectLed(1, 'redBlinking', WAIT);
    await sim.device.expectDisplay(1, 'PAUSE', WAIT);
    await until(() => boards.at(-1)?.windows[0].state === 'paused', 'the board shows window 1 paused', WAIT);
    await sim.device.press(1, 'callNext');
    await sim.device.press(1, 'resume');
    await sim.device.expectLed(1, 'green', WAIT);
    expect((await ticket(t.id)).status).toBe('waiting');
    await sim.device.press(1, 'callNext');
    await sim.device.expectDisplay(1, t.number, WAIT);
  });
});

