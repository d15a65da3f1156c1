// Transports over real PTYs (socat) through the real serialport binding, and over real TCP sockets.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createTransport,
  listSerialPorts,
  parseTcpPath,
  ReconnectingTransport,
  SerialTransport,
  TcpTransport,
  type RetryInfo,
  type TransportCloseInfo,
} from '../src/transport/index.ts';
import { startPtyPair, until, type PtyPair } from './helpers/pty.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function pty(): Promise<PtyPair> {
  const p = await startPtyPair();
  cleanups.push(() => p.dispose());
  return p;
}

/** The fake device's end, opened with serialport as a device-side program would. */
async function openDeviceEnd(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  port.on('error', () => {});
  cleanups.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  return port;
}

function collect(t: { on(e: 'data', l: (c: Uint8Array) => void): unknown }): () => string {
  let s = '';
  t.on('data', (c) => (s += Buffer.from(c).toString('latin1')));
  return () => s;
}

describe('SerialTransport over a socat PTY pair', () => {
  it('carries bytes both ways and resolves write after drain', async () => {
    const p = await pty();
    const t = new SerialTransport(p.a, { baud: 115200 });
    cleanups.push(() => t.close());
    await t.open();
    expect(t.isOpen).toBe(true);
    const dev = await openDeviceEnd(p.b);
    const got = collect(t);
    let devGot = '';
    dev.on('data', (c: Buffer) => (devGot += c.toString('latin1')));
    await t.write(new TextEncoder().encode('hello'));
    dev.write('world');
    await until(() => got() === 'world' && devGot === 'hello', 'both directions');
  });

  it('reports an unplug (socat killed) as close with reason disconnected', async () => {
    const p = await pty();
    const t = new SerialTransport(p.a, { baud: 115200 });
    await t.open();
    const closed = new Promise<TransportCloseInfo>((r) => t.once('close', r));
    await p.kill();
    expect((await closed).reason).toBe('disconnected');
    expect(t.isOpen).toBe(false);
    await expect(t.write(new Uint8Array([1]))).rejects.toThrow(/not open/);
  });

  it('flushes bytes that were waiting before the open, so no stale reply is read', async () => {
    const p = await pty();
    const dev = await openDeviceEnd(p.b);
    // The device answers into a line nobody has open yet: the bytes sit in the PTY's input queue.
    await new Promise<void>((r) => dev.write('STALE\n', () => dev.drain(() => r())));
    await new Promise((r) => setTimeout(r, 200)); // let socat move them across (setup, not an assertion)
    const t = new SerialTransport(p.a, { baud: 115200 });
    cleanups.push(() => t.close());
    const got = collect(t);
    await t.open();
    dev.write('FRESH\n');
    await until(() => got().includes('FRESH'), 'fresh bytes');
    expect(got()).toBe('FRESH\n');
  });

  it('rejects open of a missing path with a message naming it, and close is idempotent', async () => {
    const t = new SerialTransport('/nonexistent/ttyX', { baud: 9600 });
    await expect(t.open()).rejects.toThrow(/\/nonexistent\/ttyX/);
    await t.close();
    expect(() => new SerialTransport('/dev/x', { baud: 0 })).toThrow(/baud/);
  });
});

