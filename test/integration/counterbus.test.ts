// The bridge's counter bus driver as the Modbus master of the counter bus simulator, over a real PTY (socat +
// serialport) and over raw TCP: key presses arrive in order and exactly once (also with 1% line noise), a silent
// terminal goes offline after 3 polls and comes back, late terminals, FIFO overflow, writes on demand observed in
// the simulator, and ratings. No assertion depends on speed: waits are for states or for counts of cycles.
import type { CounterTerminalEvent, CounterTerminalStatus } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startCounterBusRig, tcpHop, until, type CounterBusRig, type CounterBusRigOptions, type TcpHop } from './counterbus-rig.ts';

const rigs: CounterBusRig[] = [];
const hops: TcpHop[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
  for (const h of hops.splice(0)) await h.close();
});

/**
 * A TCP hop between the bridge and the simulator's TCP link that damages the master's requests: each byte is
 * changed with probability `rate` (seeded), so requests (acks included) are lost before reaching a terminal, as noise
 * on a real line does in both directions. Returns the port the bridge connects to.
 */
async function noisyRequestHop(simPort: number, rate: number, seed: number): Promise<number> {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0; // mulberry32
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hop = await tcpHop(simPort, {
    toSim: (d) => {
      const out = Buffer.from(d);
      for (let i = 0; i < out.length; i++) if (rand() < rate) out[i] ^= 1 + Math.floor(rand() * 255);
      return out;
    },
  });
  hops.push(hop);
  return hop.port;
}

async function rig(o: CounterBusRigOptions): Promise<CounterBusRig> {
  const r = await startCounterBusRig(o);
  rigs.push(r);
  return r;
}

const terminal = (r: CounterBusRig, unit: number): CounterTerminalStatus => r.driver.status().terminals!.find((t) => t.unit === unit)!;
const ofUnit = (events: CounterTerminalEvent[], unit: number) => events.filter((e) => e.unit === unit);
/** The transfer key carries an argument 0-255, so a run of presses has a distinct word per press. */
const transferArgs = (events: CounterTerminalEvent[]) => events.map((e) => (e.key === 'transfer' ? e.arg : `${e.key}?`));

/** Presses `count` transfer keys (args 0..count-1) on `unit`, never overfilling its 16-event FIFO. */
async function pressRun(r: CounterBusRig, unit: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await r.device.waitFor(() => r.device.terminal(unit).pending < 16, () => `room in unit ${unit}'s FIFO`, 60_000);
    const res = (await r.device.press(unit, 'transfer', i % 256)) as { stored: boolean };
    expect(res.stored).toBe(true);
    if (i % 3 === 2) await new Promise((res) => setTimeout(res, 5)); // spread presses across polls
  }
}

