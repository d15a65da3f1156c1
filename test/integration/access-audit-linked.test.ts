/**
 * The access audit of linked kiosks, at the hall (等保 2.0 level 3): two kiosk bridges linked to one hall bridge
 * over `/kiosklink`, each with its reader and printer simulators on PTYs. A ticket taken and certificates listed at
 * kiosk-2 are audited in the HALL's database under kiosk-2 (the id the hall knows it by from its link token), with
 * the citizen's number masked although the link carries it in full; a refused lookup with its refusal; the kiosks
 * keep no audit of their own (they have no hall database). No row holds a full number.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { startMultiKioskRig, until, type MultiKioskRig } from './multikiosk-rig.ts';

const CARD = 'zhang-sanfeng';
const FULL_NUMBER = (libraryHolder(CARD) as { idNumber: string }).idNumber;
const MASKED = `${FULL_NUMBER.slice(0, 4)}${'*'.repeat(FULL_NUMBER.length - 8)}${FULL_NUMBER.slice(-4)}`;
const FULL_NUMBER_RE = /\d{17}[\dXx]|\d{15}/;

let rig: MultiKioskRig;

beforeAll(async () => {
  rig = await startMultiKioskRig(2);
  await until('both kiosks linked', () => rig.kiosks.every((k) => k.bridge.hallLink!.up), 60_000);
}, 240_000);
afterAll(async () => rig?.close(), 120_000);

const hallRows = async (fn?: string) =>
  (await rig.hall.hall.store!.queryAccessAudit({ ...(fn ? { function: fn } : {}), limit: 1000, offset: 0 })).entries;

describe('access audit of linked kiosks at the hall', () => {
  it('a linked kiosk\'s ticket and certificate lookup are audited at the hall with that kiosk\'s id and the masked number', async () => {
    const k2 = rig.kiosks[1];
    const s = await k2.startSession(CARD);
    const t = await k2.command(s.token, 'queue.take', { category: 'B' });
    expect(t.code).toBe('success');
    const c = await k2.command(s.token, 'certificates.list');
    expect(c.code).toBe('success');
    const [ticket] = await hallRows('queue.take');
    expect(ticket).toMatchObject({ actorKind: 'kiosk', actor: 'kiosk-2', role: null, maskedNumber: MASKED, result: 'success', code: null });
    const [certs] = await hallRows('certificates.list');
    expect(certs).toMatchObject({ actor: 'kiosk-2', maskedNumber: MASKED, result: 'success' });
    // The kiosk has no hall database and so no audit of its own: the hall's is the one record.
    expect(k2.bridge.hall.store).toBeNull();
  });

  it('a refused lookup over the link is audited at the hall with its refusal', async () => {
    const k1 = rig.kiosks[0];
    const s = await k1.startSession(CARD);
    const r = await k1.command(s.token, 'print.progress', { serial: 'NO-SUCH-SERIAL' });
    expect(r).toMatchObject({ code: 'userError', refusal: { code: 'unknownApplication' } });
    const [row] = await hallRows('applications.progress');
    expect(row).toMatchObject({ actor: 'kiosk-1', maskedNumber: MASKED, result: 'refused', code: 'unknownApplication' });
  });

  it('ops that name nobody are not audited, and no row at the hall holds a full number', async () => {
    const before = (await hallRows()).length;
    const k1 = rig.kiosks[0];
    const s = await k1.startSession(CARD);
    expect((await k1.command(s.token, 'appointments.days')).code).toBe('success');
    expect((await hallRows()).length).toBe(before);

    const db = new Database(join(rig.dir, 'hall-data', 'hall.sqlite'), { readonly: true });
    try {
      const all = db.prepare('SELECT * FROM access_audit').all() as Array<Record<string, unknown>>;
      expect(all.length).toBeGreaterThanOrEqual(3);
      for (const row of all) for (const v of Object.values(row)) if (typeof v === 'string') expect(v).not.toMatch(FULL_NUMBER_RE);
      expect(JSON.stringify(all)).not.toContain(FULL_NUMBER);
    } finally {
      db.close();
    }
  });
});
