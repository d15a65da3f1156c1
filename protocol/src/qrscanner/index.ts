// QR scanner: the scan engine's "7E 00" host protocol and its decoded codes (specs/qr-scanner.md).
export { qrCrc16 } from './crc.ts';
export * from './registers.ts';
export * from './frames.ts';
export * from './decoder.ts';
export * from './text.ts';
