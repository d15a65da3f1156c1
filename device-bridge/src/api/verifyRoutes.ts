/**
 * `/api/verify` (hall-rules.md "Electronic certificates": "`/verify` checks it offline against the
 * public key and answers valid / expired / forged / revoked"):
 *
 *   GET  /api/verify?p=<payload>      the QR payload as scanned (the /verify page passes it on)
 *   POST /api/verify {"payload": ...} the same, for scanners that post
 *
 * Answers `CertificateVerifyAnswer` with 200 for every verdict (a forged copy is an answer, not an error), 400 when
 * no payload is given, 503 "暂停服务" when the certificate library is unavailable. The answer never holds the holder's
 * number (the payload only has its salted hash).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { CertificateVerifyAnswer, CertificateVerifyStatus } from '@onedoor/protocol';
import type { CertificateService } from '../hall/certificates.ts';
import { SERVICE_PAUSED } from './kioskCommands.ts';

const WORDS: Record<CertificateVerifyStatus, { zh: string; en: string }> = {
  valid: { zh: '核验通过：此复印件由本服务大厅打印，真实有效', en: 'Verified: this copy was printed by this hall and is valid' },
  expired: { zh: '此复印件已超过有效期，请重新打印', en: 'This copy has expired; please print a new one' },
  forged: { zh: '核验失败：此件不是本服务大厅打印的，或内容已被改动', en: 'Not verified: this copy was not printed by this hall, or it was altered' },
  revoked: { zh: '该证照已注销，此复印件无效', en: 'The certificate has been revoked; this copy is not valid' },
  notACode: { zh: '这不是证照复印件的核验码，请扫描复印件上的二维码', en: 'This is not a certificate code. Please scan the QR code on the copy.' },
};

/** Longest payload accepted (signing.ts payloads are ~300 characters). */
const MAX_PAYLOAD = 2000;

/** `verifyDetails` where the library is local (a linked kiosk verifies the signature only). */
type Verifier = Pick<CertificateService, 'verifyCertificatePayload'> & Partial<Pick<CertificateService, 'verifyDetails'>>;

/** The POST body; the length and emptiness checks of `answer` give the 400 words for both forms. */
const verifyBodySchema = z.object({ payload: z.string().max(MAX_PAYLOAD + 1).optional() });

export function verifyRouter(certificates: () => Verifier | null): Router {
  const router = express.Router();
  const answer = async (payload: unknown, res: express.Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (typeof payload !== 'string' || payload.trim() === '' || payload.length > MAX_PAYLOAD) {
      res.status(400).json({ error: 'bad request', message: `give the scanned payload as ?p= or {"payload": "..."} (at most ${MAX_PAYLOAD} characters)` });
      return;
    }
    const service = certificates();
    if (!service) {
      res.status(503).json({ error: 'unavailable', message: SERVICE_PAUSED.en, zh: SERVICE_PAUSED.zh });
      return;
    }
    const v = await service.verifyCertificatePayload(payload);
    const body: CertificateVerifyAnswer = { status: v.status, ...WORDS[v.status], ...(v.detail ? { detail: v.detail } : {}) };
    if (v.status !== 'forged' && v.claims) {
      body.identifier = v.claims.identifier;
      body.printedAt = v.claims.printedAt * 1000;
      body.copyExpires = v.claims.copyExpires;
      // What the copy must show: a genuine QR stuck onto another document names another type, issuer or holder.
      const details = await service.verifyDetails?.(v.claims.identifier);
      if (details) body.certificate = details;
    }
    res.json(body);
  };
  router.get('/api/verify', (req, res, next) => {
    answer(req.query.p, res).catch(next);
  });
  router.post('/api/verify', (req, res, next) => {
    const p = verifyBodySchema.safeParse(req.body ?? {});
    answer(p.success ? p.data.payload : undefined, res).catch(next);
  });
  return router;
}
