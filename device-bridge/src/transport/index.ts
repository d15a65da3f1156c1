// Transports: bytes in and out of a device port (serial or raw TCP) and the reconnect supervisor.
export * from './transport.ts';
export * from './serial.ts';
export * from './tcp.ts';
export * from './reconnecting.ts';
export { createTransport } from './create.ts';
