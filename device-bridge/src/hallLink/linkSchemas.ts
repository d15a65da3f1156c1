/**
 * zod schemas for every message of the kiosk link (contract/kioskLink.ts), both directions: the hall parses what a
 * kiosk sends (`kioskHello`, `kioskDeviceStatus`, `kioskHeartbeat`, `hallRequest`), the kiosk parses what the hall
 * answers (the welcome, each answer, `linkError`). A kiosk token proves which kiosk is talking, not that what it says
 * is well formed: a malformed message is refused with an error to its sender and never reaches the registry or the
 * hall services (architecture.md: "every message validated before any service sees it").
 *
 * Sizes are bounded so a message cannot make the hall keep or log much: ids 64, a device's free text 2000, at most
 * 64 devices, 64 counters and 64 counter terminals per device.
 */
import {
  COUNTER_TERMINAL_STATES,
  DEVICE_KINDS,
  DEVICE_STATES,
  KIOSK_LINK_OPS,
  PAPER_STATES,
  type DeviceStatus,
  type KioskLinkAnswer,
  type KioskLinkError,
  type KioskLinkHello,
  type KioskLinkHelloRefusal,
  type KioskLinkWelcome,
} from '@onedoor/protocol';
import { z } from 'zod';

const epochMs = z.number().int().min(0).max(8.64e15);
const text = (max: number) => z.string().max(max);

export const deviceStatusSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(DEVICE_STATES),
  paper: z.enum(PAPER_STATES).optional(),
  media: text(200).optional(),
  detail: text(2000),
  counters: z.record(z.string().max(64), z.number().finite()).refine((c) => Object.keys(c).length <= 64, { message: 'at most 64 counters' }),
  lastError: z.object({ code: text(64), message: text(2000), at: epochMs }).strict().nullable(),
  since: epochMs,
  terminals: z.array(z.object({
    unit: z.number().int().min(0).max(255),
    state: z.enum(COUNTER_TERMINAL_STATES),
    since: epochMs,
    model: text(64).optional(),
    firmware: text(64).optional(),
    faults: z.object({ display: z.boolean(), keypad: z.boolean(), ratingPad: z.boolean() }).strict().optional(),
    overflows: z.number().int().min(0),
  }).strict()).max(64).optional(),
}).strict();

export const kioskHelloSchema = z.object({
  // Accepted for older kiosks, ignored: the dashboard name comes from the hall's config.
  name: text(64).optional(),
  devices: z.array(deviceStatusSchema).max(64),
  startedAt: epochMs,
}).strict();

export const kioskHeartbeatSchema = z.object({ at: epochMs }).strict();

/** The citizen's fields as sent; their meaning (check character, birth, expiry) is checked by hall/linkedCitizen.ts. */
export const linkCitizenSchema = z.object({
  number: z.string().min(1).max(32),
  name: z.string().min(1).max(128),
  birthDate: z.string().min(1).max(16),
  validUntil: z.string().min(1).max(16),
}).strict();

export const hallRequestSchema = z.object({
  requestId: z.string().min(1).max(128),
  op: z.enum(KIOSK_LINK_OPS),
  citizen: linkCitizenSchema.optional(),
  args: z.array(z.unknown()).max(8),
}).strict();

// What the kiosk accepts from the hall.
export const kioskWelcomeSchema = z.object({ kioskId: z.string().min(1).max(64), at: epochMs }).strict();
export const kioskHelloRefusalSchema = z.object({ error: text(1000) }).strict();

const failureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), code: z.string().min(1).max(64), zh: text(2000), en: text(2000),
    // A form refused field by field (at most the catalogue's 20 fields).
    fields: z.array(z.object({ field: text(32), label: text(64), zh: text(200), en: text(200) }).strict()).max(20).optional() }).strict(),
  z.object({ kind: z.literal('paused'), message: text(1000) }).strict(),
  z.object({ kind: z.literal('invalid'), message: text(1000) }).strict(),
]);

export const kioskLinkAnswerSchema = z.union([
  z.object({ requestId: z.string().max(128), ok: z.literal(true), result: z.unknown(), replayed: z.boolean().optional() }).strict(),
  z.object({ requestId: z.string().max(128), ok: z.literal(false), failure: failureSchema, replayed: z.boolean().optional() }).strict(),
]);

export const kioskLinkErrorSchema = z.object({ event: text(64), message: text(1000) }).strict();

// Compile-time: the schemas accept what the contract's types describe.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<z.infer<typeof deviceStatusSchema>, DeviceStatus>;
true satisfies Same<z.infer<typeof kioskHelloSchema>, KioskLinkHello>;
true satisfies Same<z.infer<typeof kioskWelcomeSchema>, KioskLinkWelcome>;
true satisfies Same<z.infer<typeof kioskHelloRefusalSchema>, KioskLinkHelloRefusal>;
true satisfies Same<z.infer<typeof kioskLinkErrorSchema>, KioskLinkError>;
({}) as z.infer<typeof kioskLinkAnswerSchema> satisfies KioskLinkAnswer;

/** One line naming what is wrong (first few issues, field paths first), capped: a bad message is never echoed whole. */
export function describeLinkInvalid(error: z.ZodError, max = 300): string {
  const s = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(payload)'}: ${i.message}`).join('; ');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
