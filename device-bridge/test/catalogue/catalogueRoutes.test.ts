/**
 * The manager's catalogue edits over real HTTP (categories, windows, slot capacities, holidays): a manager session
 * and an allowed origin, the same checks as the catalogue command (every problem named, nothing applied), a dry run,
 * and what a technician, an anonymous caller or another origin may not do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../src/auth/demoUsers.ts';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { startBridge, silentLogger, type BridgeHandle } from '../../src/index.ts';
import { staffHttp } from '../helpers/staffHttp.ts';

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue');
const dir = mkdtempSync(join(tmpdir(), 'od-catapi-'));
let bridge: BridgeHandle;
let manager: string;
let tech: string;

const { call, login } = staffHttp(() => bridge.url);

beforeAll(async () => {
  // The hall's counter bus (not there: offline), whose terminals the catalogue's windows name.
  const counters = { id: 'counters', kind: 'counterbus' as const, path: '/dev/od-no-such-port', options: { units: [1, 2, 3, 4, 5] } };
  bridge = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'data'), users: [...DEMO_USERS], devices: [counters], options: { logLevel: 'silent' } },
    { log: silentLogger(), hall: { demo: async (store) => void (await loadCatalogueFiles(store, [join(examples, 'catalogue.json'), join(examples, 'windows.csv')])) } });
  manager = await login('manager', DEMO_PASSWORDS.manager);
  tech = await login('tech', DEMO_PASSWORDS.tech);
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/hall/catalogue', () => {
  it('shows the editable tables to staff who may view /hall; anonymous callers get 401', async () => {
    expect((await call('/api/hall/catalogue')).status).toBe(401);
    const r = await call('/api/hall/catalogue', { cookie: manager });
    expect(r.status).toBe(200);
    expect(r.body.categories.map((c: { letter: string }) => c.letter)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'R']);
    expect(r.body.windows).toHaveLength(4);
    expect(r.body.services.find((s: { code: string }) => s.code === 'D01-01')).toEqual({ code: 'D01-01', name: '企业投资项目备案', department: 'D01', category: 'D', slotCapacity: 2 });
  });

  it('a manager edits a category, a window, a slot capacity and a holiday; a dry run first applies nothing', async () => {
    const edit = {
      categories: [{ letter: 'A', name: '综合窗口', defaultServiceMinutes: 5 }],
      windows: [{ window: 4, name: '4号窗口 综合', deviceId: 'counters', unit: 4, categories: [] }, { window: 5, deviceId: 'counters', unit: 5, categories: ['C'] }],
      slotCapacities: [{ service: 'D01-01', slotCapacity: 4 }],
      holidays: [{ day: '2027-02-06', kind: 'holiday', name: '春节' }],
    };
    const dry = await call('/api/hall/catalogue?dryRun=1', { cookie: manager, body: edit });
    expect(dry.status).toBe(200);
    expect(dry.body.applied).toBe(false);
    expect(dry.body.summary).toContain('windows: 1 added, 0 changed, 1 unchanged, 3 kept (in the database, not in the files)');
    expect((await bridge.hall.store!.getServiceItem('D01-01'))?.slotCapacity).toBe(2);

    const r = await call('/api/hall/catalogue', { cookie: manager, body: edit });
    expect(r.status).toBe(200);
    expect(r.body.applied).toBe(true);
    expect(r.body.changes).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'services', key: 'D01-01', fields: ['slotCapacity: 2 -> 4'] })]));
    const store = bridge.hall.store!;
    expect((await store.getServiceItem('D01-01'))?.slotCapacity).toBe(4);
    expect((await store.getQueueCategory('A'))?.name).toBe('综合窗口');
    expect((await store.listHallWindows()).map((w) => w.window)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.listCalendarDays()).some((d) => d.day === '2027-02-06')).toBe(true);
    // The item's other fields and materials are as they were.
    expect((await store.listMaterials('D01-01')).map((m) => m.name)).toEqual(['营业执照', '项目备案信息表', '项目单位承诺书']);
  });

  it('refuses bad edits with every field named and applies nothing', async () => {
    const store = bridge.hall.store!;
    const before = { cats: await store.listQueueCategories(), wins: await store.listHallWindows(), days: await store.listCalendarDays() };
    const r = await call('/api/hall/catalogue', { cookie: manager, body: {
      categories: [{ letter: 'G', name: '新类别' }],
      windows: [{ window: 4, deviceId: 'counters', unit: 4, categories: ['A'] }],
      slotCapacities: [{ service: 'D01-01', slotCapacity: 0 }, { service: 'D01-02', slotCapacity: -1 }, { service: 'NOPE', slotCapacity: 3 }],
      holidays: [{ day: '2027/2/7', kind: 'holiday', name: '春节' }],
    } });
    expect(r.status).toBe(422);
    expect(r.body.problems).toEqual(expect.arrayContaining([
      { field: 'slotCapacities[2].service', message: 'unknown service item "NOPE"' },
      { field: 'slotCapacities[0].slotCapacity', message: 'must be 1-1000 citizens per 30-minute slot (service D01-01)' },
      { field: 'slotCapacities[1].slotCapacity', message: 'must be 1-1000 citizens per 30-minute slot (service D01-02)' },
      { field: 'holidays[0].day', message: expect.stringMatching(/^must be a date YYYY-MM-DD/) },
    ]));
    expect(await store.listQueueCategories()).toEqual(before.cats);
    expect(await store.listHallWindows()).toEqual(before.wins);
    expect(await store.listCalendarDays()).toEqual(before.days);
    expect((await store.getServiceItem('D01-01'))?.slotCapacity).toBe(4);

    // G alone: no window would call it once window 4 no longer calls every category.
    const unserved = await call('/api/hall/catalogue', { cookie: manager, body: { categories: [{ letter: 'G', name: '新类别' }], windows: [{ window: 4, deviceId: 'counters', unit: 4, categories: ['A'] }] } });
    expect(unserved.status).toBe(422);
    // D (loaded before) was only called at window 4 too: named at the edit's windows.
    expect(unserved.body.problems).toEqual([
      { field: 'windows[0].categories', message: 'queue category D (in the database) is served by no window' },
      { field: 'categories[0].letter', message: expect.stringMatching(/^queue category G is served by no window/) },
    ]);
    const notHere = await call('/api/hall/catalogue', { cookie: manager, body: { departments: [] } });
    expect(notHere.body.problems).toEqual([{ field: 'departments', message: expect.stringContaining('not editable here') }]);
  });

  it('a technician may look but not edit; another origin may not post', async () => {
    expect((await call('/api/hall/catalogue', { cookie: tech })).status).toBe(200);
    expect((await call('/api/hall/catalogue', { cookie: tech, body: { holidays: [] } })).status).toBe(403);
    expect((await call('/api/hall/catalogue', { cookie: manager, origin: 'http://evil.example', body: { holidays: [] } })).status).toBe(403);
  });
});
