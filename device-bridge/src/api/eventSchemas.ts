/**
 * The zod schema of every client-to-server socket.io event of every namespace, applied at the boundary
 * (socketBoundary.ts) before any handler runs: a handler only ever sees a payload of its documented shape. The
 * `satisfies` clauses tie each map to the contract's event maps, so an event added to the contract without a
 * schema does not compile. The roles of each event are in the one roles table (auth/accessTable.ts).
 */
import {
  type DisplayClientToServerEvents, type HallClientToServerEvents, type KioskClientToServerEvents,
  type KioskLinkClientToServerEvents, type TechClientToServerEvents,
} from '@onedoor/protocol';
import { z } from 'zod';
import type { SocketNamespace } from '../auth/accessTable.ts';
import { deviceStatusSchema, hallRequestSchema, kioskHeartbeatSchema, kioskHelloSchema } from '../hallLink/linkSchemas.ts';
import { kioskCommandSchema } from './kioskCommands.ts';
import { commandEnvelopeSchema, deviceCommandSchema } from './validation.ts';

export { payloadShapeProblem } from './validation.ts';

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
  // The hall link's own schemas (hallLink/linkSchemas.ts), not a second copy: the boundary applies them and the
  // kiosk link answers a refusal in its contract's shapes (KioskLinkServer.refuseMessage). hallRequest's per-op
  // arguments and the citizen's meaning are checked by the hall (hallLink/hallRequests.ts).
  '/kiosklink': {
    kioskHello: kioskHelloSchema,
    kioskDeviceStatus: deviceStatusSchema,
    // Older kiosks beat without a body; anything else must be the contract's shape.
    kioskHeartbeat: kioskHeartbeatSchema.optional(),
    hallRequest: hallRequestSchema,
  } satisfies Record<keyof KioskLinkClientToServerEvents, z.ZodType>,
} as const satisfies Record<SocketNamespace, Record<string, z.ZodType>>;

export function eventSchemaFor(nsp: string, event: string): z.ZodType | null {
  const schemas = (EVENT_SCHEMAS as Record<string, Record<string, z.ZodType>>)[nsp];
  return schemas && Object.hasOwn(schemas, event) ? schemas[event] : null;
}
