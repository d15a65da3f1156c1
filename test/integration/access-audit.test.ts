/**
 * The access audit through a whole bridge (等保 2.0 level 3: access to personal data audited): reader and printer
 * simulators on PTYs, the hall database on SQLite, a socket.io /kiosk client, staff over REST.
 * - a session started, a ticket taken, certificates listed at the kiosk: rows with kiosk id, function, masked number,
 *   success; a refused lookup (someone else's application, no session, an expired card): a row with its refusal;
 * - a manager's dashboard view (REST and the live /hall socket) and CSV export: rows with user and role;
 * - the audit under /api/hall/audit: managers read and export it (BOM, columns), which is audited in turn;
 *   anonymous is refused (401) and a technician too (403, audited);
 * - after all of it, no row of the table holds a full ID number.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { AccessAuditEntry, AccessAuditPage, KioskSessionEvent } from '@onedoor/protocol';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../device-bridge/src/auth/demoUsers.ts';
import { AUDIT_CSV_HEADER } from '../../device-bridge/src/hall/accessAudit.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { SEEDED_CARD, startKioskRig, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';

const FULL_NUMBER = (libraryHolder(SEEDED_CARD) as { idNumber: string }).idNumber;
const MASKED = `${FULL_NUMBER.slice(0, 4)}${'*'.repeat(FULL_NUMBER.length - 8)}${FULL_NUMBER.slice(-4)}`;
/** An ID number: 17 digits and a check character, or 15 digits (first generation). */
const FULL_NUMBER_RE = /\d{17}[\dXx]|\d{15}/;

let rig: KioskRig;
let session: KioskSessionEvent;

beforeAll(async () => {
  rig = await startKioskRig({ users: DEMO_USERS });
  session = await rig.startSession();
}, 180_000);
afterAll(async () => rig?.close(), 60_000);

async function rows(filter: { function?: string; actor?: string } = {}): Promise<AccessAuditEntry[]> {
  return (await rig.bridge.hall.store!.queryAccessAudit({ ...filter, limit: 1000, offset: 0 })).entries as AccessAuditEntry[];
}

