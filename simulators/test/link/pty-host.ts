/** A host on a PTY through the real `serialport` package, as a bridge opens it; collects what it receives. */
import { execFileSync } from 'node:child_process';
import { SerialPort } from 'serialport';
import { collectReceived, type Received } from './echo-device.ts';

export interface PtyHost extends Received {
  port: SerialPort;
  write(data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function openPtyHost(path: string, baudRate = 115200): Promise<PtyHost> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  const received = collectReceived(port);
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return {
    port,
    get chunks() {
      return received.chunks;
    },
    get bytes() {
      return received.bytes;
    },
    get closed() {
      return received.closed;
    },
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(data), (err) => (err ? reject(err) : port.drain(() => resolve())));
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

/** socat processes that are children of this process (to prove none is left behind). */
export function socatChildren(): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are no children
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'socat')
    .map(([pid]) => Number(pid));
}
