/**
 * Guidance (咨询导办): services by department with their materials, marking those the citizen does not
 * bring (免提交) and where the platform gets them, and those a written commitment (告知承诺) may replace.
 * The views are the /kiosk contract's types (KioskDepartment, KioskServiceGuide, KioskMaterial).
 */
import type { KioskDepartment, KioskMaterial, KioskServiceGuide } from '@onedoor/protocol';
import type { HallStore, MaterialRecord, ServiceItemRecord } from '../store/hallStore.ts';
import { HallRuleError } from './errors.ts';

export type DepartmentGuide = KioskDepartment;

/** One material: 免提交 (`exempt`, with its `source`) or to bring; `commitmentAllowed`: 告知承诺 may replace it. */
export type MaterialGuide = KioskMaterial;

export type ServiceGuide = KioskServiceGuide;

function material(m: MaterialRecord): MaterialGuide {
  return { name: m.name, exempt: m.fetchedFrom !== null, source: m.fetchedFrom, commitmentAllowed: m.commitmentAllowed };
}

export class GuidanceService {
  constructor(private readonly store: HallStore) {}

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

  private async guide(i: ServiceItemRecord): Promise<ServiceGuide> {
    const depts = await this.store.listDepartments();
    const category = await this.store.getQueueCategory(i.category);
    const materials = (await this.store.listMaterials(i.id)).map(material);
    return {
      id: i.id, name: i.name, departmentId: i.departmentId, departmentName: depts.find((d) => d.id === i.departmentId)?.name ?? '',
      category: i.category, categoryName: category?.name ?? i.category, timeLimitDays: i.timeLimitDays, materials,
      toBring: materials.filter((m) => !m.exempt).length,
    };
  }
}
