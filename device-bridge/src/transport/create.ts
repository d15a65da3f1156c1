import { SerialTransport } from './serial.ts';
import { TcpTransport } from './tcp.ts';
import type { Transport, TransportOptions } from './transport.ts';

/** `tcp://host:port` -> raw TCP to a serial device server; anything else is a serial device path. */
export function createTransport(path: string, options: TransportOptions): Transport {
  return path.startsWith('tcp://') ? new TcpTransport(path) : new SerialTransport(path, options);
}
