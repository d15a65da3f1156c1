// Every counter-bus.json vector (specs/vectors): builders byte-exact, parsers and decoders read them back.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/hex.ts';
import {
  buildModbusReply, buildModbusRequest, counterAckRequest, counterDisplayTextRequest, counterReadEventsRequest,
  decodeCounterEvents, ModbusReplyDecoder, ModbusRequestDecoder, parseModbusReply, parseModbusRequest,
  type ModbusReply,
} from '../../src/counterbus/index.ts';
import { loadVectors } from '../vectors.ts';

interface CounterBusVectors {
  read_events_unit1: string;
  events_reply_unit1_two_events: { frame: string; expect: unknown };
  ack_two_unit1: string;
  display_A012_unit3: string;
  display_reply_unit3: string;
  exception_illegal_address_unit2: string;
}
const v = loadVectors<CounterBusVectors>('counter-bus');

describe('counter-bus.json requests', () => {
  const cases = [
    ['read_events_unit1', counterReadEventsRequest(1), v.read_events_unit1],
    ['ack_two_unit1', counterAckRequest(1, 2), v.ack_two_unit1],
    ['display_A012_unit3', counterDisplayTextRequest(3, 'A012'), v.display_A012_unit3],
  ] as const;
  for (const [name, req, hex] of cases) {
    it(`${name}: builds byte-exact and parses back`, () => {
      expect(toHex(buildModbusRequest(req))).toBe(hex);
      expect(parseModbusRequest(fromHex(hex))).toEqual(req);
    });
  }
  it('a slave-side decoder finds all three in one stream', () => {
    const d = new ModbusRequestDecoder();
    const got = d.push(fromHex([v.read_events_unit1, v.ack_two_unit1, v.display_A012_unit3].join(' ')));
    expect(got).toEqual(cases.map((c) => c[1]));
    expect(d.counters).toMatchObject({ frames: 3, checksumErrors: 0, discardedBytes: 0 });
  });
});

describe('counter-bus.json replies', () => {
  it('events_reply_unit1_two_events: parses to the expected event block', () => {
    const reply = parseModbusReply(fromHex(v.events_reply_unit1_two_events.frame));
    expect(reply.kind).toBe('registers');
    if (reply.kind !== 'registers') return;
    expect(reply.values).toHaveLength(17);
    expect(decodeCounterEvents(reply.values)).toEqual(v.events_reply_unit1_two_events.expect);
    expect(toHex(buildModbusReply(reply))).toBe(v.events_reply_unit1_two_events.frame);
  });

  const fixed: [string, string, ModbusReply][] = [
    ['display_reply_unit3', v.display_reply_unit3, { kind: 'writeMultiple', unit: 3, address: 0x0100, quantity: 4 }],
    ['exception_illegal_address_unit2', v.exception_illegal_address_unit2, { kind: 'exception', unit: 2, fn: 4, code: 2 }],
  ];
  for (const [name, hex, reply] of fixed) {
    it(`${name}: parses and builds byte-exact`, () => {
      expect(parseModbusReply(fromHex(hex))).toEqual(reply);
      expect(toHex(buildModbusReply(reply))).toBe(hex);
    });
  }

  it('a master-side decoder expecting each request passes its answer', () => {
    const d = new ModbusReplyDecoder();
    d.expectReplyTo(counterReadEventsRequest(1));
    expect(d.push(fromHex(v.events_reply_unit1_two_events.frame))).toHaveLength(1);
    d.expectReplyTo(counterDisplayTextRequest(3, 'A012'));
    expect(d.push(fromHex(v.display_reply_unit3))).toEqual([fixed[0][2]]);
    d.expectReplyTo(counterReadEventsRequest(2));
    expect(d.push(fromHex(v.exception_illegal_address_unit2))).toEqual([fixed[1][2]]);
    expect(d.counters).toMatchObject({ frames: 3, unexpected: 0, checksumErrors: 0 });
  });
});
