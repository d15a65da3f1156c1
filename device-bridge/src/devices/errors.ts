/**
 * Errors a device command can end with. Each carries the `CompletionCode` the API layer answers with, so a driver
 * only has to throw the right one (architecture.md: "exactly one completion out").
 *
 * An error made from another keeps it as `cause` (a write failure keeps the port's own error), and a timeout carries
 * the stack of the code that asked for the command, not of the timer that fired: that is where to look.
 */
import type { CompletionCode } from '@onedoor/protocol';

export type DeviceErrorCode = Exclude<CompletionCode, 'success'>;

export class DeviceCommandError extends Error {
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeviceCommandError';
  }
}

/**
 * `trace`: an `Error` made where the command was asked for (cheap: V8 formats the stack only when it is read); the
 * timeout error takes its stack frames.
 */
export function timeOutError(what: string, ms: number, trace?: Error): DeviceCommandError {
  const err = new DeviceCommandError('timeOut', `${what}: no reply within ${ms} ms`);
  const frames = trace?.stack?.split('\n').slice(1).join('\n');
  if (frames) err.stack = `${err.name}: ${err.message}\n${frames}`;
  return err;
}

export const canceledError = (what: string) => new DeviceCommandError('canceled', `${what}: canceled`);

export const notReadyError = (what: string, why: string, cause?: unknown) =>
  new DeviceCommandError('deviceNotReady', `${what}: ${why}`, cause === undefined ? undefined : { cause });

/** The completion code for any error thrown by a driver: its own code, or `hardwareError` for anything unexpected. */
export function completionCodeOf(err: unknown): DeviceErrorCode {
  return err instanceof DeviceCommandError ? err.code : 'hardwareError';
}
