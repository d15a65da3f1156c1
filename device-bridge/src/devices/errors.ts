/**
 * Errors a device command can end with. Each carries the `CompletionCode` the API layer answers with, so a driver
 * only has to throw the right one (architecture.md: "exactly one completion out").
 */
import type { CompletionCode } from '@onedoor/protocol';

export class DeviceCommandError extends Error {
  constructor(
    readonly code: Exclude<CompletionCode, 'success'>,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceCommandError';
  }
}

export const timeOutError = (what: string, ms: number) => new DeviceCommandError('timeOut', `${what}: no reply within ${ms} ms`);
export const canceledError = (what: string) => new DeviceCommandError('canceled', `${what}: canceled`);
export const notReadyError = (what: string, why: string) => new DeviceCommandError('deviceNotReady', `${what}: ${why}`);

/** The completion code for any error thrown by a driver: its own code, or `hardwareError` for anything unexpected. */
export function completionCodeOf(err: unknown): Exclude<CompletionCode, 'success'> {
  return err instanceof DeviceCommandError ? err.code : 'hardwareError';
}
