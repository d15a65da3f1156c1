/**
 * A certificate copy's verification QR read by the kiosk's scanner (hall-rules.md "Electronic certificates"; README
 * "The QR scanner"): the printed copy's QR holds `<site.publicUrl>/verify?p=<payload>` (api/kioskPrint.ts), or the
 * bare `ODC1.` payload (hall/signing.ts). The text is parsed here, at the boundary, into the payload alone; the
 * verdict is the one `/verify` gives (api/certificateVerifyAnswer.ts), mapped to the kiosk's scan outcomes.
 */
import type { CertificateVerifyAnswer, ScanOutcome, ScannedCertificate } from '@onedoor/protocol';
import { z } from 'zod';
import { CERTIFICATE_PAYLOAD_TAG } from '../hall/signing.ts';

/** The longest text taken for a certificate code (as /api/verify; payloads are ~300 characters). */
const MAX_CERTIFICATE_CODE = 2000;
const TAGGED = `${CERTIFICATE_PAYLOAD_TAG}.`;

/** A verification URL: any host (the hall's public URL may have changed since printing), path `/verify`, `p=ODC1.…`. */
const verifyUrlSchema = z.string().max(MAX_CERTIFICATE_CODE).pipe(z.url({ protocol: /^https?$/ })).transform((text, ctx) => {
  const url = new URL(text);
  const p = url.searchParams.get('p');
  if (!/\/verify\/?$/.test(url.pathname) || p === null || !p.startsWith(TAGGED)) {
    ctx.addIssue({ code: 'custom', message: 'not a certificate verification URL' });
    return z.NEVER;
  }
  return p;
});

/** The scanned text as a certificate code: the bare payload, or the verification URL that carries it. */
const certificateCodeSchema = z.union([
  z.string().max(MAX_CERTIFICATE_CODE).startsWith(TAGGED),
  verifyUrlSchema,
]);

/**
 * The payload when `text` is a certificate copy's code (whether genuine is the verifier's answer: a changed byte is
 * `forged`, not "not a code"); null for any other text.
 */
export function certificatePayloadOf(text: string): string | null {
  const r = certificateCodeSchema.safeParse(text.trim());
  return r.success ? r.data : null;
}

const OUTCOME_OF: Record<CertificateVerifyAnswer['status'], ScanOutcome> = {
  valid: 'certificateValid',
  expired: 'certificateExpired',
  revoked: 'certificateRevoked',
  forged: 'certificateForged',
  // Not reached for a parsed code (it carries the tag); kept total so a new status cannot slip through unmapped.
  notACode: 'notIdentityCode',
};

/** The scan outcome and what the kiosk screen shows of the verdict (forged: nothing of the payload's claims). */
export function certificateScanOf(answer: CertificateVerifyAnswer): { outcome: ScanOutcome; certificate?: ScannedCertificate } {
  const outcome = OUTCOME_OF[answer.status];
  if (answer.status === 'forged' || answer.status === 'notACode') return { outcome };
  const certificate: ScannedCertificate = {
    ...(answer.identifier !== undefined ? { identifier: answer.identifier } : {}),
    ...(answer.copyExpires !== undefined ? { copyExpires: answer.copyExpires } : {}),
    ...(answer.printedAt !== undefined ? { printedAt: answer.printedAt } : {}),
    ...(answer.certificate ? { certificate: answer.certificate } : {}),
  };
  return { outcome, certificate };
}
