// Behaviour of the counter bus model in-process (pure logic behind an in-memory line): registers, FIFO,
// exceptions, broadcast, CRC, re-addressing, faults, actions. The real-wire test is modbus-serial.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendModbusCrc, buildModbusRequest, counterAckRequest, counterBeepRequest, counterDisplayTextRequest, counterLedRequest,
  counterRatingPadRequest, counterReadEventsRequest, counterReadIdentityRequest, counterReadOutputsRequest,
  counterSetUnitIdRequest, CounterReg, decodeCounterDisplayText, decodeCounterEvents, decodeCounterIdentity, fromHex,
  parseModbusReply,
  type ModbusRequest,
} from '@onedoor/protocol';
import { CounterBusSim } from '../../src/counterbus/index.ts';
import { TestMaster } from './test-master.ts';

const sims: CounterBusSim[] = [];
function setup(opts: ConstructorParameters<typeof CounterBusSim>[0] = {}) {
  const sim = new CounterBusSim({ turnaroundMs: 0, beepMs: 5, ...opts });
  sims.push(sim);
  return { sim, master: new TestMaster(sim) };
}
afterEach(() => { for (const s of sims.splice(0)) s.close(); });

const exception = (unit: number, fn: number, code: number) => ({ kind: 'exception', unit, fn, code });

