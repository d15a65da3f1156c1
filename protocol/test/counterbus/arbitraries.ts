// fast-check generators of well-formed Modbus requests and replies, shared by the counter bus tests.
import fc from 'fast-check';
import type { ModbusReply, ModbusRequest } from '../../src/counterbus/index.ts';

const reg = fc.integer({ min: 0, max: 0xffff });
const unit = fc.integer({ min: 1, max: 247 });
const readFn = fc.constantFrom(3 as const, 4 as const);

export const arbRequest: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc.record({ kind: fc.constant('read' as const), unit, fn: readFn, address: reg, quantity: fc.integer({ min: 1, max: 125 }) }),
  fc.record({ kind: fc.constant('writeSingle' as const), unit: fc.integer({ min: 0, max: 247 }), address: reg, value: reg }),
  fc.record({
    kind: fc.constant('writeMultiple' as const), unit: fc.integer({ min: 0, max: 247 }), address: reg,
    values: fc.array(reg, { minLength: 1, maxLength: 123 }),
  }),
);

export const arbReply: fc.Arbitrary<ModbusReply> = fc.oneof(
  fc.record({ kind: fc.constant('registers' as const), unit, fn: readFn, values: fc.array(reg, { minLength: 1, maxLength: 125 }) }),
  fc.record({ kind: fc.constant('writeSingle' as const), unit, address: reg, value: reg }),
  fc.record({ kind: fc.constant('writeMultiple' as const), unit, address: reg, quantity: fc.integer({ min: 1, max: 123 }) }),
  fc.record({ kind: fc.constant('exception' as const), unit, fn: fc.constantFrom(1, 2, 3, 4, 6, 16), code: fc.integer({ min: 1, max: 4 }) }),
);
