/**
 * The technician's recording controls (README "Record and replay"); who may call them is the roles table's
 * decision (auth/accessTable.ts, checked by accessGuard before these run), POSTs only from an allowed origin:
 *
 *   GET  /api/tech/recordings               the recorder's status and the recording files (name, size, time)
 *   POST /api/tech/recordings/start         start a session now (body `{}`)
 *   POST /api/tech/recordings/stop          stop the running session
 *   GET  /api/tech/recordings/:name         download one file (application/octet-stream)
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { z } from 'zod';
import { noStore, originGuard } from '../api/techAuth.ts';
import type { Recorder } from './recorder.ts';

/** What a recording file may be called: what RecordingWriter names them, nothing with a path in it. */
export const RECORDING_FILE_NAME = /^rec-[0-9TZ]+-[a-z0-9]{1,8}-\d{3}\.odrec$/;

export interface RecordingFileInfo {
  name: string;
  bytes: number;
  modifiedAt: string;
}

/** The recording files in `dir`, newest first; [] when the folder does not exist yet. */
export function listRecordingFiles(dir: string): RecordingFileInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => RECORDING_FILE_NAME.test(n))
    .map((name) => {
      const s = statSync(join(dir, name));
      return { name, bytes: s.size, modifiedAt: s.mtime.toISOString() };
    })
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

const emptyBody = z.object({}).strict();

export function recordingRouter(o: { recorder: Recorder; allowedOrigins: readonly string[] }): Router {
  const router = express.Router();
  router.use('/api/tech/recordings', noStore);

  router.get('/api/tech/recordings', (_req, res) => {
    res.json({ status: o.recorder.status(), files: listRecordingFiles(o.recorder.dir) });
  });

  router.post('/api/tech/recordings/start', originGuard(o.allowedOrigins), (req, res) => {
    if (!emptyBody.safeParse(req.body ?? {}).success) {
      res.status(400).json({ error: 'invalidRequest', message: 'the body must be {}' });
      return;
    }
    try {
      res.json({ status: o.recorder.start('technician') });
    } catch (err) {
      // The folder or file cannot be made (read-only disk, permissions): nothing is recorded, the bridge carries on.
      res.status(507).json({ error: 'cannotRecord', message: (err as Error).message });
    }
  });

  router.post('/api/tech/recordings/stop', originGuard(o.allowedOrigins), (_req, res) => {
    res.json({ status: o.recorder.stop() });
  });

  router.get('/api/tech/recordings/:name', (req, res) => {
    const name = req.params.name;
    if (!RECORDING_FILE_NAME.test(name)) {
      res.status(404).json({ error: 'notFound', message: 'no such recording' });
      return;
    }
    res.download(join(o.recorder.dir, name), name, { dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) res.status(404).json({ error: 'notFound', message: 'no such recording' });
    });
  });
  return router;
}
