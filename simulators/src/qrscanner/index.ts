// QR scan engine simulator: the "7E 00" register protocol and decoded codes on a UART (specs/qr-scanner.md).
export { QrScannerSim, type QrScannerSimOptions, type QrScannerCounters, type SentCode } from './qrscanner-sim.ts';
export { EngineRegisters, factoryRegisters, ENGINE_REGISTER_SPACE, ENGINE_STATUS_REFUSED, type EngineAnswer } from './engine.ts';
