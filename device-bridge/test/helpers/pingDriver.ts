/**
 * A minimal driver on `BaseDeviceDriver` for tests of the driver machinery and the API, speaking the line protocol
 * of `FakeLineDevice`: start-up `HELLO` -> `READY` (or `FAULT`), watchdog `PING n` -> `PONG n`, action `echo`
 * (`ECHO text` -> `ECHOED text`) which counts how often the device really ran it.
 */
import type { DeviceStatus } from '@onedoor/protocol';
import { BaseDeviceDriver, type DeviceActionInfo, type DeviceSpec, type DriverContext, type ExecuteOptions } from '../../src/devices/driver.ts';
import { DeviceCommandError } from '../../src/devices/errors.ts';
import type { Responder } from './fakeLineDevice.ts';
import { line, LineDecoder } from './lineDecoder.ts';

export class PingDriver extends BaseDeviceDriver<string> {
  private seq = 0;
  echoes = 0;
  events: string[] = [];

  private readonly pollTimeoutMs: number;

  /** `spec.options`: `watchdogMs` (poll interval, default 50) and `pollTimeoutMs` (default 300). */
  constructor(spec: DeviceSpec, ctx: DriverContext) {
    super(spec, ctx, {
      decoder: new LineDecoder(),
      watchdog: { intervalMs: Number(spec.options.watchdogMs ?? 50), maxFailures: 2 },
      startupRetryMs: 100,
    });
    this.pollTimeoutMs = Number(spec.options.pollTimeoutMs ?? 300);
  }

  protected async onConnected(signal: AbortSignal): Promise<void> {
    const reply = await this.actor.request({
      label: 'hello',
      bytes: line('HELLO'),
      accept: (f) => f === 'READY' || f === 'FAULT',
      timeoutMs: 300,
      signal,
    });
    if (reply === 'FAULT') throw new DeviceCommandError('hardwareError', 'device reports FAULT');
  }

  protected override async watchdogPoll(signal: AbortSignal): Promise<void> {
    const n = ++this.seq;
    await this.actor.request({ label: 'ping', bytes: line(`PING ${n}`), accept: (f) => f === `PONG ${n}`, timeoutMs: this.pollTimeoutMs, signal });
  }

  protected override onFrame(frame: string): void {
    this.events.push(frame);
  }

  override actions(): DeviceActionInfo[] {
    return [{ name: 'echo', help: 'echo a text through the device', args: ['text'] }];
  }

  override async execute(action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown> {
    if (action !== 'echo') return super.execute(action, args, opts);
    if (typeof args.text !== 'string') throw new DeviceCommandError('invalidRequest', 'echo: args.text must be a string');
    const text = args.text;
    const reply = await this.actor.request({
      label: 'echo',
      bytes: line(`ECHO ${text}`),
      accept: (f) => f === `ECHOED ${text}`,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    });
    this.echoes++;
    return { reply };
  }

  setPaper(paper: DeviceStatus['paper']): void {
    this.setStatus({ paper });
  }
}

/** The fake device side; `mode` is read at each command so a test can flip it. */
export function pingDeviceResponder(mode: { fault?: boolean; mute?: boolean; echoDelayMs?: number }): Responder {
  return (cmd) => {
    if (mode.mute) return null;
    if (cmd === 'HELLO') return { lines: [mode.fault ? 'FAULT' : 'READY'] };
    if (cmd.startsWith('PING ')) return { lines: [`PONG ${cmd.slice(5)}`] };
    if (cmd.startsWith('ECHO ')) return { lines: [`ECHOED ${cmd.slice(5)}`], delayMs: mode.echoDelayMs ?? 0 };
    return null;
  };
}
