/**
 * What a linked kiosk accepts from the hall for applying at the kiosk (README "Applying at the kiosk (接件受理)",
 * "Several kiosks, one hall"): every intake answer is parsed before it reaches the kiosk screen, so a hall of another
 * version (or a broken one) cannot put an unexpected shape on the screen; a malformed answer fails the command with
 * invalidRequest (linkedIntake.ts). Unknown keys are dropped.
 */
import { z } from 'zod';
import type { IntakeDraft, IntakeItemView, IntakeView, SignedCommitmentView } from '../hall/intake.ts';

const text = (max: number) => z.string().max(max);
const kind = z.enum(['shared', 'commitment', 'bring']);
const count = z.number().int().min(0).max(100_000);
const epochMs = z.number().int().min(0);

const itemSchema = z.object({
  serviceId: text(64), serviceName: text(200), timeLimitDays: count, estimatedMinutes: count,
  materials: z.array(z.object({
    name: text(200), kind, source: text(200).nullable(), commitmentText: text(2000).nullable(), commitmentVersion: text(32).nullable(),
  })).max(50),
});

const fieldSchema = z.object({
  key: text(32), label: text(64), type: z.enum(['text', 'digits', 'choice', 'date']), required: z.boolean(),
  minLength: count.optional(), maxLength: count, choices: z.array(text(64)).max(50).optional(),
  fromCard: z.enum(['name', 'maskedNumber', 'birthDate', 'sex']).optional(), reuse: z.boolean().optional(),
  value: text(200), origin: z.enum(['card', 'earlier']).nullable(), offered: text(200).nullable(),
});

const applicationSchema = z.object({
  serial: text(64), serviceId: text(64), serviceName: text(200), state: z.enum(['pending', 'accepted', 'returned', 'rejected']),
  stateName: text(16), maskedNumber: text(32), submittedAt: epochMs, submittedAtText: text(32),
  materials: z.array(z.object({ name: text(200), how: kind, source: text(200).optional(), ticket: text(16).optional(),
    slot: text(32).optional() })).max(50),
  commitments: z.array(z.object({ material: text(200), textVersion: text(32), signedAtText: text(32) })).max(50),
  timeLimitDays: count, nextStep: text(500), reason: text(500).nullable(), repeated: z.boolean(),
});

export const intakeAnswerSchemas = {
  items: z.array(itemSchema).max(500),
  draft: z.object({ item: itemSchema, fields: z.array(fieldSchema).max(20) }),
  signed: z.object({ serviceId: text(64), material: text(200), textVersion: text(32), signedAt: epochMs, signedAtText: text(32) }),
  application: applicationSchema,
  applications: z.array(applicationSchema).max(1000),
};

// Compile-time: what the schemas let through is what the hall's service answers (the kiosk screen's contract).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<z.infer<typeof itemSchema>, IntakeItemView>;
true satisfies Same<z.infer<typeof intakeAnswerSchemas.draft>, IntakeDraft>;
true satisfies Same<z.infer<typeof intakeAnswerSchemas.signed>, SignedCommitmentView>;
true satisfies Same<z.infer<typeof applicationSchema>, IntakeView>;
