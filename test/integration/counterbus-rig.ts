/**
 * A counter bus rig for integration tests and the cycle benchmark: the counter bus simulator (N terminals) behind a
 * real link (a socat PTY opened through serialport, or raw TCP as a serial device server carries it) and the
 * bridge's CounterBusDriver as the master. Everything a test starts is closed by `close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CounterTerminalEvent, CounterOverflowEvent } from '@onedoor/protocol';
import { CounterBusDriver } from '../../device-bridge/src/devices/counterBus/driver.ts';
import { silentLogger } from '../../device-bridge/src/log.ts';
import { CounterBusSim, type CounterBusSimOptions } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type LinkKind, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { untilWith } from '../support/until.ts';

export interface CounterBusRigOptions {
  link: LinkKind;
  baud?: number;
  /** Terminals on the simulated line (units 1..n). */
  terminals: number;
  /** Units the driver polls (default 1..terminals). */
  units?: number[];
  sim?: CounterBusSimOptions;
  /** Extra driver options (replyMarginMs, offlineRetryMs, ...). */
  driverOptions?: Record<string, unknown>;
  /** Start the driver (default true). */
  startDriver?: boolean;
  /** TCP only: put a hop between bridge and simulator (given the simulator's port, returns the port to use). */
  hop?: (simPort: number) => Promise<number>;
}

export interface CounterBusRig {
  sim: RunningSimulator<CounterBusSim>;
  device: CounterBusSim;
  driver: CounterBusDriver;
  /** What the bridge opens: the PTY path or tcp://127.0.0.1:port. */
  path: string;
  events: CounterTerminalEvent[];
  overflows: CounterOverflowEvent[];
  /** Resolves after the driver has finished `n` more polling cycles (not a timing assertion: a count). */
  cycles(n: number, limitMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const until = untilWith({ limitMs: 20_000, stepMs: 10 });

export interface TcpHop {
  port: number;
  close(): Promise<void>;
}

/**
 * A TCP hop between the bridge and the simulator's TCP link (pass it as the rig's `hop`). `toSim` and `toHost` see
 * each chunk on its way and return what to forward: a test damages requests, the cycle bench stamps times.
 */
export async function tcpHop(simPort: number, o: { toSim?: (d: Buffer) => Buffer; toHost?: (d: Buffer) => Buffer }): Promise<TcpHop> {
  const server = net.createServer((host) => {
    const sim = net.connect(simPort, '127.0.0.1');
    host.setNoDelay(true);
    sim.setNoDelay(true);
    sim.on('data', (d) => host.write(o.toHost ? o.toHost(d) : d));
    host.on('data', (d) => sim.write(o.toSim ? o.toSim(d) : d));
    const end = () => {
      host.destroy();
      sim.destroy();
    };
    host.on('close', end).on('error', end);
    sim.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startCounterBusRig(o: CounterBusRigOptions): Promise<CounterBusRig> {
  const baud = o.baud ?? 9600;
  const dir = mkdtempSync(join(tmpdir(), 'od-cbus-'));
  const id = `cbus-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let sim: RunningSimulator<CounterBusSim>;
  try {
    sim = await startSimulator(new CounterBusSim({ id, terminals: o.terminals, ...o.sim }), { link: o.link, baud, dir });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const path = o.link === 'pty' ? sim.path! : `tcp://127.0.0.1:${o.hop ? await o.hop(sim.port!) : sim.port}`;
  const units = o.units ?? Array.from({ length: o.terminals }, (_, i) => i + 1);
  const driver = new CounterBusDriver(
    { id: 'counters', kind: 'counterbus', path, baud, options: { units, ...o.driverOptions } },
    { log: silentLogger(), dataDir: dir, backoff: { minDelayMs: 20, maxDelayMs: 200 } },
  );
  const events: CounterTerminalEvent[] = [];
  const overflows: CounterOverflowEvent[] = [];
  driver.bus.on('counterEvent', (e) => events.push(e));
  driver.bus.on('counterOverflow', (e) => overflows.push(e));
  if (o.startDriver !== false) {
    await driver.start();
    await until(() => driver.status().state === 'online', 'counter bus online');
  }
  return {
    sim,
    device: sim.device,
    driver,
    path,
    events,
    overflows,
    cycles: (n, limitMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        let seen = 0;
        const timer = setTimeout(() => {
          driver.bus.off('cycle', onCycle);
          reject(new Error(`timed out waiting for ${n} polling cycles (saw ${seen})`));
        }, limitMs);
        const onCycle = () => {
          if (++seen < n) return;
          clearTimeout(timer);
          driver.bus.off('cycle', onCycle);
          resolve();
        };
        driver.bus.on('cycle', onCycle);
      }),
    close: async () => {
      await driver.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
