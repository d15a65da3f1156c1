// The counter-bus simulator against the shared vectors byte for byte: for the scenario of `read_events_unit1` /
// `events_reply_unit1_two_events` (unit 1 holds "call next" and a 非常满意 rating), the bytes the simulated terminal
// puts on the line must be the vector's. counter-bus.md "Input registers": a rating event's low byte (the argument)
// repeats the level, "a terminal sends the level"; a master accepts either.
import { describe, expect, it } from 'vitest';
import { concatBytes, counterRatingPadRequest, decodeCounterEvents, fromHex, parseModbusReply, toHex } from '@onedoor/protocol';
import { loadVectors } from '../../../protocol/test/vectors.ts';
import { CounterBusSim } from '../../src/counterbus/index.ts';
import { TestMaster } from './test-master.ts';

const v = loadVectors<{ read_events_unit1: string; events_reply_unit1_two_events: { frame: string; expect: unknown } }>('counter-bus');

describe('CounterBusSim reply for the counter-bus.json event scenario', () => {
  it('answers read_events_unit1 with exactly the bytes of events_reply_unit1_two_events', async () => {
    const sim = new CounterBusSim({ turnaroundMs: 0, beepMs: 5 });
    try {
      const master = new TestMaster(sim);
      // The scenario: the clerk pressed "call next", then the citizen rated 1 (非常满意) on the lit pad.
      await sim.press(1, 'callNext');
      await master.request(counterRatingPadRequest(1, true));
      expect(await sim.rate(1, 1)).toMatchObject({ stored: true });
      master.raw.length = 0;

      sim.receive(fromHex(v.read_events_unit1)); // the request bytes as the vector has them
      await master.next();
      expect(toHex(concatBytes(master.raw))).toBe(v.events_reply_unit1_two_events.frame);
      // and what a master makes of it is the vector's expectation
      const reply = parseModbusReply(fromHex(v.events_reply_unit1_two_events.frame));
      expect(reply.kind === 'registers' && decodeCounterEvents(reply.values)).toEqual(v.events_reply_unit1_two_events.expect);
    } finally {
      sim.close();
    }
  });
});