describe('counter bus driver over a PTY', () => {
  it('delivers key presses from several terminals in order, each exactly once, and acknowledges them', async () => {
    const r = await rig({ link: 'pty', terminals: 4 });
    await r.device.press(1, 'callNext');
    await r.device.press(2, 'digit', 7);
    await r.device.press(1, 'start');
    await r.device.press(4, 'transfer', 12);
    await r.device.press(2, 'finish');
    await r.device.press(1, 'finish');
    await until(() => r.events.length >= 6, () => `6 events (have ${r.events.length})`);
    await r.cycles(3); // more polls after the last event: nothing more may come
    expect(r.events).toHaveLength(6);
    expect(ofUnit(r.events, 1).map((e) => e.key)).toEqual(['callNext', 'start', 'finish']);
    expect(ofUnit(r.events, 2)).toMatchObject([{ key: 'digit', arg: 7 }, { key: 'finish' }]);
    expect(ofUnit(r.events, 4)).toMatchObject([{ key: 'transfer', arg: 12, deviceId: 'counters', unit: 4 }]);
    for (const u of [1, 2, 3, 4]) expect(r.device.terminal(u).pending).toBe(0);
    const s = r.driver.status();
    expect(s.state).toBe('online');
    expect(s.terminals!.map((t) => t.state)).toEqual(['online', 'online', 'online', 'online']);
    expect(s.terminals![0]).toMatchObject({ model: '0x0c01', firmware: '1.3', faults: { display: false, keypad: false, ratingPad: false } });
    expect(s.counters.acks).toBeGreaterThanOrEqual(3); // units 1, 2 and 4 had events
  });

  it('an ack applied whose echo is lost (a behaviour defined by the test): the event arrives once', async () => {
    const r = await rig({ link: 'pty', terminals: 2 });
    let lost = 0;
    r.device.defineBehavior({
      name: 'lose the first ack echo of unit 1',
      answer: (req, model) => {
        if (req.unit !== 1 || req.kind !== 'writeSingle' || lost > 0) return { kind: 'pass' };
        lost++;
        model(); // the terminal removes the event, the master hears nothing
        return { kind: 'silent' };
      },
    });
    await r.device.press(1, 'callNext');
    await until(() => lost === 1 && r.device.terminal(1).pending === 0, 'the lost ack');
    await r.device.press(1, 'finish');
    await until(() => ofUnit(r.events, 1).length >= 2, 'both events of unit 1');
    await r.cycles(3);
    expect(ofUnit(r.events, 1).map((e) => e.key)).toEqual(['callNext', 'finish']);
    expect(r.driver.status().counters.ackFailures).toBeGreaterThanOrEqual(1);
  });

  it('with 1% line noise on the replies, hundreds of presses arrive none lost, none doubled', async () => {
    const r = await rig({ link: 'pty', terminals: 4, sim: { seed: 7 } });
    await r.device.act('fault-noise', { level: 0.01 });
    const perUnit = 80;
    await Promise.all([1, 2, 3, 4].map((u) => pressRun(r, u, perUnit)));
    await until(() => r.events.length >= 4 * perUnit, () => `${4 * perUnit} events (have ${r.events.length})`, 120_000);
    for (const u of [1, 2, 3, 4]) await r.device.expectPending(u, 0, 30_000);
    await r.cycles(3, 60_000);
    for (const u of [1, 2, 3, 4]) expect(transferArgs(ofUnit(r.events, u))).toEqual(Array.from({ length: perUnit }, (_, i) => i));
    expect(r.events).toHaveLength(4 * perUnit);
    const c = r.driver.status().counters;
    // The noise did reach the driver (damaged replies were seen and read again), so this run tested something.
    expect(c.checksumErrors + c.lengthErrors + c.discardedBytes).toBeGreaterThan(0);
    expect(c.garbledReplies + c.ackFailures).toBeGreaterThan(0);
  }, 240_000);

  it('a terminal that stops answering is offline after 3 polls, retried every 5 s, and back when it answers', async () => {
    const r = await rig({ link: 'pty', terminals: 3 });
    await r.cycles(1);
    const silentReads: number[] = [];
    r.device.on('log', (l: { dir: string; note: string }) => {
      if (l.dir === 'rx' && /^unit 2 read input 0x0000 x\d+ \(silent/.test(l.note)) silentReads.push(performance.now());
    });
    let readsAtOffline = -1;
    r.driver.bus.on('terminal', (t) => {
      if (t.unit === 2 && t.state === 'offline' && readsAtOffline < 0) readsAtOffline = silentReads.length;
    });
    await r.device.act('fault-silent', { unit: 2, state: 'on' });
    await until(() => terminal(r, 2).state === 'offline', 'unit 2 offline');
    expect(readsAtOffline).toBe(3);
    expect(r.driver.status()).toMatchObject({ state: 'online', detail: expect.stringContaining('offline: 2') });
    expect(terminal(r, 1).state).toBe('online');
    // The others keep being served while unit 2 is down.
    await r.device.press(3, 'callNext');
    await until(() => ofUnit(r.events, 3).length === 1, 'unit 3 event while unit 2 is offline');
    // Retried once every 5 s: the next read of unit 2 comes no sooner than that (a lower bound, safe under load).
    await until(() => silentReads.length >= 4, 'the 5 s retry of unit 2', 20_000);
    expect(silentReads[3] - silentReads[2]).toBeGreaterThanOrEqual(4900);
    // Presses made while it was silent are kept by the terminal and delivered once it answers again.
    await r.device.press(2, 'recall');
    await r.device.act('fault-silent', { unit: 2, state: 'off' });
    await until(() => terminal(r, 2).state === 'online', 'unit 2 online again', 20_000);
    await until(() => ofUnit(r.events, 2).length === 1, 'unit 2 event after it came back');
    await r.cycles(2);
    expect(ofUnit(r.events, 2)).toMatchObject([{ key: 'recall' }]);
  }, 60_000);

  it('a late terminal within the reply timeout is served; one later than the timeout never has its reply taken for another', async () => {
    const r = await rig({ link: 'pty', terminals: 4 });
    await r.device.act('fault-late', { unit: 2, ms: 30 });
    await r.device.press(2, 'pause');
    await until(() => ofUnit(r.events, 2).length === 1, 'event from the slightly late unit 2');
    expect(terminal(r, 2).state).toBe('online');

    // Unit 3 answers 250 ms late, after the reply timeout: its replies land while other units are polled, or while
    // unit 3 itself is polled again, and must never be taken for those answers (the read tag changes the quantity
    // read after each timeout, so a late reply does not fit the next read of the same terminal).
    await r.device.act('fault-late', { unit: 3, ms: 250 });
    await until(() => terminal(r, 3).state === 'offline', 'very late unit 3 offline');
    await r.device.press(3, 'resume');
    await r.device.press(4, 'digit', 4);
    await r.device.press(1, 'digit', 1);
    await until(() => ofUnit(r.events, 4).length === 1 && ofUnit(r.events, 1).length === 1, 'events of units 1 and 4');
    await r.cycles(2);
    expect(ofUnit(r.events, 3)).toHaveLength(0);
    await r.device.act('fault-late', { unit: 3, ms: 0 });
    await until(() => ofUnit(r.events, 3).length >= 1, 'unit 3 event once it answers on time', 20_000);
    await r.cycles(2);
    expect(ofUnit(r.events, 3)).toMatchObject([{ key: 'resume' }]);
    expect(ofUnit(r.events, 4)).toMatchObject([{ key: 'digit', arg: 4 }]);
    expect(ofUnit(r.events, 1)).toMatchObject([{ key: 'digit', arg: 1 }]);
    // Late frames were seen and refused (whole, as unexpected, or byte by byte: their unit was not the one asked).
    const c = r.driver.status().counters;
    expect(c.unexpected + c.discardedBytes).toBeGreaterThan(0);
  }, 60_000);

  it('a lone terminal answering later than the timeout: its late replies never answer its next read, nothing lost or doubled', async () => {
    // With one terminal the next read of it follows right after a timeout, so each late reply lands in the window of
    // that read. Taken as its answer, it would be acted on after an ack that changed the FIFO (over-acknowledging).
    const r = await rig({ link: 'pty', terminals: 1 });
    await r.device.act('fault-late', { unit: 1, ms: 200 });
    for (let i = 0; i < 12; i++) {
      await r.device.press(1, 'transfer', i);
      await new Promise((res) => setTimeout(res, 40));
    }
    await until(() => terminal(r, 1).state === 'offline', 'late unit offline');
    await r.device.act('fault-late', { unit: 1, ms: 0 });
    await until(() => r.events.length >= 12, () => `12 events (have ${r.events.length})`, 20_000);
    await r.device.expectPending(1, 0, 20_000);
    await r.cycles(3);
    expect(transferArgs(r.events)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  }, 60_000);

  it('writes display, beep, LED and rating pad on demand, and a rating arrives as an event', async () => {
    const r = await rig({ link: 'pty', terminals: 3 });
    await r.driver.showText(2, 'A012', 3);
    await r.device.expectDisplay(2, 'A012');
    expect(r.device.terminal(2).displayMode).toBe(3);
    await r.driver.beep(2, 2);
    await r.device.expectBeeps(2, 2);
    await r.driver.setLed(2, 'red');
    await r.device.expectLed(2, 'red');
    await r.driver.setRatingPad(2, true);
    await r.device.expectRatingPad(2, true);
    await r.device.rate(2, 4);
    await until(() => ofUnit(r.events, 2).length === 1, 'rating event');
    expect(ofUnit(r.events, 2)).toMatchObject([{ key: 'rating', rating: 4, unit: 2 }]);
    await r.device.expectRatingPad(2, false); // the terminal turns it off after a rating

    // The same through the action interface (technician console / deviceCommand), with its validation.
    const opts = { signal: new AbortController().signal, timeoutMs: 5000 };
    await r.driver.execute('display', { unit: 3, text: 'B7' }, opts);
    await r.device.expectDisplay(3, 'B7');
    await r.driver.execute('led', { unit: 3, led: 'redBlinking' }, opts);
    await r.device.expectLed(3, 'redBlinking');
    await expect(r.driver.execute('identify', { unit: 1 }, opts)).resolves.toEqual({ unit: 1, model: '0x0c01', firmware: '1.3', statusBits: 0 });
    expect(r.device.terminal(1).displayMode).toBe(5);
    await expect(r.driver.execute('display', { unit: 9, text: 'X' }, opts)).rejects.toMatchObject({ code: 'invalidRequest' });
    await expect(r.driver.execute('display', { unit: 1, text: 'TOO LONG!' }, opts)).rejects.toMatchObject({ code: 'invalidRequest' });
    await expect(r.driver.execute('led', { unit: 1, led: 'blue' }, opts)).rejects.toMatchObject({ code: 'invalidRequest' });
    await expect(r.driver.execute('beep', { unit: '1', times: 1 }, opts)).rejects.toMatchObject({ code: 'invalidRequest' });
    await expect(r.driver.execute('terminals', {}, opts)).resolves.toHaveLength(3);
  });

  it('writes interleave with polling: a burst of writes to every terminal while keys are pressed loses nothing', async () => {
    const r = await rig({ link: 'pty', terminals: 4 });
    const writes: Promise<void>[] = [];
    for (let n = 0; n < 5; n++) for (const u of [1, 2, 3, 4]) writes.push(r.driver.showText(u, `A${u}${n}`));
    const presses = Promise.all([1, 2, 3, 4].map((u) => pressRun(r, u, 10)));
    await Promise.all([...writes, presses]);
    for (const u of [1, 2, 3, 4]) expect(r.device.terminal(u).display).toBe(`A${u}4`);
    await until(() => r.events.length >= 40, () => `40 events (have ${r.events.length})`);
    await r.cycles(2);
    for (const u of [1, 2, 3, 4]) expect(transferArgs(ofUnit(r.events, u))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reports a FIFO overflow and still delivers the 16 kept presses once', async () => {
    const r = await rig({ link: 'pty', terminals: 2 });
    // 20 presses in one go: the terminal keeps 16 and drops 4 (counter-bus.md), setting status bit 3.
    const results = [];
    for (let i = 0; i < 20; i++) results.push((await r.device.press(2, 'transfer', i)) as { stored: boolean });
    expect(results.filter((x) => !x.stored)).toHaveLength(4);
    await until(() => ofUnit(r.events, 2).length >= 16 && r.overflows.length >= 1, 'events and overflow');
    await r.cycles(2);
    expect(transferArgs(ofUnit(r.events, 2))).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(r.overflows).toMatchObject([{ deviceId: 'counters', unit: 2 }]);
    expect(terminal(r, 2).overflows).toBe(1);
    expect(r.device.terminal(2).snapshot().overflow).toBe(false); // cleared by the ack
  });
});

describe('counter bus port unplugged and plugged back', () => {
  it('the bus goes offline with its terminals unknown, refuses writes, and delivers what was pressed meanwhile once', async () => {
    const r = await rig({ link: 'pty', terminals: 2 });
    await r.device.press(1, 'callNext');
    await until(() => r.events.length === 1, 'first event');
    await r.sim.link.vanish();
    await until(() => r.driver.status().state === 'offline', 'bus offline');
    expect(r.driver.status().terminals!.map((t) => t.state)).toEqual(['unknown', 'unknown']);
    await expect(r.driver.showText(1, 'X')).rejects.toMatchObject({ code: 'deviceNotReady' });
    await r.device.press(1, 'finish');
    await r.device.press(2, 'recall');
    await r.sim.link.restore();
    await until(() => r.driver.status().state === 'online', 'bus online again', 20_000);
    await until(() => r.events.length >= 3, () => `3 events (have ${r.events.length})`);
    await r.cycles(2);
    // Order is per terminal (across terminals it follows the polling round, which resumes where it was).
    expect(ofUnit(r.events, 1).map((e) => e.key)).toEqual(['callNext', 'finish']);
    expect(ofUnit(r.events, 2).map((e) => e.key)).toEqual(['recall']);
    expect(r.events).toHaveLength(3);
    expect(r.driver.status().counters.reconnects).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

describe('counter bus driver over TCP (serial device server, raw RTU)', () => {
  it('with 1% noise both ways, lost acknowledgements never make an event arrive twice', async () => {
    const r = await rig({ link: 'tcp', terminals: 3, sim: { seed: 11 }, hop: (port) => noisyRequestHop(port, 0.01, 5) });
    await r.device.act('fault-noise', { level: 0.01 });
    const perUnit = 70;
    await Promise.all([1, 2, 3].map((u) => pressRun(r, u, perUnit)));
    await until(() => r.events.length >= 3 * perUnit, () => `${3 * perUnit} events (have ${r.events.length})`, 120_000);
    for (const u of [1, 2, 3]) await r.device.expectPending(u, 0, 30_000);
    await r.cycles(3, 60_000);
    for (const u of [1, 2, 3]) expect(transferArgs(ofUnit(r.events, u))).toEqual(Array.from({ length: perUnit }, (_, i) => i));
    expect(r.events).toHaveLength(3 * perUnit);
    // Some acks were damaged on the way and not applied: their events were read again and not delivered twice.
    expect(r.driver.status().counters.redeliveriesAvoided).toBeGreaterThan(0);
  }, 240_000);


  it('polls, acknowledges, writes and goes offline/online the same way', async () => {
    const r = await rig({ link: 'tcp', terminals: 3 });
    expect(r.path).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    await r.device.press(3, 'callNext');
    await r.device.press(1, 'noShow');
    await r.device.press(3, 'finish');
    await until(() => r.events.length >= 3, 'three events over TCP');
    await r.driver.showText(3, 'C003', 0);
    await r.device.expectDisplay(3, 'C003');
    await r.device.act('fault-silent', { unit: 1, state: 'on' });
    await until(() => terminal(r, 1).state === 'offline', 'unit 1 offline over TCP');
    await r.device.act('fault-silent', { unit: 1, state: 'off' });
    await until(() => terminal(r, 1).state === 'online', 'unit 1 online again', 20_000);
    await r.cycles(2);
    expect(ofUnit(r.events, 3).map((e) => e.key)).toEqual(['callNext', 'finish']);
    expect(ofUnit(r.events, 1).map((e) => e.key)).toEqual(['noShow']);
  }, 60_000);
});
