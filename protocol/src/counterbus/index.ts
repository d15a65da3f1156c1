// Counter bus: Modbus RTU codec and the counter terminal's register map (specs/counter-bus.md).
export { modbusCrc16, modbusCrcOk, appendModbusCrc } from './crc.ts';
export {
  ModbusFn, ModbusException, modbusExceptionName, MODBUS_MAX_READ, MODBUS_MAX_WRITE, MODBUS_MAX_FRAME,
  buildModbusRequest, buildModbusReply, parseModbusRequest, parseModbusReply, modbusWriteEcho, modbusReplyAnswers,
  modbusRequestFn,
} from './frames.ts';
export type { ModbusRequest, ModbusReply, ModbusReadFn } from './frames.ts';
export { ModbusRequestDecoder, ModbusReplyDecoder } from './decoders.ts';
export type { ModbusDecoderCounters, ModbusDecoderOptions } from './decoders.ts';
export * from './terminal.ts';
export * from './timing.ts';