describe('CounterBusSim registers', () => {
  it('queues key presses and ratings, serves them in the poll block and removes them on acknowledge', async () => {
    const { sim, master } = setup();
    await sim.press(3, 'callNext');
    await sim.press(3, 'transfer', 2);
    expect(decodeCounterEvents(await master.read(counterReadEventsRequest(3)))).toEqual({
      pending: 2, events: [{ key: 'callNext', arg: 0 }, { key: 'transfer', arg: 2 }],
    });
    expect(await master.request(counterAckRequest(3, 1))).toEqual({ kind: 'writeSingle', unit: 3, address: CounterReg.ack, value: 1 });
    expect(decodeCounterEvents(await master.read(counterReadEventsRequest(3)))).toEqual({ pending: 1, events: [{ key: 'transfer', arg: 2 }] });
    // other terminals are untouched
    expect((await master.read(counterReadEventsRequest(4)))[0]).toBe(0);
  });

  it('drops presses when the FIFO is full and shows overflow (status bit 3) until the next acknowledge', async () => {
    const { sim, master } = setup();
    for (let i = 0; i < 16; i++) expect(await sim.press(1, 'digit', i % 10)).toMatchObject({ stored: true });
    expect(await sim.press(1, 'callNext')).toMatchObject({ stored: false, reason: 'fifoFull', pending: 16 });
    expect(decodeCounterIdentity(await master.read(counterReadIdentityRequest(1))).status.fifoOverflow).toBe(true);
    const block = decodeCounterEvents(await master.read(counterReadEventsRequest(1)));
    expect(block.events.at(-1)).toEqual({ key: 'digit', arg: 5 }); // the 16th press, not the dropped one
    await master.request(counterAckRequest(1, 16));
    expect(decodeCounterIdentity(await master.read(counterReadIdentityRequest(1)))).toMatchObject({
      model: 0x0c01, firmware: '1.3', statusBits: 0,
    });
  });

  it('refuses to acknowledge more events than are pending (exception 03) and keeps them', async () => {
    const { sim, master } = setup();
    await sim.press(2, 'recall');
    expect(await master.request(counterAckRequest(2, 2))).toEqual(exception(2, 6, 3));
    expect(sim.terminal(2).pending).toBe(1);
  });

  it('answers exceptions 01 (function), 02 (address) and 03 (value)', async () => {
    const { master } = setup();
    const readCoils: ModbusRequest = { kind: 'other', unit: 1, fn: 1, data: fromHex('00 00 00 08') };
    expect(await master.request(readCoils)).toEqual(exception(1, 1, 1));
    expect(await master.request({ kind: 'read', unit: 1, fn: 4, address: 0x0011, quantity: 1 })).toEqual(exception(1, 4, 2));
    expect(await master.request({ kind: 'read', unit: 1, fn: 3, address: 0x0100, quantity: 9 })).toEqual(exception(1, 3, 2));
    expect(await master.request({ kind: 'read', unit: 1, fn: 3, address: 0x0000, quantity: 1 })).toEqual(exception(1, 3, 2));
    expect(await master.request({ kind: 'writeSingle', unit: 1, address: 0x0000, value: 1 })).toEqual(exception(1, 6, 2));
    expect(await master.request({ kind: 'writeSingle', unit: 1, address: CounterReg.led, value: 4 })).toEqual(exception(1, 6, 3));
    expect(await master.request({ kind: 'writeMultiple', unit: 1, address: CounterReg.displayText, values: [0x4100] })).toEqual(exception(1, 16, 3));
    // a write that fails changes nothing, even the registers before the bad one
    expect(await master.request({ kind: 'writeMultiple', unit: 1, address: CounterReg.displayText, values: [0x4142, 0x4344, 0x4500] })).toEqual(exception(1, 16, 3));
    expect(decodeCounterDisplayText(await master.read(counterReadOutputsRequest(1)))).toBe('');
  });

  it('shows display text, reads it back with the outputs, and sets mode and LED', async () => {
    const { sim, master } = setup();
    await master.request(counterDisplayTextRequest(3, 'A012'));
    await sim.expectDisplay(3, 'A012');
    await master.request({ kind: 'writeSingle', unit: 3, address: CounterReg.displayMode, value: 3 });
    await master.request(counterLedRequest(3, 'red'));
    await sim.expectLed(3, 'red');
    const out = await master.read(counterReadOutputsRequest(3));
    expect(decodeCounterDisplayText(out)).toBe('A012');
    expect(out.slice(4)).toEqual([3, 0, 0, 2]);
    expect(sim.snapshot()).toMatchObject({ terminals: expect.arrayContaining([expect.objectContaining({ unit: 3, display: 'A012', led: 'red', displayMode: 3 })]) });
  });

  it('applies broadcast writes on every terminal without answering', async () => {
    const { sim, master } = setup({ terminals: 4 });
    master.send(counterDisplayTextRequest(0, 'CLOSED'));
    sim.receive(appendModbusCrc(fromHex('00 04 00 00 00 11'))); // a broadcast read: nobody may answer it
    // the first reply on the line is the answer to the next addressed request: the broadcasts got none
    expect(await master.request(counterReadEventsRequest(2))).toMatchObject({ kind: 'registers', unit: 2 });
    for (const u of [1, 2, 3, 4]) expect(sim.terminal(u).display).toBe('CLOSED');
    expect(sim.counters.broadcasts).toBe(2);
  });

  it('ignores a request with a bad CRC, as a real slave does, and answers the next good one', async () => {
    const { sim, master } = setup();
    const bad = buildModbusRequest(counterReadEventsRequest(1));
    bad[7] ^= 0x01;
    sim.receive(bad);
    expect(await master.request(counterReadEventsRequest(5))).toMatchObject({ unit: 5 });
    expect((sim.snapshot().counters as { decoder: { checksumErrors: number } }).decoder.checksumErrors).toBeGreaterThan(0);
  });

  it('does not answer for units that are not on the line', async () => {
    const { sim, master } = setup({ terminals: 2 });
    master.send(counterReadEventsRequest(3));
    expect(await master.request(counterReadEventsRequest(2))).toMatchObject({ unit: 2 });
    expect(sim.counters.otherUnits).toBe(1);
  });

  it('accepts a rating only while the pad is lit, then turns the pad off', async () => {
    const { sim, master } = setup();
    expect(await sim.rate(4, 1)).toMatchObject({ stored: false, reason: 'ratingPadOff' });
    await master.request(counterRatingPadRequest(4, true));
    await sim.expectRatingPad(4, true);
    expect(await sim.rate(4, 5)).toMatchObject({ stored: true });
    expect(sim.terminal(4).ratingPad).toBe(false);
    expect(await sim.rate(4, 2)).toMatchObject({ stored: false });
    expect(decodeCounterEvents(await master.read(counterReadEventsRequest(4))).events).toEqual([{ key: 'rating', rating: 5 }]);
    expect((await master.read({ kind: 'read', unit: 4, fn: 3, address: CounterReg.ratingPad, quantity: 1 }))[0]).toBe(0);
  });

  it('beeps the number of times written, and the beep register reads back 0 when done', async () => {
    const { sim, master } = setup();
    await master.request(counterBeepRequest(6, 3));
    await sim.expectBeeps(6, 3);
    expect((await master.read({ kind: 'read', unit: 6, fn: 3, address: CounterReg.beep, quantity: 1 }))[0]).toBe(0);
    expect(sim.terminal(6).beeps).toBe(3);
  });

  it('re-addresses a terminal after answering from its old unit', async () => {
    const { sim, master } = setup({ terminals: 3 });
    await sim.press(2, 'pause');
    expect(await master.request(counterSetUnitIdRequest(2, 9))).toMatchObject({ unit: 2, value: 9 });
    master.send(counterReadEventsRequest(2)); // nobody answers to 2 now
    expect(decodeCounterEvents(await master.read(counterReadEventsRequest(9))).events).toEqual([{ key: 'pause', arg: 0 }]);
    expect(sim.terminals.map((t) => t.unit)).toEqual([1, 9, 3]);
  });
});

