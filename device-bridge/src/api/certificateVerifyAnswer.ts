/**
 * The answer to a scanned certificate copy's payload (hall-rules.md "Electronic certificates": "`/verify` checks it
 * offline against the public key and answers valid / expired / forged / revoked"), one function for every place that
 * asks: the `/verify` page (verifyRoutes.ts), the kiosk's QR scanner (scannedCertificates.ts) and a linked kiosk's
 * `certificates.verifyCopy` at the hall (hallLink/hallRequests.ts). The answer never holds the holder's number (the
 * payload only has its salted hash); the library's record comes masked (`verifyDetails`).
 */
import type { CertificateVerifyAnswer, CertificateVerifyStatus } from '@onedoor/protocol';
import type { CertificateService } from '../hall/certificates.ts';
import type { KioskHall } from './kioskHall.ts';

export const VERIFY_WORDS: Record<CertificateVerifyStatus, { zh: string; en: string }> = {
  valid: { zh: '核验通过：此复印件由本服务大厅打印，真实有效', en: 'Verified: this copy was printed by this hall and is valid' },
  expired: { zh: '此复印件已超过有效期，请重新打印', en: 'This copy has expired; please print a new one' },
  forged: { zh: '核验失败：此件不是本服务大厅打印的，或内容已被改动', en: 'Not verified: this copy was not printed by this hall, or it was altered' },
  revoked: { zh: '该证照已注销，此复印件无效', en: 'The certificate has been revoked; this copy is not valid' },
  notACode: { zh: '这不是证照复印件的核验码，请扫描复印件上的二维码', en: 'This is not a certificate code. Please scan the QR code on the copy.' },
};

/** `verifyDetails` where the library is local (the hall); a linked kiosk asks the hall for the whole answer. */
export type CopyVerifier = Pick<CertificateService, 'verifyCertificatePayload'> & Partial<Pick<CertificateService, 'verifyDetails'>>;

/** The verdict with its words and, unless forged, the signed claims and the library's masked record. */
export async function verifyCopyAnswer(service: CopyVerifier, payload: string): Promise<CertificateVerifyAnswer> {
  const v = await service.verifyCertificatePayload(payload);
  const body: CertificateVerifyAnswer = { status: v.status, ...VERIFY_WORDS[v.status], ...(v.detail ? { detail: v.detail } : {}) };
  if (v.status !== 'forged' && v.claims) {
    body.identifier = v.claims.identifier;
    body.printedAt = v.claims.printedAt * 1000;
    body.copyExpires = v.claims.copyExpires;
    // What the copy must show: a genuine QR stuck onto another document names another type, issuer or holder.
    const details = await service.verifyDetails?.(v.claims.identifier);
    if (details) body.certificate = details;
  }
  return body;
}

/**
 * Where this bridge's copies are verified: the hall's library here, or (a kiosk linked to a hall, which holds no key
 * and no library) the hall over the link. Null: the certificate library is unavailable (暂停服务).
 */
export function copyVerifierOf(hall: Pick<KioskHall, 'certificates'>): ((payload: string) => Promise<CertificateVerifyAnswer>) | null {
  const c = hall.certificates;
  if (!c) return null;
  if (c.verifyCopy) return (payload) => c.verifyCopy!(payload);
  return (payload) => verifyCopyAnswer(c, payload);
}
