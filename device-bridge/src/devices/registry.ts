/**
 * Drivers by device kind. A driver module registers its factory when it is imported:
 *
 * ```ts
 * // device-bridge/src/devices/idReader/index.ts
 * driverRegistry.register('idreader', (spec, ctx) => new ReaderDriver(spec, ctx));
 * ```
 *
 * and is listed in `builtin.ts` so the bridge imports it. A configured device whose kind has no registered driver
 * gets a `NoDeviceDriver`: it shows as `noDevice` and answers every command with `deviceNotReady`.
 */
import { EventEmitter } from 'node:events';
import type { DeviceKind, DeviceStatus } from '@onedoor/protocol';
import type { DeviceActionInfo, DeviceDriver, DeviceDriverEventMap, DeviceSpec, DriverContext, ExecuteOptions } from './driver.ts';
import { DeviceCommandError } from './errors.ts';

export type DriverFactory = (spec: DeviceSpec, ctx: DriverContext) => DeviceDriver;

export class DriverRegistry {
  private readonly factories = new Map<DeviceKind, DriverFactory>();

  /** Throws if the kind already has a driver (two drivers for one kind is a wiring mistake). */
  register(kind: DeviceKind, factory: DriverFactory): void {
    if (this.factories.has(kind)) throw new Error(`a driver for kind "${kind}" is already registered`);
    this.factories.set(kind, factory);
  }

  has(kind: DeviceKind): boolean {
    return this.factories.has(kind);
  }

  kinds(): DeviceKind[] {
    return [...this.factories.keys()];
  }

  /** The registered driver for `spec.kind`, or a `NoDeviceDriver`. */
  create(spec: DeviceSpec, ctx: DriverContext): DeviceDriver {
    const factory = this.factories.get(spec.kind);
    return factory ? factory(spec, ctx) : new NoDeviceDriver(spec, `no driver for kind "${spec.kind}"`);
  }
}

/** The registry the bridge uses unless `startBridge` is given another (tests). */
export const driverRegistry = new DriverRegistry();

/** Stands in for a device the bridge cannot drive (no driver for its kind, or disabled in the config). */
export class NoDeviceDriver extends EventEmitter<DeviceDriverEventMap> implements DeviceDriver {
  readonly id: string;
  readonly kind: DeviceKind;
  private readonly since = Date.now();

  constructor(
    spec: Pick<DeviceSpec, 'id' | 'kind'>,
    private readonly reason: string,
  ) {
    super();
    this.id = spec.id;
    this.kind = spec.kind;
  }

  status(): DeviceStatus {
    return { id: this.id, kind: this.kind, state: 'noDevice', detail: this.reason, counters: {}, lastError: null, since: this.since };
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  actions(): DeviceActionInfo[] {
    return [];
  }

  async execute(action: string, _args: Record<string, unknown>, _opts: ExecuteOptions): Promise<unknown> {
    throw new DeviceCommandError('deviceNotReady', `${this.id}: ${this.reason} (action "${action}")`);
  }
}
