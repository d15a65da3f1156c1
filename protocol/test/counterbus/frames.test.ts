import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/hex.ts';
import {
  appendModbusCrc, buildModbusReply, buildModbusRequest, modbusExceptionName, modbusReplyAnswers, modbusWriteEcho,
  parseModbusReply, parseModbusRequest, type ModbusRequest,
} from '../../src/counterbus/index.ts';
import { arbReply, arbRequest } from './arbitraries.ts';

describe('Modbus request builders and parser', () => {
  it('round-trips every well-formed request', () => {
    fc.assert(fc.property(arbRequest, (req) => {
      expect(parseModbusRequest(buildModbusRequest(req))).toEqual(req);
    }));
  });
  it('builds the frames of each function with the spec layout', () => {
    expect(toHex(buildModbusRequest({ kind: 'read', unit: 1, fn: 3, address: 0x0100, quantity: 8 }))).toMatch(/^01 03 01 00 00 08 /);
    expect(toHex(buildModbusRequest({ kind: 'writeSingle', unit: 0, address: 0x0105, value: 2 }))).toMatch(/^00 06 01 05 00 02 /);
    expect(toHex(buildModbusRequest({ kind: 'writeMultiple', unit: 5, address: 0x10, values: [0x1234] }))).toMatch(/^05 10 00 10 00 01 02 12 34 /);
  });
  it('decodes public functions outside the profile as "other" so a slave can answer exception 01', () => {
    const coils = appendModbusCrc(fromHex('07 01 00 00 00 08'));
    expect(parseModbusRequest(coils)).toEqual({ kind: 'other', unit: 7, fn: 1, data: fromHex('00 00 00 08') });
    const req: ModbusRequest = { kind: 'other', unit: 7, fn: 1, data: fromHex('00 00 00 08') };
    expect(buildModbusRequest(req)).toEqual(coils);
  });
  it('rejects bad arguments naming the field', () => {
    expect(() => buildModbusRequest({ kind: 'read', unit: 0, fn: 4, address: 0, quantity: 1 })).toThrow(/broadcast/);
    expect(() => buildModbusRequest({ kind: 'read', unit: 248, fn: 4, address: 0, quantity: 1 })).toThrow(/unit/);
    expect(() => buildModbusRequest({ kind: 'read', unit: 1, fn: 5 as 4, address: 0, quantity: 1 })).toThrow(/read function/);
    expect(() => buildModbusRequest({ kind: 'read', unit: 1, fn: 4, address: 0, quantity: 126 })).toThrow(/quantity/);
    expect(() => buildModbusRequest({ kind: 'read', unit: 1, fn: 4, address: 0x10000, quantity: 1 })).toThrow(/address/);
    expect(() => buildModbusRequest({ kind: 'writeSingle', unit: 1, address: 0, value: -1 })).toThrow(/value/);
    expect(() => buildModbusRequest({ kind: 'writeMultiple', unit: 1, address: 0, values: [] })).toThrow(/values/);
    expect(() => buildModbusRequest({ kind: 'writeMultiple', unit: 1, address: 0, values: [1, 1.5] })).toThrow(/values\[1\]/);
  });
  it('parser names what is wrong with a frame', () => {
    const good = buildModbusRequest({ kind: 'read', unit: 1, fn: 4, address: 0, quantity: 17 });
    const badCrc = good.slice(); badCrc[7] ^= 1;
    expect(() => parseModbusRequest(badCrc)).toThrow(/CRC/);
    expect(() => parseModbusRequest(good.slice(0, 6))).toThrow(/6 bytes/);
    expect(() => parseModbusRequest(fromHex('01'))).toThrow(/cut short/);
    expect(() => parseModbusRequest(appendModbusCrc(fromHex('01 2B 0E 01 00')))).toThrow(/function/);
    expect(() => parseModbusRequest(appendModbusCrc(fromHex('01 10 00 00 00 02 02 00 01')))).toThrow(/byte count/);
  });
});

describe('Modbus reply builders and parser', () => {
  it('round-trips every well-formed reply', () => {
    fc.assert(fc.property(arbReply, (reply) => {
      expect(parseModbusReply(buildModbusReply(reply))).toEqual(reply);
    }));
  });
  it('never answers a broadcast and rejects bad fields', () => {
    expect(() => buildModbusReply({ kind: 'writeSingle', unit: 0, address: 0, value: 0 })).toThrow(/unit/);
    expect(() => buildModbusReply({ kind: 'exception', unit: 1, fn: 0x84, code: 2 })).toThrow(/fn/);
    expect(() => buildModbusReply({ kind: 'exception', unit: 1, fn: 4, code: 0 })).toThrow(/code/);
    expect(() => buildModbusReply({ kind: 'exception', unit: 1, fn: 4, code: 12 })).toThrow(/code/);
  });
  it('rejects a reply with an odd byte count or an unknown exception code', () => {
    expect(() => parseModbusReply(appendModbusCrc(fromHex('01 03 03 00 01 02')))).toThrow(/byte count/);
    expect(() => parseModbusReply(appendModbusCrc(fromHex('01 83 00')))).toThrow(/byte count/);
  });
  it('names exception codes', () => {
    expect(modbusExceptionName(2)).toBe('illegal data address');
    expect(modbusExceptionName(0x40)).toBe('exception 0x40');
  });
});

describe('matching replies to requests', () => {
  it('a write echo answers its request and a read reply of the right size answers its read', () => {
    fc.assert(fc.property(arbRequest, (req) => {
      if (req.kind === 'read') {
        const values = new Array(req.quantity).fill(0);
        expect(modbusReplyAnswers(req, { kind: 'registers', unit: req.unit, fn: req.fn, values })).toBe(true);
        expect(modbusReplyAnswers(req, { kind: 'registers', unit: req.unit, fn: req.fn, values: [...values, 0] })).toBe(false);
      } else if (req.kind !== 'other') {
        expect(modbusReplyAnswers(req, modbusWriteEcho(req))).toBe(true);
        expect(modbusReplyAnswers(req, { ...modbusWriteEcho(req), unit: (req.unit + 1) % 248 })).toBe(false);
      }
      const fn = req.kind === 'read' ? req.fn : req.kind === 'writeSingle' ? 6 : 16;
      expect(modbusReplyAnswers(req, { kind: 'exception', unit: req.unit, fn, code: 2 })).toBe(true);
      expect(modbusReplyAnswers(req, { kind: 'exception', unit: req.unit, fn: fn === 3 ? 4 : 3, code: 2 })).toBe(false);
    }));
  });
});