describe('CounterBusSim faults and actions', () => {
  it('a silent terminal does not answer until it is told to', async () => {
    const { sim, master } = setup();
    await sim.act('fault-silent', { unit: '1', state: 'on' });
    master.send(counterReadEventsRequest(1));
    expect(await master.request(counterReadEventsRequest(2))).toMatchObject({ unit: 2 });
    await sim.act('fault-silent', { unit: 1, state: 'off' });
    expect(await master.request(counterReadEventsRequest(1))).toMatchObject({ unit: 1 });
  });

  it('a late terminal answers after an on-time one asked after it', async () => {
    const { sim, master } = setup();
    await sim.act('fault-late', { unit: 1, ms: 300 });
    master.send(counterReadEventsRequest(1));
    master.send(counterReadEventsRequest(2));
    expect((await master.next()).unit).toBe(2);
    expect((await master.next()).unit).toBe(1);
  });

  it('sends the next replies with a bad CRC, which a master drops and counts', async () => {
    const { sim, master } = setup();
    await sim.act('fault-crc', { count: 2 });
    master.send(counterReadEventsRequest(1));
    master.send(counterReadEventsRequest(2));
    expect(await master.request(counterReadEventsRequest(3))).toMatchObject({ unit: 3 });
    expect(master.raw).toHaveLength(3);
    expect(master.decoder.counters.checksumErrors).toBeGreaterThanOrEqual(2);
  });

  it('line noise damages some replies while on, none when off', async () => {
    const { sim, master } = setup({ seed: 7 });
    await sim.act('fault-noise', { level: '0.05' });
    for (let i = 0; i < 40; i++) master.send(counterReadEventsRequest(1));
    await sim.act('fault-noise', { level: 'off' });
    master.send(counterReadEventsRequest(2));
    let survived = 0;
    for (let r = await master.next(); r.unit !== 2; r = await master.next()) survived++;
    // replies go out in order, so the clean unit 2 reply came last; some of the 40 noisy ones did not survive
    expect(survived).toBeLessThan(40);
    expect(master.decoder.counters.checksumErrors).toBeGreaterThan(0);
    expect(master.raw).toHaveLength(41);
    expect(parseModbusReply(master.raw[40])).toMatchObject({ kind: 'registers', unit: 2 }); // sent whole, no noise
  });

  it('changes the number of terminals, keeping the state of those that stay', async () => {
    const { sim, master } = setup();
    await sim.press(2, 'start');
    await sim.act('terminals', { n: '3' });
    expect(sim.terminals.map((t) => t.unit)).toEqual([1, 2, 3]);
    expect(sim.terminal(2).pending).toBe(1);
    master.send(counterReadEventsRequest(8));
    expect(await master.request(counterReadEventsRequest(3))).toMatchObject({ unit: 3 });
    await sim.act('terminals', { n: 5 });
    expect(sim.terminals.map((t) => t.unit)).toEqual([1, 2, 3, 4, 5]);
  });

  it('sets hardware status bits', async () => {
    const { sim, master } = setup();
    await sim.act('fault-hardware', { unit: 1, part: 'keypad', state: 'on' });
    expect(decodeCounterIdentity(await master.read(counterReadIdentityRequest(1))).status).toMatchObject({ keypadFault: true, displayFault: false });
  });

  it('rejects bad actions and arguments with messages naming them', async () => {
    const { sim } = setup();
    await expect(sim.act('explode', {})).rejects.toThrow(/unknown counterbus action "explode"/);
    await expect(sim.act('press', { unit: 3, key: 'fly' })).rejects.toThrow(/unknown counter key "fly"/);
    await expect(sim.act('press', { unit: 40, key: 'callNext' })).rejects.toThrow(/no terminal with unit 40/);
    await expect(sim.act('press', { unit: 'x', key: 'callNext' })).rejects.toThrow(/unit must be an integer/);
    await expect(sim.act('press', { unit: 1, key: 'digit', arg: 12 })).rejects.toThrow(/arg must be an integer 0..9/);
    await expect(sim.act('rate', { unit: 1, rating: 6 })).rejects.toThrow(/rating/);
    await expect(sim.act('fault-noise', { level: 'loud' })).rejects.toThrow(/noise level/);
    await expect(sim.act('fault-silent', { unit: 1, state: 'maybe' })).rejects.toThrow(/on or off/);
    await expect(sim.act('terminals', { n: 33 })).rejects.toThrow(/n must be an integer 1..32/);
    expect(sim.actions().map((a) => a.name)).toEqual(['press', 'rate', 'fault-noise', 'fault-crc', 'fault-silent', 'fault-late', 'fault-hardware', 'terminals']);
  });

  it('logs requests and replies with their bytes for the technician console', async () => {
    const { sim, master } = setup();
    const logs: { dir: string; hex: string; note: string }[] = [];
    sim.on('log', (l) => logs.push(l));
    await master.request(counterReadEventsRequest(1));
    expect(logs).toEqual(expect.arrayContaining([
      expect.objectContaining({ dir: 'rx', hex: '01 04 00 00 00 11 30 06' }),
      expect.objectContaining({ dir: 'tx', note: expect.stringMatching(/unit 1 reply/) }),
    ]));
  });

  it('expect helpers reject with what the terminal shows', async () => {
    const { sim } = setup();
    await expect(sim.expectDisplay(1, 'B001', 50)).rejects.toThrow(/unit 1 display "B001" \(shows ""\)/);
  });
});

