/**
 * The zod schema of every client-to-server socket.io event of every namespace, applied at the boundary
 * (socketBoundary.ts) before any handler runs: a handler only ever sees a payload of its documented shape. The
 * `satisfies` clauses tie each map to the contract's event maps, so an event added to the contract without a
 * schema does not compile. The roles of each event are in the one roles table (auth/accessTable.ts).
 */
import {
  COMMAND_LIMITS, DEVICE_KINDS, DEVICE_STATES, KIOSK_LINK_OPS,
  type DisplayClientToServerEvents, type HallClientToServerEvents, type KioskClientToServerEvents,
  type KioskLinkClientToServerEvents, type TechClientToServerEvents,
} from '@onedoor/protocol';
import { z } from 'zod';
import type { SocketNamespace } from '../auth/accessTable.ts';
import { kioskCommandSchema } from './kioskCommands.ts';
import { commandEnvelopeSchema, deviceCommandSchema } from './validation.ts';

export { payloadShapeProblem } from './validation.ts';

/** A linked kiosk's device status: the fields the hall reads, bounded; other fields are dropped. */
const linkDeviceStatus = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(DEVICE_STATES),
  paper: z.enum(['full', 'low', 'out', 'unknown']).optional(),
  media: z.string().max(128).optional(),
  detail: z.string().max(512),
  counters: z.record(z.string().max(64), z.number()).refine((c) => Object.keys(c).length <= 64, 'at most 64 counters'),
  lastError: z.object({ code: z.string().max(64), message: z.string().max(512), at: z.number() }).nullable(),
  since: z.number(),
  terminals: z.array(z.object({ unit: z.number().int(), state: z.string().max(32) }).loose()).max(64).optional(),
});

// Strict at the boundary: a field the contract does not name is a malformed message, not something to ignore.
const getSnapshot = commandEnvelopeSchema.strict();
const deviceCommand = deviceCommandSchema.strict();

export const EVENT_SCHEMAS = {
  '/kiosk': {
    getSnapshot,
    deviceCommand,
    kioskCommand: kioskCommandSchema.strict(),
  } satisfies Record<keyof KioskClientToServerEvents, z.ZodType>,
  '/hall': { getSnapshot, deviceCommand } satisfies Record<keyof HallClientToServerEvents, z.ZodType>,
  '/tech': { getSnapshot, deviceCommand } satisfies Record<keyof TechClientToServerEvents, z.ZodType>,
  '/display': {} satisfies Record<keyof DisplayClientToServerEvents, z.ZodType>,
  // The envelope of the hall link; the hall checks each op's arguments and citizen itself (hallLink/).
  '/kiosklink': {
    kioskHello: z.object({ name: z.string().max(64).optional(), devices: z.array(linkDeviceStatus).max(32), startedAt: z.number() }),
    kioskDeviceStatus: linkDeviceStatus,
    kioskHeartbeat: z.object({ at: z.number() }).optional(),
    hallRequest: z.object({
      requestId: z.string().min(1).max(COMMAND_LIMITS.requestIdMaxLength),
      op: z.enum(KIOSK_LINK_OPS),
      // validUntil too: the envelope's parse result replaces the payload, so a field left out here never reaches the
      // hall, which checks the card's expiry in its own clock (hallLink/linkSchemas.ts requires it).
      citizen: z.object({ number: z.string().max(32), name: z.string().max(128), birthDate: z.string().max(16), validUntil: z.string().max(16).optional() }).optional(),
      args: z.array(z.unknown()).max(16),
    }),
  } satisfies Record<keyof KioskLinkClientToServerEvents, z.ZodType>,
} as const satisfies Record<SocketNamespace, Record<string, z.ZodType>>;

export function eventSchemaFor(nsp: string, event: string): z.ZodType | null {
  const schemas = (EVENT_SCHEMAS as Record<string, Record<string, z.ZodType>>)[nsp];
  return schemas && Object.hasOwn(schemas, event) ? schemas[event] : null;
}
