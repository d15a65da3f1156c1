/**
 * The technician's recording controls (README "Record and replay"); who may call them is the roles table's
 * decision (auth/accessTable.ts, checked by accessGuard before these run), POSTs only from an allowed origin:
 *
 *   GET  /api/tech/recordings               the recorder's status and the recording files (name, size, time)
 *   POST /api/tech/recordings/start         start a session now (body `{}`)
 *   POST /api/tech/recordings/stop          stop the running session
 *   GET  /api/tech/recordings/:name         download one file (application/octet-stream)
 *   POST /api/tech/recordings/:name/replay  replay it (and its later segments) against simulators and a fresh bridge
 *                                           in a child process (replayJob.ts); body `{speed?}`; 202 with the job
 *   GET  /api/tech/replay                   the replay's progress, then its divergence report
 *   POST /api/tech/replay/stop              end the running replay (its report so far is kept)
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { z } from 'zod';
import { readRecordingHeader, RECORDING_MAX_HEADER_JSON, RecordingFormatError } from '@onedoor/protocol';
import { noStore, originGuard } from '../api/techAuth.ts';
import { describeInvalid } from '../api/validation.ts';
import type { Recorder } from './recorder.ts';
import type { ReplayJobs } from './replayJob.ts';

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
/** Replay speed: 1 = the recorded timing; faster only shortens the devices' reply delays (the bridge keeps its own pace). */
const replayBody = z.object({ speed: z.number().min(0.1).max(100).optional() }).strict();

/** The segment `name` and the later segments of its session, in order (docs/recording-format.md "Files"). */
function segmentsFrom(dir: string, name: string): string[] {
  const session = name.replace(/-\d{3}\.odrec$/, '');
  return listRecordingFiles(dir)
    .map((f) => f.name)
    .filter((n) => n.startsWith(`${session}-`) && n >= name)
    .sort()
    .map((n) => join(dir, n));
}

/** The file's header only (a newer format version is refused before anything starts). */
function headerProblem(path: string): { status: number; error: string; message: string; version?: number } | null {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(RECORDING_MAX_HEADER_JSON + 16);
    const n = readSync(fd, head, 0, head.length, 0);
    readRecordingHeader(head.subarray(0, n));
    return null;
  } catch (err) {
    const e = err as Error;
    if (e instanceof RecordingFormatError && e.newerVersion !== undefined) {
      return { status: 422, error: 'newerVersion', message: e.message, version: e.newerVersion };
    }
    return { status: 422, error: 'unreadable', message: e.message };
  } finally {
    closeSync(fd);
  }
}

export function recordingRouter(o: { recorder: Recorder; allowedOrigins: readonly string[]; replays: ReplayJobs }): Router {
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

  router.post('/api/tech/recordings/:name/replay', originGuard(o.allowedOrigins), (req, res) => {
    const p = replayBody.safeParse(req.body ?? {});
    if (!p.success) {
      res.status(400).json({ error: 'invalidRequest', message: describeInvalid(p.error) });
      return;
    }
    const name = String(req.params.name);
    const files = RECORDING_FILE_NAME.test(name) ? segmentsFrom(o.recorder.dir, name) : [];
    if (files.length === 0) {
      res.status(404).json({ error: 'notFound', message: 'no such recording' });
      return;
    }
    if (!o.replays.available) {
      res.status(501).json({ error: 'replayUnavailable', message: 'this installation has no simulators: copy the recording to a OneDoor checkout and run `npm run replay` there' });
      return;
    }
    if (o.replays.running) {
      res.status(409).json({ error: 'replayRunning', message: 'a replay is already running; stop it first' });
      return;
    }
    const problem = headerProblem(files[0]);
    if (problem) {
      const { status, ...body } = problem;
      res.status(status).json(body);
      return;
    }
    res.status(202).json({ replay: o.replays.start(name, files, p.data.speed ?? 1) });
  });

  router.get('/api/tech/replay', noStore, (_req, res) => {
    res.json({ available: o.replays.available, replay: o.replays.current() });
  });

  router.post('/api/tech/replay/stop', noStore, originGuard(o.allowedOrigins), (_req, res) => {
    o.replays.stop();
    res.json({ replay: o.replays.current() });
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
