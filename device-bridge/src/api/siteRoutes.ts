/**
 * `GET /api/site`: which hall this bridge serves, for the screens (kiosk header, hall display, /verify page) and
 * for a technician checking a site (README "Installing", site config). Public, like the hall's name on its door:
 * `{ hallId, hallName, publicUrl, timeZone, visitSteps }` (publicUrl null when none is configured; visitSteps: the
 * services one ticket may carry, config `visits.maxSteps`, so the kiosk offers no more). No secrets, no personal data.
 */
import express, { type Router } from 'express';
import type { SiteConfig } from '../config/site.ts';

export interface SiteAnswer {
  hallId: string;
  hallName: string;
  publicUrl: string | null;
  timeZone: string;
  visitSteps: number;
}

export function siteRouter(site: SiteConfig, publicUrl: () => string | null, visitSteps: number): Router {
  const router = express.Router();
  router.get('/api/site', (_req, res) => {
    const body: SiteAnswer = { hallId: site.hallId, hallName: site.hallName, publicUrl: publicUrl(), timeZone: site.timeZone, visitSteps };
    res.setHeader('Cache-Control', 'no-cache');
    res.json(body);
  });
  return router;
}
