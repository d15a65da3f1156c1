import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/link/index.ts';
import { TcpLink } from '../../src/link/tcp-link.ts';
import { collectReceived, EchoDevice, pattern, until } from './echo-device.ts';

/** A raw TCP client that collects everything it receives, chunk by chunk. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const received = collectReceived(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return Object.assign(received, { socket });
}

const running: RunningSimulator[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

async function start(device: EchoDevice, baud: number) {
  const sim = await startSimulator(device, { link: 'tcp', baud, port: 0 });
  running.push(sim);
  return sim;
}

describe('TcpLink', () => {
  it('carries bytes both ways and attaches the device while a host is connected', async () => {
    const device = new EchoDevice();
    const sim = await start(device, 115200);
    expect(sim.port).toBeGreaterThan(0);
    expect(device.attachments).toEqual([]);
    const host = await connect(sim.port!);
    await until(() => device.line !== null, 'attach');
    host.socket.write(Buffer.from('hello, reader'));
    await until(() => host.bytes.length === 13, 'echo');
    expect(host.bytes.toString()).toBe('hello, reader');
    expect(device.receivedBytes()).toEqual(new TextEncoder().encode('hello, reader'));
    host.socket.destroy();
    await until(() => device.line === null, 'detach');
    expect(device.attachments).toEqual(['line', null]);
    expect(sim.link.snapshot()).toMatchObject({ kind: 'tcp', up: true, hostConnected: false, rxBytes: 13, txBytes: 13 });
  });

  it('paces replies: a 1295-byte reply reaches the host in many slices, in order, and send() resolves after all left', async () => {
    const device = new EchoDevice();
    device.echo = false;
    const sim = await start(device, 9600);
    const host = await connect(sim.port!);
    await until(() => device.line !== null, 'attach');
    const reply = pattern(1295);
    let sentWhenResolved = -1;
    await device.line!.send(reply).then(() => (sentWhenResolved = sim.link.snapshot().txBytes));
    expect(sentWhenResolved).toBe(1295);
    await until(() => host.bytes.length === 1295, 'whole reply');
    expect(new Uint8Array(host.bytes)).toEqual(reply);
    // Unpaced, 1295 bytes on loopback arrive in one or two reads; paced at 9600 baud they leave in slices a few ms
    // apart over 1.35 s. The bound is loose so that a loaded machine (late timers, merged reads) cannot fail it.
    expect(host.chunks.length).toBeGreaterThan(5);
    expect(host.chunks[0].length).toBeLessThan(1295 / 2);
  });

  it('paces host bytes: one big write reaches the device in many small chunks, in order', async () => {
    const device = new EchoDevice();
    device.echo = false;
    const sim = await start(device, 9600);
    const host = await connect(sim.port!);
    await until(() => device.line !== null, 'attach');
    const data = pattern(600);
    host.socket.write(data);
    await until(() => device.received === 600, 'all bytes at the device');
    expect(device.receivedBytes()).toEqual(data);
    // 600 bytes take 625 ms at 9600 baud: they trickle in, the first chunk holds only a small part.
    expect(device.chunks.length).toBeGreaterThan(3);
    expect(device.chunks[0].length).toBeLessThan(300);
  });

  it('a second host replaces the first (old socket closed, device re-attached)', async () => {
    const device = new EchoDevice();
    const sim = await start(device, 115200);
    const first = await connect(sim.port!);
    await until(() => device.attachments.length === 1, 'first attach');
    const second = await connect(sim.port!);
    await until(() => first.closed, 'first closed');
    await until(() => device.attachments.length === 3, 'reattach');
    expect(device.attachments).toEqual(['line', null, 'line']);
    second.socket.write('x');
    await until(() => second.bytes.length === 1, 'echo to the second host');
    expect(first.bytes.length).toBe(0);
    expect(sim.link.snapshot().connections).toBe(2);
    second.socket.destroy();
  });

  it('vanish() drops the host and refuses connections; restore() listens again on the same port', async () => {
    const device = new EchoDevice();
    const sim = await start(device, 115200);
    const port = sim.port!;
    const host = await connect(port);
    await until(() => device.line !== null, 'attach');
    await sim.link.vanish();
    await until(() => host.closed, 'host dropped');
    expect(device.line).toBeNull();
    expect(sim.link.snapshot().up).toBe(false);
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await sim.link.restore();
    expect(sim.link.snapshot()).toMatchObject({ up: true, port });
    const again = await connect(port);
    again.socket.write('back');
    await until(() => again.bytes.toString() === 'back', 'echo after restore');
    again.socket.destroy();
  });

  it('sends while no host is attached are dropped and resolve', async () => {
    const device = new EchoDevice();
    const sim = await start(device, 115200);
    const host = await connect(sim.port!);
    await until(() => device.line !== null, 'attach');
    const staleLine = device.line!;
    host.socket.destroy();
    await until(() => device.line === null, 'detach');
    await staleLine.send(pattern(50));
    expect(sim.link.snapshot().txBytes).toBe(0);
  });

  it('rejects bad options with clear messages', async () => {
    const device = new EchoDevice();
    expect(() => new TcpLink(device, { baud: -1 })).toThrow(/baud must be a positive number.*-1/);
    expect(() => new TcpLink(device, { baud: 9600, port: 70000 })).toThrow(/port must be an integer 0\.\.65535, got 70000/);
    await expect(startSimulator(device, { link: 'usb' as never, baud: 9600 })).rejects.toThrow(/link must be 'pty' or 'tcp'/);
  });
});