async function login(name: 'manager' | 'tech'): Promise<string> {
  const r = await fetch(`${rig.bridge.url}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: DEMO_PASSWORDS[name] }),
  });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0];
}

describe('access audit through the bridge', () => {
  it('a card read that starts a session is audited with the kiosk id, reader and masked number', async () => {
    const [start] = await rows({ function: 'session.start' });
    expect(start).toMatchObject({
      actorKind: 'kiosk', actor: 'kiosk-1', role: null, function: 'session.start', maskedNumber: MASKED, result: 'success', code: null,
      detail: 'reader=reader', day: rig.bridge.hall.clock.today(),
    });
    expect(session.holder.maskedNumber).toBe(MASKED);
  });

  it('a ticket taken and certificates listed at the kiosk produce rows with masked number, kiosk id, function, result', async () => {
    const before = (await rows()).length;
    const t = await rig.command(session.token, 'queue.take', { category: 'A' });
    expect(t.code).toBe('success');
    const c = await rig.command(session.token, 'certificates.list');
    expect(c.code).toBe('success');
    expect(c.result!.length).toBeGreaterThan(0);
    // Nobody's data: not audited.
    expect((await rig.command(session.token, 'queue.categories')).code).toBe('success');
    const after = await rows();
    expect(after.length).toBe(before + 2);
    expect(after.slice(0, 2).map((r) => [r.actor, r.function, r.maskedNumber, r.result, r.code])).toEqual([
      ['kiosk-1', 'certificates.list', MASKED, 'success', null],
      ['kiosk-1', 'queue.take', MASKED, 'success', null],
    ]);
    expect(after[0].at).toBeGreaterThanOrEqual(after[1].at);
  });

  it('a refused lookup is audited with its refusal: someone else\'s application, a dead session token', async () => {
    const r = await rig.command(session.token, 'print.progress', { serial: 'NO-SUCH-SERIAL' });
    expect(r).toMatchObject({ code: 'userError', refusal: { code: 'unknownApplication' } });
    const [progress] = await rows({ function: 'applications.progress' });
    expect(progress).toMatchObject({ actor: 'kiosk-1', maskedNumber: MASKED, result: 'refused', code: 'unknownApplication' });

    const dead = await rig.command('not-a-live-session-token', 'certificates.list');
    expect(dead.code).toBe('userError');
    const [noSession] = await rows({ function: 'certificates.list' });
    expect(noSession).toMatchObject({ actor: 'kiosk-1', maskedNumber: null, result: 'refused', code: dead.refusal!.code });
  });

  it('an expired card placed at the reader is audited as a refused session start', async () => {
    rig.reader.placeCard('li-xiaoming');
    const row = await pollRow(async () => (await rows({ function: 'session.start' })).find((x) => x.result === 'refused'));
    rig.reader.removeCard();
    expect(row).toMatchObject({ actor: 'kiosk-1', result: 'refused', code: 'expired', detail: 'reader=reader' });
    expect(row.maskedNumber).toMatch(/^\d{4}\*+[\dX]{4}$/);
  });

  it('a manager\'s dashboard view and CSV export are audited with user and role', async () => {
    const cookie = await login('manager');
    expect((await fetch(`${rig.bridge.url}/api/hall/dashboard`, { headers: { cookie } })).status).toBe(200);
    const day = rig.bridge.hall.clock.today();
    const csv = await fetch(`${rig.bridge.url}/api/hall/export.csv?day=${day}`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    await csv.text();
    const exp = await pollRow(async () => (await rows({ function: 'dashboard.export' }))[0]);
    expect(exp).toMatchObject({ actorKind: 'staff', actor: 'manager', role: 'manager', result: 'success', detail: `day=${day}`, maskedNumber: null });
    const view = await pollRow(async () => (await rows({ function: 'dashboard.view' })).find((r) => r.detail === null));
    expect(view).toMatchObject({ actor: 'manager', role: 'manager', result: 'success' });

    // The live dashboard on /hall carries the same board: each connection is audited once.
    const socket = connect(`${rig.bridge.url}/hall`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('hallDashboard', () => resolve());
        socket.once('connect_error', reject);
      });
      const live = await pollRow(async () => (await rows({ function: 'dashboard.view' })).find((r) => r.detail === 'socket'));
      expect(live).toMatchObject({ actorKind: 'staff', actor: 'manager', role: 'manager', result: 'success' });
    } finally {
      socket.disconnect();
    }
  });

  it('anonymous and a technician cannot read the audit (401, 403 audited); a manager can, filtered and paged', async () => {
    for (const path of ['/api/hall/audit', '/api/hall/audit/export.csv']) {
      const r = await fetch(rig.bridge.url + path);
      expect(r.status, path).toBe(401);
      expect(await r.text()).not.toContain(MASKED);
    }
    const tech = await login('tech');
    for (const path of ['/api/hall/audit', '/api/hall/audit/export.csv']) {
      const r = await fetch(rig.bridge.url + path, { headers: { cookie: tech } });
      expect(r.status, path).toBe(403);
      expect(await r.text()).not.toContain(MASKED);
    }
    const refusedView = await pollRow(async () => (await rows({ function: 'audit.view' })).find((r) => r.actor === 'tech'));
    expect(refusedView).toMatchObject({ actorKind: 'staff', role: 'technician', result: 'refused', code: '403' });
    expect(await pollRow(async () => (await rows({ function: 'audit.export' })).find((r) => r.actor === 'tech'))).toMatchObject({ result: 'refused', code: '403' });

    const cookie = await login('manager');
    const r = await fetch(`${rig.bridge.url}/api/hall/audit?function=queue.take&kiosk=kiosk-1&day=${rig.bridge.hall.clock.today()}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const page = (await r.json()) as AccessAuditPage;
    expect(page).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(page.entries[0]).toMatchObject({ actor: 'kiosk-1', function: 'queue.take', maskedNumber: MASKED, result: 'success' });

    const all = (await (await fetch(`${rig.bridge.url}/api/hall/audit?pageSize=2&page=2`, { headers: { cookie } })).json()) as AccessAuditPage;
    expect(all.pageSize).toBe(2);
    expect(all.entries).toHaveLength(2);
    expect(all.total).toBeGreaterThanOrEqual(8);

    const bad = await fetch(`${rig.bridge.url}/api/hall/audit?day=2026-13-01`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/day/);
    expect((await fetch(`${rig.bridge.url}/api/hall/audit?function=rm-rf`, { headers: { cookie } })).status).toBe(400);

    // Reading the audit is audited, with the filter the manager used.
    const seen = await pollRow(async () => (await rows({ function: 'audit.view' })).find((x) => x.actor === 'manager' && x.detail?.includes('function=queue.take')));
    expect(seen).toMatchObject({ role: 'manager', result: 'success' });
  });

  it('a manager exports the audit as CSV: BOM, columns, masked numbers; the export is audited', async () => {
    const cookie = await login('manager');
    const r = await fetch(`${rig.bridge.url}/api/hall/audit/export.csv?day=${rig.bridge.hall.clock.today()}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="access-audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
    expect(lines.some((l) => l.includes(`,kiosk,kiosk-1,,queue.take,${MASKED},success,,`))).toBe(true);
    expect(text).not.toMatch(FULL_NUMBER_RE);
    expect(await pollRow(async () => (await rows({ function: 'audit.export' })).find((x) => x.actor === 'manager'))).toMatchObject({ result: 'success' });
  });

  it('after all these flows no row of access_audit holds a full ID number', async () => {
    const db = new Database(join(rig.dir, 'data', 'hall.sqlite'), { readonly: true });
    try {
      const all = db.prepare('SELECT * FROM access_audit').all() as Array<Record<string, unknown>>;
      expect(all.length).toBeGreaterThanOrEqual(12);
      for (const row of all) {
        for (const v of Object.values(row)) if (typeof v === 'string') expect(v).not.toMatch(FULL_NUMBER_RE);
      }
      expect(JSON.stringify(all)).not.toContain(FULL_NUMBER);
    } finally {
      db.close();
    }
  });
});

/** Staff rows are written once the answer has gone out: poll for them. */
async function pollRow<T>(probe: () => Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting for the audit row');
    await new Promise((r) => setTimeout(r, 25));
  }
}
