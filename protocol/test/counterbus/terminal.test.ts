// The counter terminal's register map: request helpers, event block, identity, display text, value rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/hex.ts';
import {
  buildModbusRequest, COUNTER_KEYS, COUNTER_RATINGS, counterAckRequest, counterBeepRequest, counterDisplayModeRequest,
  counterDisplayTextRequest, counterHoldingValueError, counterKey, counterLedRequest, counterRatingPadRequest,
  counterReadEventsRequest, counterReadIdentityRequest, counterReadOutputsRequest, counterSetUnitIdRequest, CounterReg,
  decodeCounterDisplayText, decodeCounterEvents, decodeCounterEventWord, decodeCounterIdentity,
  encodeCounterDisplayText, encodeCounterEventWord, modbusCharMs, modbusFrameGapMs, modbusPollFloorMs,
  parseModbusRequest, type CounterEvent, type CounterKeyName, type CounterRating,
} from '../../src/counterbus/index.ts';

const arbEvent: fc.Arbitrary<CounterEvent> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...COUNTER_KEYS.map((k) => k.key).filter((k) => k !== 'digit')) as fc.Arbitrary<CounterKeyName>,
    arg: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ key: fc.constant('digit' as const), arg: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ key: fc.constant('rating' as const), rating: fc.integer({ min: 1, max: 5 }) as fc.Arbitrary<CounterRating> }),
);

describe('counter terminal requests', () => {
  it('address the registers of counter-bus.md with the right functions', () => {
    const hex = (r: Parameters<typeof buildModbusRequest>[0]) => toHex(buildModbusRequest(r)).slice(0, 17);
    expect(hex(counterReadEventsRequest(4))).toBe('04 04 00 00 00 11');
    expect(hex(counterReadIdentityRequest(4))).toBe('04 04 00 20 00 03');
    expect(hex(counterReadOutputsRequest(4))).toBe('04 03 01 00 00 08');
    expect(hex(counterAckRequest(4, 3))).toBe('04 06 01 10 00 03');
    expect(hex(counterDisplayModeRequest(4, 0xff))).toBe('04 06 01 04 00 FF');
    expect(hex(counterBeepRequest(4, 2))).toBe('04 06 01 05 00 02');
    expect(hex(counterRatingPadRequest(4, true))).toBe('04 06 01 06 00 01');
    expect(hex(counterLedRequest(4, 'redBlinking'))).toBe('04 06 01 07 00 03');
    expect(hex(counterSetUnitIdRequest(4, 9))).toBe('04 06 01 20 00 09');
    // broadcast writes are allowed (unit 0): e.g. blank every display at closing time
    expect(parseModbusRequest(buildModbusRequest(counterDisplayTextRequest(0, '')))).toEqual(counterDisplayTextRequest(0, ''));
  });

  it('reject values outside each register range, naming the register', () => {
    expect(() => counterDisplayModeRequest(1, 16)).toThrow(/display mode/);
    expect(() => counterBeepRequest(1, 256)).toThrow(/beep/);
    expect(() => counterLedRequest(1, 'blue' as 'red')).toThrow(/LED/);
    expect(() => counterAckRequest(1, 17)).toThrow(/acknowledge/);
    expect(() => counterSetUnitIdRequest(1, 33)).toThrow(/unit ID/);
    expect(() => counterDisplayTextRequest(1, 'A0123456789')).toThrow(/longer than 8/);
    expect(() => counterDisplayTextRequest(1, 'A012号')).toThrow(/non-ASCII/);
  });

  it('value rules are shared with the terminal: display registers need printable ASCII', () => {
    expect(counterHoldingValueError(CounterReg.displayText + 1, 0x4130)).toBeNull();
    expect(counterHoldingValueError(CounterReg.displayText + 1, 0x4100)).toMatch(/printable/);
    expect(counterHoldingValueError(CounterReg.ratingPad, 2)).toMatch(/rating pad/);
  });
});

describe('event FIFO words and the poll block', () => {
  it('round-trips every key and rating through its register word', () => {
    fc.assert(fc.property(arbEvent, (ev) => {
      expect(decodeCounterEventWord(encodeCounterEventWord(ev))).toEqual(ev);
    }));
  });
  it('maps rating codes 0x11-0x15 to ratings 1-5 with their Chinese names', () => {
    expect([0x1100, 0x1200, 0x1300, 0x1400, 0x1500].map(decodeCounterEventWord)).toEqual(
      [1, 2, 3, 4, 5].map((rating) => ({ key: 'rating', rating })),
    );
    // a master accepts either argument; a terminal sends the level (counter-bus.md "Input registers")
    expect([0x1101, 0x1202, 0x1303, 0x1404, 0x1505].map(decodeCounterEventWord)).toEqual(
      [1, 2, 3, 4, 5].map((rating) => ({ key: 'rating', rating })),
    );
    expect(([1, 2, 3, 4, 5] as const).map((rating) => encodeCounterEventWord({ key: 'rating', rating }))).toEqual(
      [0x1101, 0x1202, 0x1303, 0x1404, 0x1505],
    );
    expect(COUNTER_RATINGS.map((r) => r.zh)).toEqual(['非常满意', '满意', '基本满意', '不满意', '非常不满意']);
    expect(COUNTER_RATINGS.filter((r) => r.bad).map((r) => r.rating)).toEqual([4, 5]);
  });
  it('keeps an unknown key code instead of dropping it', () => {
    expect(decodeCounterEventWord(0x3107)).toEqual({ key: 'unknown', code: 0x31, arg: 7 });
  });
  it('decodes only the pending events of a block and every key has both names', () => {
    expect(decodeCounterEvents([1, 0x0602, 0x0100])).toEqual({ pending: 1, events: [{ key: 'transfer', arg: 2 }] });
    expect(decodeCounterEvents([0, ...new Array(16).fill(0)])).toEqual({ pending: 0, events: [] });
    expect(() => decodeCounterEvents([])).toThrow(/pending/);
    for (const k of COUNTER_KEYS) expect(k.zh.length * k.en.length).toBeGreaterThan(0);
    expect(counterKey('noShow').code).toBe(0x05);
    expect(() => counterKey('explode')).toThrow(/unknown counter key/);
    expect(() => encodeCounterEventWord({ key: 'digit', arg: 10 })).toThrow(/digit/);
  });
});

describe('display text and identity', () => {
  it('pads text with spaces, two characters a register, and reads it back', () => {
    expect(encodeCounterDisplayText('A012')).toEqual([0x4130, 0x3132, 0x2020, 0x2020]);
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 }), (s) => {
      expect(decodeCounterDisplayText(encodeCounterDisplayText(s))).toBe(s.replace(/ +$/, ''));
    }));
  });
  it('decodes model, firmware and status bits', () => {
    expect(decodeCounterIdentity([0x0c01, 0x0103, 0b1001])).toEqual({
      model: 0x0c01, firmware: '1.3', statusBits: 9,
      status: { displayFault: true, keypadFault: false, ratingPadFault: false, fifoOverflow: true },
    });
  });
});

describe('wire-time floor', () => {
  it('one poll at 9600 baud is 54 character times, about 56 ms', () => {
    expect(modbusCharMs(9600)).toBeCloseTo(1.0417, 3);
    expect(modbusPollFloorMs(9600)).toBeCloseTo(56.25, 2);
    expect(modbusPollFloorMs(19200)).toBeCloseTo(28.125, 3);
    expect(modbusFrameGapMs(9600)).toBeCloseTo(3.646, 2);
    expect(() => modbusPollFloorMs(0)).toThrow(/baud/);
  });
});