describe('ReconnectingTransport', () => {
  it('comes back after unplug + replug with capped backoff, counting the reconnect', async () => {
    const p = await pty();
    const retries: RetryInfo[] = [];
    const rt = new ReconnectingTransport(new SerialTransport(p.a, { baud: 115200 }), {
      minDelayMs: 50,
      maxDelayMs: 200,
      onRetry: (i) => retries.push(i),
    });
    cleanups.push(() => rt.stop());
    const events: string[] = [];
    rt.on('open', () => events.push('open'));
    rt.on('close', (i) => events.push(`close:${i.reason}`));
    rt.start();
    await until(() => rt.isOpen, 'first open');
    await p.kill();
    await until(() => retries.length >= 4, 'several failed retries while unplugged');
    expect(retries.map((r) => r.delayMs).slice(0, 4)).toEqual([50, 100, 200, 200]);
    await p.restart();
    await until(() => rt.isOpen, 'reopen after replug');
    expect(rt.reconnects).toBe(1);
    expect(events).toEqual(['open', 'close:disconnected', 'open']);
    const dev = await openDeviceEnd(p.b);
    const got = collect(rt);
    dev.write('back');
    await until(() => got() === 'back', 'data after replug');
  });

  it('restart() recycles the link with reason watchdog and reconnects', async () => {
    const p = await pty();
    const rt = new ReconnectingTransport(new SerialTransport(p.a, { baud: 115200 }), { minDelayMs: 20 });
    cleanups.push(() => rt.stop());
    const reasons: string[] = [];
    rt.on('close', (i) => reasons.push(i.reason));
    rt.start();
    await until(() => rt.isOpen, 'open');
    await rt.restart('watchdog');
    await until(() => rt.isOpen && rt.reconnects === 1, 'reopened');
    expect(reasons).toEqual(['watchdog']);
  });

  it('stop() ends retries and closes with reason requested', async () => {
    const p = await pty();
    const rt = new ReconnectingTransport(new SerialTransport(p.a, { baud: 115200 }));
    const reasons: string[] = [];
    rt.on('close', (i) => reasons.push(i.reason));
    rt.start();
    await until(() => rt.isOpen, 'open');
    await rt.stop();
    expect(rt.isOpen).toBe(false);
    expect(reasons).toEqual(['requested']);
  });

  it('backoff doubles from the minimum up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 100, 1000))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('TcpTransport (serial device server in raw TCP mode)', () => {
  async function server(): Promise<{ srv: Server; port: number; sockets: Socket[] }> {
    const sockets: Socket[] = [];
    const srv = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    }));
    return { srv, port: (srv.address() as AddressInfo).port, sockets };
  }

  it('parses tcp://host:port and rejects bad paths by name', () => {
    expect(parseTcpPath('tcp://10.0.0.5:4001')).toEqual({ host: '10.0.0.5', port: 4001 });
    expect(parseTcpPath('tcp://[::1]:4001')).toEqual({ host: '::1', port: 4001 });
    expect(() => parseTcpPath('tcp://host')).toThrow(/tcp:\/\/host:port/);
    expect(() => parseTcpPath('tcp://host:70000')).toThrow(/port/);
    expect(createTransport('tcp://127.0.0.1:1', { baud: 9600 })).toBeInstanceOf(TcpTransport);
    expect(createTransport('/dev/ttyUSB0', { baud: 9600 })).toBeInstanceOf(SerialTransport);
  });

  it('carries bytes both ways, reports the peer closing as disconnected and reconnects', async () => {
    const { port, sockets } = await server();
    const rt = new ReconnectingTransport(new TcpTransport(`tcp://127.0.0.1:${port}`), { minDelayMs: 20 });
    cleanups.push(() => rt.stop());
    const reasons: string[] = [];
    rt.on('close', (i) => reasons.push(i.reason));
    const got = collect(rt);
    rt.start();
    await until(() => rt.isOpen && sockets.length === 1, 'connected');
    let devGot = '';
    sockets[0].on('data', (c) => (devGot += c.toString('latin1')));
    await rt.write(new TextEncoder().encode('ping'));
    sockets[0].write('pong');
    await until(() => got() === 'pong' && devGot === 'ping', 'both directions');
    sockets[0].destroy();
    await until(() => reasons.length === 1, 'close seen');
    expect(reasons).toEqual(['disconnected']);
    await until(() => rt.isOpen && sockets.length === 2, 'reconnected');
    expect(rt.reconnects).toBe(1);
  });

  it('an open to a port nobody listens on rejects naming the path', async () => {
    const { srv, port } = await server();
    await new Promise<void>((r) => srv.close(() => r()));
    await expect(new TcpTransport(`tcp://127.0.0.1:${port}`).open()).rejects.toThrow(`tcp://127.0.0.1:${port}`);
  });
});

describe('listSerialPorts', () => {
  it('returns [] instead of throwing where udevadm cannot be run', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(listSerialPorts()).resolves.toEqual([]);
    } finally {
      process.env.PATH = saved;
    }
  });
});
