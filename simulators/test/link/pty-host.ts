/** A host on a PTY through the real `serialport` package, as a bridge opens it; collects what it receives. */
import { execFileSync } from 'node:child_process';
import { SerialPort } from 'serialport';

export interface PtyHost {
  port: SerialPort;
  chunks: Buffer[];
  readonly bytes: Buffer;
  readonly closed: boolean;
  write(data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function openPtyHost(path: string, baudRate = 115200): Promise<PtyHost> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  const chunks: Buffer[] = [];
  let closed = false;
  port.on('data', (d: Buffer) => chunks.push(d));
  port.on('close', () => (closed = true));
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return {
    port,
    chunks,
    get bytes() {
      return Buffer.concat(chunks);
    },
    get closed() {
      return closed;
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
