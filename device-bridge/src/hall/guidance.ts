/**
 * Guidance (咨询导办): services by department with their materials, marking those the citizen does not
 * bring (免提交) and where the platform gets them, and those a written commitment (告知承诺) may replace.
 * The views are the /kiosk contract's types (KioskDepartment, KioskServiceGuide, KioskMaterial).
 */
import type { KioskDepartment, KioskFinder, KioskMaterial, KioskServiceGuide } from '@onedoor/protocol';
import type { DepartmentRecord, HallStore, MaterialRecord, QueueCategoryRecord, ServiceItemRecord } from '../store/hallStore.ts';
import type { ServiceUseCounts } from '../store/catalogueRecords.ts';
import { addDays, HallClock } from './clock.ts';
import { HallRuleError } from './errors.ts';
import { pinyinSyllables } from './pinyinKeys.ts';

/** How far back "most used" counts (README "Finding a service": the last 30 days). */
export const MOST_USED_DAYS = 30;
/** How many most-used services the home screen shows. */
export const MOST_USED_COUNT = 6;

/**
 * Service ids by use: the item's own appointments and applications, ties broken by the tickets of its queue category
 * (a ticket names no item, so tickets alone would rank every item of a busy category alike). Items without use of
 * their own are left out: a new hall shows no "most used".
 */
export function mostUsedServices(items: readonly ServiceItemRecord[], use: ServiceUseCounts, count = MOST_USED_COUNT): string[] {
  const own = (i: ServiceItemRecord) => use.services[i.id] ?? 0;
  const byCategory = (i: ServiceItemRecord) => use.categories[i.category] ?? 0;
  return items.filter((i) => own(i) > 0)
    .sort((a, b) => own(b) - own(a) || byCategory(b) - byCategory(a) || a.id.localeCompare(b.id))
    .slice(0, count)
    .map((i) => i.id);
}

export type DepartmentGuide = KioskDepartment;

/** One material: 免提交 (`exempt`, with its `source`) or to bring; `commitmentAllowed`: 告知承诺 may replace it. */
export type MaterialGuide = KioskMaterial;

export type ServiceGuide = KioskServiceGuide;

function material(m: MaterialRecord): MaterialGuide {
  return { name: m.name, exempt: m.fetchedFrom !== null, source: m.fetchedFrom, commitmentAllowed: m.commitmentAllowed };
}

export class GuidanceService {
  constructor(private readonly store: HallStore, private readonly clock: HallClock = new HallClock()) {}

  async departments(): Promise<DepartmentGuide[]> {
    const [depts, items] = await Promise.all([this.store.listDepartments(), this.store.listServiceItems()]);
    return depts.map((d) => ({ id: d.id, name: d.name, batch: d.batch, serviceCount: items.filter((i) => i.departmentId === d.id).length }));
  }

  async servicesOf(departmentId: number): Promise<ServiceGuide[]> {
    const items = await this.store.listServiceItems(departmentId);
    return Promise.all(items.map((i) => this.guide(i)));
  }

  async service(serviceId: string): Promise<ServiceGuide> {
    const item = await this.store.getServiceItem(serviceId);
    if (!item) throw new HallRuleError('unknownService', '没有该事项，请重新选择', `there is no service ${serviceId}`);
    return this.guide(item);
  }

  /** The three ways in from the kiosk's home (README "Finding a service"): all items with pinyin, life events, most used. */
  async finder(): Promise<KioskFinder> {
    const [depts, categories, items, events] = await Promise.all([this.store.listDepartments(), this.store.listQueueCategories(),
      this.store.listServiceItems(), this.store.listLifeEvents()]);
    const use = await this.store.serviceUseSince(addDays(this.clock.today(), -MOST_USED_DAYS));
    const services = [];
    for (const i of items) {
      const g = await this.guideWith(i, depts, categories);
      services.push({ ...g, namePinyin: pinyinSyllables(g.name), categoryPinyin: pinyinSyllables(g.categoryName) });
    }
    const known = new Set(items.map((i) => i.id));
    return {
      services,
      // An item named by a life event but missing here (never: the loader checks) is left out rather than shown empty.
      lifeEvents: events.map((e) => ({ code: e.code, name: e.name, serviceIds: e.services.filter((id) => known.has(id)) }))
        .filter((e) => e.serviceIds.length > 0),
      mostUsed: mostUsedServices(items, use),
    };
  }

  private async guide(i: ServiceItemRecord): Promise<ServiceGuide> {
    return this.guideWith(i, await this.store.listDepartments(), await this.store.listQueueCategories());
  }

  private async guideWith(i: ServiceItemRecord, depts: DepartmentRecord[], categories: QueueCategoryRecord[]): Promise<ServiceGuide> {
    const category = categories.find((c) => c.letter === i.category);
    const materials = (await this.store.listMaterials(i.id)).map(material);
    return {
      id: i.id, name: i.name, departmentId: i.departmentId, departmentName: depts.find((d) => d.id === i.departmentId)?.name ?? '',
      category: i.category, categoryName: category?.name ?? i.category, timeLimitDays: i.timeLimitDays, materials,
      toBring: materials.filter((m) => !m.exempt).length,
    };
  }
}
