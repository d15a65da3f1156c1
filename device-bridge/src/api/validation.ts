/**
 * zod schemas for what clients send (architecture.md "One command model everywhere": a bad payload
 * is rejected with `invalidRequest` and a message). They mirror the plain types in
 * `@onedoor/protocol` contract/command.ts; the `satisfies` checks below keep the two from drifting
 * apart.
 */
import { COMMAND_LIMITS, type CommandEnvelope, type DeviceCommand } from '@onedoor/protocol';
import { z } from 'zod';

export const commandEnvelopeSchema = z.object({
  requestId: z.string().min(1).max(COMMAND_LIMITS.requestIdMaxLength),
  timeout: z.number().int().min(COMMAND_LIMITS.timeoutMinMs).max(COMMAND_LIMITS.timeoutMaxMs).optional(),
});

export const deviceCommandSchema = commandEnvelopeSchema.extend({
  deviceId: z.string().min(1).max(64),
  action: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()).optional(),
});

// Compile-time: what the schemas accept is exactly what the contract types describe.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<z.infer<typeof commandEnvelopeSchema>, CommandEnvelope>;
true satisfies Same<z.infer<typeof deviceCommandSchema>, DeviceCommand>;

/** `requestId: must be ...; timeout: ...` from a failed parse (field paths first, like the config errors). */
export function describeInvalid(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
}

/** The requestId of a payload that failed validation, if it has a usable one, so the client can match the answer. */
export function salvageRequestId(payload: unknown): string {
  const id = (payload as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'string' && id.length <= COMMAND_LIMITS.requestIdMaxLength ? id : '';
}

/** Deepest nesting a payload may have (the deepest legitimate one, a print recipe, is a few levels). */
export const PAYLOAD_MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What is wrong with a payload's shape before any schema looks at it: nesting deeper than PAYLOAD_MAX_DEPTH, or a
 * key that could reach an object's prototype when copied. null when fine. Iterative, so deep input cannot
 * exhaust the stack.
 */
export function payloadShapeProblem(payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object') return null;
  const stack: Array<[unknown, number]> = [[payload, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > PAYLOAD_MAX_DEPTH) return `(payload): nested deeper than ${PAYLOAD_MAX_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const v of value) if (v !== null && typeof v === 'object') stack.push([v, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value as object)) {
      if (FORBIDDEN_KEYS.has(key)) return `(payload): key "${key}" is not allowed`;
      const v = (value as Record<string, unknown>)[key];
      if (v !== null && typeof v === 'object') stack.push([v, depth + 1]);
    }
  }
  return null;
}
