/**
 * The device list a UI keeps: replaced by every `snapshot` (sent on each (re)connect, so nothing missed while away
 * needs replaying) and patched by each `deviceStatus` change (contract events.ts).
 */
import type { DeviceStatus } from '@onedoor/protocol';

/** Replaces the entry with the same id, or appends a device the snapshot did not have. */
export function applyDeviceStatus(devices: readonly DeviceStatus[] | null, status: DeviceStatus): DeviceStatus[] {
  const list = devices ?? [];
  const index = list.findIndex((d) => d.id === status.id);
  if (index === -1) return [...list, status];
  const next = list.slice();
  next[index] = status;
  return next;
}
