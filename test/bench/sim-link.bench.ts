/**
 * Simulator link pacing: how close the achieved transfer time of a 1295-byte block (the size of an ID card read
 * reply) comes to its nominal wire time at 10 bits a byte, both directions, over TCP and over a real PTY (socat +
 * serialport). Ratio 1.00 = exactly wire speed; timer slices, the PTY hop and the 5 ms polling of the arrival check
 * add a few ms.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type LinkKind } from '../../simulators/src/index.ts';
import { EchoDevice, pattern, until } from '../../simulators/test/link/echo-device.ts';
import { openPtyHost } from '../../simulators/test/link/pty-host.ts';

interface Host {
  received(): number;
  write(b: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

async function openHost(kind: LinkKind, where: string | number, baud: number): Promise<Host> {
  if (kind === 'pty') {
    const h = await openPtyHost(where as string, baud);
    return { received: () => h.bytes.length, write: (b) => h.write(b), close: () => h.close() };
  }
  const socket = net.connect(where as number, '127.0.0.1');
  let n = 0;
  socket.on('data', (d) => (n += d.length));
  await new Promise((r) => socket.once('connect', r));
  return {
    received: () => n,
    write: (b) => new Promise((r) => socket.write(b, () => r())),
    close: async () => void socket.destroy(),
  };
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onedoor-bench-link-'));
  const size = 1295;
  const rows: Record<string, string | number>[] = [];
  try {
    for (const kind of ['tcp', 'pty'] as LinkKind[]) {
      for (const baud of [9600, 115200]) {
        const device = new EchoDevice(`bench-${kind}-${baud}`);
        device.echo = false;
        const sim = await startSimulator(device, { link: kind, baud, dir, port: 0 });
        const host = await openHost(kind, sim.path ?? sim.port!, baud);
        await until(() => device.line !== null, 'attach');
        const nominal = device.line!.wireMs(size);

        let t0 = performance.now();
        const sent = device.line!.send(pattern(size));
        await until(() => host.received() === size, 'reply at host');
        const toHost = performance.now() - t0;
        await sent;

        t0 = performance.now();
        await host.write(pattern(size));
        await until(() => device.received === size, 'request at device');
        const toDevice = performance.now() - t0;

        rows.push({
          link: kind,
          baud,
          bytes: size,
          'nominal ms': nominal.toFixed(1),
          'to host ms': toHost.toFixed(1),
          'to host / nominal': (toHost / nominal).toFixed(3),
          'to device ms': toDevice.toFixed(1),
          'to device / nominal': (toDevice / nominal).toFixed(3),
        });
        await host.close();
        await sim.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
}