describe('CounterBusSim behaviours a test defines', () => {
  it('overrides an answer for one unit, keeps the model for the others, and is removed again', async () => {
    const { sim, master } = setup();
    const remove = sim.defineBehavior({
      name: 'unit 2 is busy',
      answer: (req) => (req.unit === 2 ? { kind: 'reply', reply: { kind: 'exception', unit: 2, fn: 4, code: 6 } } : { kind: 'pass' }),
    });
    expect(await master.request(counterReadEventsRequest(2))).toEqual(exception(2, 4, 6));
    expect((await master.read(counterReadEventsRequest(3)))[0]).toBe(0);
    remove();
    expect((await master.read(counterReadEventsRequest(2)))[0]).toBe(0);
  });

  it('keeps the model effect and drops only the echo (an ack applied whose reply is lost)', async () => {
    const { sim, master } = setup();
    await sim.press(1, 'callNext');
    sim.defineBehavior({
      name: 'lose ack echoes',
      answer: (req, model) => {
        if (req.kind !== 'writeSingle' || req.address !== CounterReg.ack) return { kind: 'pass' };
        model(); // the terminal removes the events...
        return { kind: 'silent' }; // ...but the master never hears it
      },
    });
    master.send(counterAckRequest(1, 1));
    await expect(master.next(200)).rejects.toThrow('no reply');
    expect(sim.terminal(1).pending).toBe(0);
  });

  it('later definitions are asked first and a name in use is replaced; raw bytes go on the wire as given', async () => {
    const { sim, master } = setup();
    sim.defineBehavior({ name: 'a', answer: () => ({ kind: 'silent' }) });
    sim.defineBehavior({ name: 'b', answer: () => ({ kind: 'bytes', bytes: appendModbusCrc(fromHex('01 04 02 00 07')) }) });
    expect(await master.request(counterReadEventsRequest(1))).toEqual({ kind: 'registers', unit: 1, fn: 4, values: [7] });
    sim.defineBehavior({ name: 'b', answer: () => ({ kind: 'pass' }) });
    master.send(counterReadEventsRequest(1));
    await expect(master.next(200)).rejects.toThrow('no reply'); // 'b' passes, 'a' keeps it silent
  });
});
