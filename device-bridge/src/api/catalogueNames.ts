/**
 * `GET /api/catalogue/names`: the English names the hall's catalogue gives (demo/catalogueEnglish.ts), keyed by the
 * Chinese name, for the kiosk's English mode. Public reference data (no personal data), cacheable.
 */
import express, { type Router } from 'express';

export function catalogueNamesRouter(english: Readonly<Record<string, string>>): Router {
  const router = express.Router();
  router.get('/api/catalogue/names', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json({ en: english });
  });
  return router;
}
