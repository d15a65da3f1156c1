/**
 * All configured devices of one bridge: builds their drivers through a registry, starts and stops them, and
 * re-emits every driver's `status` change as one stream for the API.
 */
import { EventEmitter } from 'node:events';
import type { CompletionCode, DeviceStatus } from '@onedoor/protocol';
import type { DeviceDriver, DeviceSpec, DriverContext, ExecuteOptions } from './driver.ts';
import { completionCodeOf, DeviceCommandError } from './errors.ts';
import { NoDeviceDriver, type DriverRegistry } from './registry.ts';

export interface DeviceSetEventMap {
  status: [status: DeviceStatus];
  /** A command run through `execute` ended (the monitoring's latency histograms, api/metrics.ts). */
  commandDone: [done: DeviceCommandDone];
}

/** One finished device command: which kind of device, which action (as the driver names it), how it ended. */
export interface DeviceCommandDone {
  deviceId: string;
  kind: DeviceDriver['kind'];
  /** The action name when the driver offers it, else `other` (a client's typo must not mint a new series). */
  action: string;
  code: CompletionCode;
  seconds: number;
}

export interface DeviceEntry extends DeviceSpec {
  /** false: configured but not driven (shown as noDevice). */
  enabled: boolean;
}

export class DeviceSet extends EventEmitter<DeviceSetEventMap> {
  private readonly drivers = new Map<string, DeviceDriver>();

  constructor(entries: readonly DeviceEntry[], registry: DriverRegistry, ctx: DriverContext) {
    super();
    for (const e of entries) {
      if (this.drivers.has(e.id)) throw new Error(`duplicate device id "${e.id}"`);
      const driver = e.enabled ? registry.create(e, ctx) : new NoDeviceDriver(e, 'disabled in the configuration');
      driver.on('status', (s) => this.emit('status', s));
      this.drivers.set(e.id, driver);
    }
  }

  get(id: string): DeviceDriver | undefined {
    return this.drivers.get(id);
  }

  list(): DeviceDriver[] {
    return [...this.drivers.values()];
  }

  statuses(): DeviceStatus[] {
    return this.list().map((d) => d.status());
  }

  /** Starts the devices `which` selects (default all); the others stay `not started` until `startOne`. */
  async start(which: (d: DeviceDriver) => boolean = () => true): Promise<void> {
    await Promise.all(this.list().filter(which).map((d) => d.start()));
  }

  /** One device, e.g. the counter bus once this instance holds its lease (instances/counterBusLease.ts). */
  async startOne(id: string): Promise<void> {
    await this.drivers.get(id)?.start();
  }

  /** One device, for good: a driver is not restarted after stop (driver.ts). */
  async stopOne(id: string): Promise<void> {
    await this.drivers.get(id)?.stop();
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.list().map((d) => d.stop()));
  }

  /** Run a driver action by device id; an unknown id is the client's mistake (`invalidRequest`). */
  execute(id: string, action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown> {
    const d = this.drivers.get(id);
    if (!d) return Promise.reject(new DeviceCommandError('invalidRequest', `no device with id "${id}"`));
    const started = performance.now();
    const done = (code: CompletionCode) => {
      try {
        const known = d.actions().some((a) => a.name === action);
        this.emit('commandDone', { deviceId: id, kind: d.kind, action: known ? action : 'other', code, seconds: (performance.now() - started) / 1000 });
      } catch {
        // An observer's failure never changes a command's outcome.
      }
    };
    let running: Promise<unknown>;
    try {
      running = Promise.resolve(d.execute(action, args, opts));
    } catch (err) {
      running = Promise.reject(err);
    }
    return running.then(
      (result) => {
        done('success');
        return result;
      },
      (err: unknown) => {
        done(completionCodeOf(err));
        throw err;
      },
    );
  }
}
