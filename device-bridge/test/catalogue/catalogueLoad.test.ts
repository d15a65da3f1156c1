/**
 * The catalogue loader on both real stores, SQLite and PostgreSQL (README "Loading the catalogue"): the example files load, a reload is
 * idempotent, a dry run applies nothing, history survives a changed catalogue, and every kind of bad input is
 * refused with file, line and field while nothing at all is applied.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogueRefused, loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { catalogueSnapshot, planDetails } from '../../src/catalogue/plan.ts';
import { problemText } from '../../src/catalogue/sourceText.ts';
import { QueueService } from '../../src/hall/queue.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { hallFixtureOn, STORE_BACKENDS, type HallFixture } from '../hall/fixture.ts';

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue');
const JSON_FILE = join(examples, 'catalogue.json');
const WINDOWS = join(examples, 'windows.csv');
const SHEETS = ['departments', 'categories', 'services', 'materials', 'holidays'].map((t) => join(examples, 'spreadsheet', `${t}.csv`));

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  let dir: string;
  beforeEach(async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    dir = mkdtempSync(join(tmpdir(), 'od-cat-'));
  });
  afterEach(async () => {
    await fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a file in the temp dir (text as UTF-8, or raw bytes). */
  function file(name: string, content: string | Uint8Array): string {
    const f = join(dir, name);
    writeFileSync(f, content);
    return f;
  }

  /** Everything a load could touch, to prove a refused load changed nothing. */
  async function everything(store: HallStore) {
    return { snap: await catalogueSnapshot(store), loads: await store.listCatalogueLoads(100) };
  }

  /** Loads and expects a refusal; returns the problems as `file:line: field: message` with the temp dir cut off. */
  async function refused(files: string[]): Promise<string[]> {
    const before = await everything(fx.store);
    const err = await loadCatalogueFiles(fx.store, files).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogueRefused);
    expect(await everything(fx.store)).toEqual(before);
    return (err as CatalogueRefused).problems.map((p) => problemText(p).replaceAll(`${dir}/`, '').replaceAll(`${examples}/`, ''));
  }

  const BASE_CSV = {
    departments: 'code,name\nGA,区公安分局\nRS,区人社局\n',
    categories: 'letter,name,defaultServiceMinutes\nA,综合受理,6\nB,社保医保,8\n',
    services: 'code,department,name,category,timeLimitDays,slotCapacity\nGA-01,GA,户口迁移,A,20,3\nRS-01,RS,社保卡补换,B,5,3\n',
    windows: 'window,name,deviceId,unit,categories\n1,,counters,1,A\n2,,counters,2,B\n',
    holidays: 'day,kind,name\n2026-10-01,holiday,国庆节\n2026-10-10,workday,国庆节调休\n',
  };

  /** The base CSV set with some tables replaced. */
  function csvSet(over: Partial<Record<keyof typeof BASE_CSV, string>> = {}): string[] {
    return Object.entries({ ...BASE_CSV, ...over }).map(([t, text]) => file(`${t}.csv`, text));
  }

  describe('loading the example catalogue', () => {
    it('loads the example JSON with the windows CSV in one go: departments by code, materials, windows, holidays, a load record', async () => {
      const r = await loadCatalogueFiles(fx.store, [JSON_FILE, WINDOWS], { now: () => 1_700_000_000_000 });
      expect(r.applied).toBe(true);
      const depts = await fx.store.listDepartments();
      expect(depts).toHaveLength(43);
      expect(depts[0]).toMatchObject({ code: 'D01', name: '省发展改革委', batch: 1, batchDeadline: '2016-03-31' });
      expect((await fx.store.listQueueCategories()).map((c) => c.letter)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'R']);
      expect(await fx.store.getServiceItem('D01-01')).toMatchObject({ departmentId: depts[0].id, category: 'D', timeLimitDays: 3, slotCapacity: 2 });
      expect((await fx.store.listMaterials('D01-01'))[0]).toMatchObject({ name: '营业执照', fetchedFrom: '电子证照库：营业执照', commitmentAllowed: false });
      expect(await fx.store.listHallWindows()).toEqual([
        { window: 1, name: '1号窗口 综合受理', deviceId: 'counters', unit: 1, categories: ['A'] },
        { window: 2, name: '2号窗口 社保医保', deviceId: 'counters', unit: 2, categories: ['B'] },
        { window: 3, name: '3号窗口 户政 税务 出证', deviceId: 'counters', unit: 3, categories: ['E', 'F', 'R'] },
        { window: 4, name: '4号窗口 综合', deviceId: 'counters', unit: 4, categories: [] },
      ]);
      expect((await fx.store.listCalendarDays()).find((d) => d.day === '2026-10-10')).toEqual({ day: '2026-10-10', kind: 'workday', name: '国庆节调休' });
      const [load] = await fx.store.listCatalogueLoads(5);
      expect(load).toMatchObject({ at: 1_700_000_000_000, files: ['catalogue.json', 'windows.csv'] });
      expect(load.summary).toContain('services: 56 added, 0 changed, 0 unchanged');
      expect(load.summary).toContain('lifeEvents: 8 added, 0 changed, 0 unchanged');
      const events = await fx.store.listLifeEvents();
      expect(events[0]).toEqual({ code: 'birth', name: '生孩子', sortOrder: 1, services: ['D27-02', 'D35-02', 'D37-01'] });
      expect(events.map((e) => e.name)).toEqual(['生孩子', '上学', '找工作', '结婚', '买房', '开公司', '出境旅行', '退休']);
    });

    it('loads life events from a CSV (codes split by spaces, 、 or ;) and updates one on reload, keeping its place', async () => {
      await loadCatalogueFiles(fx.store, [...csvSet(), file('lifeEvents.csv', 'code,name,services,sortOrder\nmove,搬家,GA-01、RS-01,5\nlose-job,失业,RS-01,2\n')]);
      expect(await fx.store.listLifeEvents()).toEqual([
        { code: 'lose-job', name: '失业', sortOrder: 2, services: ['RS-01'] },
        { code: 'move', name: '搬家', sortOrder: 5, services: ['GA-01', 'RS-01'] },
      ]);
      const r = await loadCatalogueFiles(fx.store, [file('life-events.json', '{"lifeEvents": [{"code": "move", "name": "搬新家", "services": ["RS-01"]}]}')]);
      expect(planDetails(r.plan)).toContain('lifeEvents: 0 added, 1 changed, 0 unchanged, 1 kept (in the database, not in the files)');
      expect((await fx.store.listLifeEvents()).find((e) => e.code === 'move')).toEqual({ code: 'move', name: '搬新家', sortOrder: 5, services: ['RS-01'] });
    });

    it('loads the spreadsheet CSV set: a quoted cell with a comma, 休/班 and 是/否 words, materials in row order', async () => {
      await loadCatalogueFiles(fx.store, [...SHEETS, WINDOWS]);
      expect((await fx.store.getServiceItem('TH-RS-02'))?.name).toBe('失业保险金申领（含一次性生活补助, 价格补贴）');
      expect((await fx.store.listMaterials('TH-RS-02')).map((m) => [m.name, m.fetchedFrom, m.commitmentAllowed])).toEqual([
        ['居民身份证', '电子证照库：居民身份证', false], ['解除劳动合同证明', null, true]]);
      expect((await fx.store.listMaterials('TH-GA-01')).map((m) => m.name)).toEqual(['居民身份证', '居民户口簿', '结婚证', '房屋产权证明']);
      const days = await fx.store.listCalendarDays();
      expect(days.find((d) => d.day === '2026-09-20')?.kind).toBe('workday');
      expect(days.find((d) => d.day === '2026-10-01')?.kind).toBe('holiday');
    });

    it('is re-runnable: the same files again change nothing (same ids, same rows), only a new load record', async () => {
      await loadCatalogueFiles(fx.store, [JSON_FILE, WINDOWS]);
      const first = await catalogueSnapshot(fx.store);
      const again = await loadCatalogueFiles(fx.store, [JSON_FILE, WINDOWS]);
      expect(again.plan.changes.every((c) => c.kind === 'same')).toBe(true);
      expect(await catalogueSnapshot(fx.store)).toEqual(first);
      expect(await fx.store.listCatalogueLoads(5)).toHaveLength(2);
    });

    it('adopts departments stored by name before codes existed (the old seed), keeping their ids', async () => {
      const old = await fx.store.upsertDepartments([{ name: '区公安分局', batch: 1, batchDeadline: '2016-03-31', sortOrder: 1 }]);
      await loadCatalogueFiles(fx.store, csvSet());
      const now = await fx.store.listDepartments();
      expect(now.find((d) => d.name === '区公安分局')).toMatchObject({ id: old[0].id, code: 'GA' });
      expect(now).toHaveLength(2);
    });
  });

  describe('dry run', () => {
    it('shows what would change, field by field, and applies nothing', async () => {
      await loadCatalogueFiles(fx.store, csvSet());
      const before = await everything(fx.store);
      const changed = csvSet({
        services: 'code,department,name,category,timeLimitDays,slotCapacity\nGA-01,GA,户口迁移（投靠）,A,20,5\nRS-01,RS,社保卡补换,B,5,3\nRS-02,RS,失业登记,B,3,2\n',
      });
      const r = await loadCatalogueFiles(fx.store, changed, { dryRun: true });
      expect(r.applied).toBe(false);
      const lines = planDetails(r.plan);
      expect(lines).toContain('services: 1 added, 1 changed, 1 unchanged, 0 kept (in the database, not in the files)');
      expect(lines).toContain('~ services GA-01 户口迁移（投靠）');
      expect(lines).toContain('    name: 户口迁移 -> 户口迁移（投靠）');
      expect(lines).toContain('    slotCapacity: 3 -> 5');
      expect(lines).toContain('+ services RS-02 失业登记');
      expect(await everything(fx.store)).toEqual(before);
    });
  });

  describe('history survives a reload with a changed catalogue', () => {
    it('keeps tickets, appointments and applications, and every category and item they point at', async () => {
      await loadCatalogueFiles(fx.store, csvSet());
      const queue = new QueueService(fx.store, fx.clock);
      const t1 = await queue.takeTicket(null, 'A');
      const t2 = await queue.takeTicket(null, 'B');
      await fx.store.ensureSlots([{ serviceId: 'GA-01', day: '2026-11-26', start: '09:00', minutes: 30, capacity: 3 }]);
      const slot = (await fx.store.listSlots('GA-01', '2026-11-26'))[0];
      const appt = await fx.store.insertAppointment({ slotId: slot.id, holderNumber: '440106199001011234', createdAt: fx.clock.now() });
      await fx.store.insertApplication({ serial: 'S-1', serviceId: 'RS-01', applicantNumber: '440106199001011234', status: 'review', acceptedAt: fx.clock.now(),
        acceptedDay: '2026-11-25', result: null, commitments: [], updatedAt: fx.clock.now() });
      const tickets = await fx.store.listTickets('2026-11-25');

      // A new year's catalogue: category A renamed, GA-01 moved to B with a new capacity, RS-01 left out, a new item.
      await loadCatalogueFiles(fx.store, csvSet({
        categories: 'letter,name,defaultServiceMinutes\nA,综合窗口,5\nB,社保医保,8\n',
        services: 'code,department,name,category,timeLimitDays,slotCapacity\nGA-01,GA,户口迁移,B,15,6\nGA-02,GA,居住证签注,A,1,4\n',
      }));
      expect(await fx.store.listTickets('2026-11-25')).toEqual(tickets);
      expect(tickets.map((t) => t.number)).toEqual([t1.number, t2.number]);
      expect(await fx.store.getAppointment(appt.id)).toEqual(appt);
      expect(await fx.store.getSlot(slot.id)).toMatchObject({ capacity: 3, booked: 1 });
      expect(await fx.store.getApplication('S-1')).toMatchObject({ serviceId: 'RS-01', status: 'review' });
      expect(await fx.store.getServiceItem('RS-01')).toMatchObject({ name: '社保卡补换' });
      expect(await fx.store.getServiceItem('GA-01')).toMatchObject({ category: 'B', slotCapacity: 6, timeLimitDays: 15 });
      expect((await fx.store.getQueueCategory('A'))?.name).toBe('综合窗口');
      // Numbering goes on after the reload.
      expect((await queue.takeTicket(null, 'A')).number).toBe('A002');
    });
  });

  describe('bad input: refused with file, line and field, nothing applied', () => {
    beforeEach(async () => {
      // Something already loaded, so "nothing applied" also means "nothing of the old catalogue changed".
      await loadCatalogueFiles(fx.store, csvSet());
    });

    it('duplicate codes within a file and across files', async () => {
      const problems = await refused([
        ...csvSet({ departments: 'code,name\nGA,区公安分局\nRS,区人社局\nGA,区公安局\n' }),
        file('more.json', '{\n  "services": [\n    {"code": "RS-01", "department": "RS", "name": "又一个", "category": "B", "timeLimitDays": 5, "slotCapacity": 3}\n  ]\n}\n'),
      ]);
      expect(problems).toEqual(expect.arrayContaining([
        'departments.csv:4: code: duplicate department code "GA" (also departments.csv:2)',
        'more.json:3: services[0].code: duplicate service item code "RS-01" (also services.csv:3)',
      ]));
    });

    it('unknown departments and categories', async () => {
      const problems = await refused(csvSet({
        services: 'code,department,name,category,timeLimitDays,slotCapacity\nGA-01,GA,户口迁移,A,20,3\nXX-01,XX,无主事项,A,5,3\nRS-01,RS,社保卡补换,Q,5,3\n',
      }));
      expect(problems).toEqual([
        'services.csv:3: department: unknown department "XX" (not in the files\' departments nor in the database)',
        'services.csv:4: category: unknown queue category "Q" (not in the files\' categories nor in the database)',
      ]);
    });

    it('life events: an unknown or repeated service item, an empty list, a duplicate code, a name too long', async () => {
      const problems = await refused([...csvSet(), file('lifeEvents.csv',
        'code,name,services\nbirth,生孩子,GA-01 XX-09\nmove,搬家,RS-01;RS-01\nbirth,出生,GA-01\nretire,退休,\nlong,这是一个非常非常非常非常长的办事主题名称,GA-01\n')]);
      expect(problems).toEqual([
        'lifeEvents.csv:2: services: unknown service item "XX-09" (item 2; not in the files\' services nor in the database)',
        'lifeEvents.csv:3: services: service item "RS-01" is listed twice (item 2)',
        'lifeEvents.csv:4: code: duplicate life event code "birth" (also lifeEvents.csv:2)',
        'lifeEvents.csv:5: services: is required',
        'lifeEvents.csv:6: name: must be at most 16 characters',
      ]);
    });

    it('a category no window serves', async () => {
      const problems = await refused(csvSet({ categories: 'letter,name\nA,综合受理\nB,社保医保\nC,不动产登记\n' }));
      expect(problems).toEqual([
        'categories.csv:4: letter: queue category C is served by no window (add it to a window\'s categories, or leave a window\'s categories empty to serve all)',
      ]);
    });

    it('holidays in the wrong format: a date Excel reformatted, an impossible date, an unknown kind, a 调休 on a weekday', async () => {
      const problems = await refused(csvSet({ holidays: 'day,kind,name\n2026/10/1,holiday,国庆节\n2026-02-30,holiday,春节\n2026-10-02,vacation,国庆节\n2026-10-08,workday,国庆节调休\n' }));
      expect(problems).toEqual([
        'holidays.csv:2: day: must be a date YYYY-MM-DD like 2026-10-01, got "2026/10/1" (format the column as text so Excel keeps 2026-10-01)',
        'holidays.csv:3: day: must be a date YYYY-MM-DD like 2026-10-01, got "2026-02-30"',
        'holidays.csv:4: kind: must be holiday (休) or workday (班, 调休)',
        'holidays.csv:5: kind: a workday (调休) opens a weekend day, but 2026-10-08 is a weekday',
      ]);
    });

    it('a slot capacity of 0 or -1 (CSV and JSON, the JSON one at its own line)', async () => {
      const problems = await refused([
        ...csvSet({ services: 'code,department,name,category,timeLimitDays,slotCapacity\nGA-01,GA,户口迁移,A,20,0\nRS-01,RS,社保卡补换,B,5,-1\n' }),
        file('more.json', '{\n  "services": [\n    {"code": "GA-09", "department": "GA", "name": "x", "category": "A", "timeLimitDays": 5,\n     "slotCapacity": 0}\n  ]\n}\n'),
      ]);
      expect(problems).toEqual([
        'more.json:4: services[0].slotCapacity: must be 1-1000 citizens per 30-minute slot',
        'services.csv:2: slotCapacity: must be 1-1000 citizens per 30-minute slot',
        'services.csv:3: slotCapacity: must be 1-1000 citizens per 30-minute slot',
      ]);
    });

    it('broken UTF-8, at the line of the bad byte', async () => {
      const good = Buffer.from('day,kind,name\n2026-10-01,holiday,国庆节\n', 'utf8');
      const broken = Buffer.concat([good, Buffer.from('2026-10-02,holiday,国'.slice(0, 19), 'utf8'), Buffer.from([0xe5, 0x9b]), Buffer.from(',x\n')]);
      const problems = await refused([...csvSet(), file('holidays-2.csv', broken)]);
      expect(problems).toEqual(['holidays-2.csv:3: (encoding): the file is not valid UTF-8 here (a broken or truncated character); save it again as UTF-8']);
    });

    it('a GBK CSV from Excel is refused with the words to save it as UTF-8 (never guessed at)', async () => {
      const gbk = iconv.encode('code,department,name,category,timeLimitDays,slotCapacity\nGA-02,GA,居住证签注,A,1,4\n', 'gbk');
      const problems = await refused([file('services-gbk.csv', gbk)]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^services-gbk\.csv:2: \(encoding\): the file is not UTF-8: it looks like GBK .*Save it again as "CSV UTF-8 \(逗号分隔\)"/);
    });

    it('an Excel "CSV UTF-8" file with its BOM is read', async () => {
      await loadCatalogueFiles(fx.store, [file('holidays-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('day,kind,name\n2026-10-02,休,国庆节\n')]))]);
      expect((await fx.store.listCalendarDays()).find((d) => d.day === '2026-10-02')?.kind).toBe('holiday');
    });

    it('unknown fields and columns, missing columns, a misnamed file, bad JSON: all listed at once', async () => {
      const problems = await refused([
        file('services.csv', 'code,department,name,category,timeLimitDays,capacity\nGA-01,GA,户口迁移,A,20,3\n'),
        file('counters.csv', 'window\n1\n'),
        file('a.json', '{\n  "services": [\n    {"code": "GA-01", "department": "GA", "name": "x", "category": "A",\n      "timeLimitDays": 5, "slotCapacity": 3, "capacity": 3}\n  ],\n  "staff": []\n}\n'),
        file('b.json', '{\n  "holidays": [\n    {"day": "2026-10-01",}\n  ]\n}\n'),
      ]);
      expect(problems).toEqual([
        'a.json:4: services[0].capacity: unknown field (services have: code, department, name, category, timeLimitDays, slotCapacity, stepLimits, materials, selfApply, fields, resultCollection, resultCertificate)',
        'a.json:6: staff: unknown table (a catalogue has: hallId, departments, categories, services, windows, holidays, lifeEvents; materials go inside their service)',
        'b.json:3: (json): expected a "name" in an object',
        'counters.csv:1: (file name): a CSV file holds one table named by its file name: departments.csv, categories.csv, services.csv, materials.csv, windows.csv, holidays.csv, lifeEvents.csv (e.g. holidays-2027.csv)',
        'services.csv:1: capacity: unknown column for services (columns: code, department, name, category, timeLimitDays, slotCapacity)',
        'services.csv:1: slotCapacity: missing column (services need: code, department, name, category, timeLimitDays, slotCapacity)',
      ]);
    });

    it('windows: a terminal given twice, an unknown category, a row with too many cells', async () => {
      const problems = await refused(csvSet({ windows: 'window,name,deviceId,unit,categories\n1,,counters,1,A\n2,,counters,1,B\n3,,counters,3,Z\n4,一,二,counters,4,A\n' }));
      expect(problems).toEqual([
        'windows.csv:3: unit: terminal counters unit 1 is already window 1\'s',
        'windows.csv:4: categories: unknown queue category "Z" (item 1)',
        'windows.csv:5: (row): has 6 cells, the header 5 (a comma inside a cell needs "quotes")',
      ]);
    });
  });
});
