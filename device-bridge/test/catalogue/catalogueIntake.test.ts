/**
 * The catalogue's self-service part (docs/catalogue-format.md "Self-service application", README "Applying at the
 * kiosk (接件受理)"): the example catalogue's self-service items load with typed form fields and materials of the
 * three kinds, a reload changes nothing, and each malformed field or material is refused with its place.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogueRefused, loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { problemText } from '../../src/catalogue/sourceText.ts';
import { hallFixtureOn, STORE_BACKENDS, type HallFixture } from '../hall/fixture.ts';

const JSON_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');

describe.each(STORE_BACKENDS)('self-service items in the catalogue on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);
  let fx: HallFixture;
  let dir: string;
  beforeEach(async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    dir = mkdtempSync(join(tmpdir(), 'od-cat-intake-'));
  });
  afterEach(async () => {
    await fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the example\'s self-service items (five or more, from different departments) with fields and the three material kinds', async () => {
    await loadCatalogueFiles(fx.store, [JSON_FILE]);
    const items = (await fx.store.listServiceItems()).filter((s) => s.selfApply);
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(new Set(items.map((s) => s.departmentId)).size).toBeGreaterThanOrEqual(5);
    const hukou = items.find((s) => s.id === 'D35-02')!;
    expect(hukou.formFields!.map((f) => [f.key, f.type])).toEqual([['name', 'text'], ['idNumber', 'text'], ['relation', 'choice'],
      ['moveFrom', 'text'], ['address', 'text'], ['phone', 'digits']]);
    expect(hukou.formFields!.find((f) => f.key === 'phone')).toMatchObject({ minLength: 11, maxLength: 11, reuse: true, required: true });
    expect(hukou.formFields!.find((f) => f.key === 'relation')).toMatchObject({ choices: ['夫妻投靠', '子女投靠父母', '父母投靠子女'], maxLength: 6 });
    const mats = await fx.store.listMaterials('D35-02');
    expect(mats.filter((m) => m.fetchedFrom).length).toBe(3);
    expect(mats.find((m) => m.name === '共同居住承诺')).toMatchObject({ fetchedFrom: null, commitmentAllowed: true, commitmentVersion: 'v1' });
    expect(mats.find((m) => m.name === '户主同意投靠书（原件）')).toMatchObject({ fetchedFrom: null, commitmentAllowed: false });
    // An item that is not self-service reads back without the intake part.
    expect((await fx.store.getServiceItem('D01-01'))!.selfApply).toBeUndefined();
    // A reload changes nothing.
    const again = await loadCatalogueFiles(fx.store, [JSON_FILE], { dryRun: true });
    expect(again.plan.changes.filter((c) => c.kind !== 'same')).toEqual([]);
  });

  async function refused(services: unknown[]): Promise<string[]> {
    const f = join(dir, 'intake.json');
    writeFileSync(f, JSON.stringify({
      departments: [{ code: 'GA', name: '区公安分局' }], categories: [{ letter: 'A', name: '综合' }], services,
    }, null, 1));
    const err = await loadCatalogueFiles(fx.store, [f]).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogueRefused);
    expect(await fx.store.listServiceItems()).toEqual([]);
    return (err as CatalogueRefused).problems.map((p) => problemText(p).replaceAll(`${dir}/`, ''));
  }
  const item = (over: Record<string, unknown>) => ({ code: 'GA-01', department: 'GA', name: '户口迁移', category: 'A', timeLimitDays: 20,
    slotCapacity: 3, selfApply: true, fields: [{ key: 'phone', label: '联系电话', type: 'digits', maxLength: 11 }],
    materials: [{ name: '居民身份证', fetchedFrom: '电子证照库：居民身份证' }], ...over });

  it('refuses malformed fields, one problem each with its place', async () => {
    const problems = await refused([item({ fields: [
      { key: 'relation', label: '关系', type: 'choice' },
      { key: 'note', label: '备注', type: 'text' },
      { key: 'phone', label: '电话', type: 'digits', minLength: 12, maxLength: 11 },
      { key: 'phone', label: '电话', type: 'digits', maxLength: 11 },
      { key: 'Bad Key', label: '坏', type: 'colour', maxLength: 3 },
    ] })]);
    expect(problems.join('\n')).toMatch(/fields\[0\]\.choices: a choice field needs its choices/);
    expect(problems.join('\n')).toMatch(/fields\[1\]\.maxLength: a text or digits field needs maxLength/);
    expect(problems.join('\n')).toMatch(/fields\[2\]\.minLength: must not be more than maxLength 11/);
    expect(problems.join('\n')).toMatch(/fields\[4\]\.key: must be a field key/);
    expect(problems.join('\n')).toMatch(/fields\[4\]\.type: must be text, digits, choice or date/);
    expect(problems.every((p) => /^intake\.json:\d+: /.test(p))).toBe(true);
  });

  it('refuses a self-service item without fields, fields on an ordinary item, duplicate keys', async () => {
    expect((await refused([item({ fields: undefined })])).join('\n')).toMatch(/fields: a self-service item \(selfApply\) needs its form fields/);
    expect((await refused([item({ selfApply: undefined })])).join('\n')).toMatch(/fields: form fields belong to a self-service item/);
    expect((await refused([item({ fields: [{ key: 'a', label: 'A', type: 'date' }, { key: 'a', label: 'B', type: 'date' }] })])).join('\n'))
      .toMatch(/fields\[1\]\.key: duplicate field key "a"/);
  });

  it('refuses materials whose kind disagrees, a commitment text without its version, a self-service commitment without text', async () => {
    const p = (await refused([item({ materials: [
      { name: '甲', kind: 'shared' },
      { name: '乙', kind: 'bring', fetchedFrom: '共享数据：X' },
      { name: '丙', kind: 'commitment', commitmentText: '本人承诺。' },
      { name: '丁', commitmentAllowed: true },
    ] })])).join('\n');
    expect(p).toMatch(/materials\[0\]\.fetchedFrom: a shared \(免提交\) material needs its source/);
    expect(p).toMatch(/materials\[1\]\.kind: a material to bring/);
    expect(p).toMatch(/materials\[2\]\.commitmentVersion: commitmentText and commitmentVersion go together/);
    expect(p).toMatch(/materials\[3\]\.commitmentText: a self-service item's commitment material needs the commitment text/);
  });
});
