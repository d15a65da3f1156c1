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
import type { CertificateVerifyAnswer } from '@onedoor/protocol';
import { SERVICE_PAUSED } from './kioskCommands.ts';

/** Longest payload accepted (signing.ts payloads are ~300 characters). */
const MAX_PAYLOAD = 2000;

/** The POST body; the length and emptiness checks of `answer` give the 400 words for both forms. */
const verifyBodySchema = z.object({ payload: z.string().max(MAX_PAYLOAD + 1).optional() });

/** `verifier()`: this bridge's copy verifier (api/certificateVerifyAnswer.ts `copyVerifierOf`), null when paused. */
export function verifyRouter(verifier: () => ((payload: string) => Promise<CertificateVerifyAnswer>) | null): Router {
  const router = express.Router();
  const answer = async (payload: unknown, res: express.Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (typeof payload !== 'string' || payload.trim() === '' || payload.length > MAX_PAYLOAD) {
      res.status(400).json({ error: 'bad request', message: `give the scanned payload as ?p= or {"payload": "..."} (at most ${MAX_PAYLOAD} characters)` });
      return;
    }
    const verify = verifier();
    if (!verify) {
      res.status(503).json({ error: 'unavailable', message: SERVICE_PAUSED.en, zh: SERVICE_PAUSED.zh });
      return;
    }
    const body = await verify(payload);
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
