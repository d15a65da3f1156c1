/**
 * A demo catalogue of service items (事项) for the 43 provincial departments (seed-data/departments.json), with
 * queue categories, statutory limits in working days and required materials, marking which the platform fetches
 * (免提交, naming the certificate library or the shared data source) and which a written commitment (告知承诺) may
 * replace. Illustrative data in the shape of real Guangdong service guides, not an official list: a hall imports
 * its own catalogue through the same `HallRepository` calls.
 *
 * Also the demo's holiday table (hall-rules.md: "the table is data"): the public holidays and make-up working
 * weekends (调休) of 2026 as announced, and New Year 2027. Check them against the official notice before relying on
 * them in a real hall.
 */
import type { CalendarDayRecord, DepartmentRecord, HallRepository, NewMaterial, QueueCategoryRecord } from '../store/hallStore.ts';

export const DEMO_QUEUE_CATEGORIES: readonly QueueCategoryRecord[] = [
  { letter: 'A', name: '综合受理', defaultServiceMinutes: 6 },
  { letter: 'B', name: '社保医保', defaultServiceMinutes: 8 },
  { letter: 'C', name: '不动产登记', defaultServiceMinutes: 15 },
  { letter: 'D', name: '商事登记', defaultServiceMinutes: 12 },
  { letter: 'E', name: '户政出入境', defaultServiceMinutes: 7 },
  { letter: 'F', name: '税务办理', defaultServiceMinutes: 10 },
];

type M = [name: string, fetchedFrom: string | null, commitment?: boolean];
type Item = [name: string, category: string, limitDays: number, materials: M[]];

const ID: M = ['居民身份证', '电子证照库：居民身份证'];
const HUKOU: M = ['居民户口簿', '共享数据：公安人口信息'];
const LICENCE: M = ['营业执照', '电子证照库：营业执照'];
const FORM: M = ['申请表', null];
const PROPERTY: M = ['不动产权证书', '电子证照库：不动产权证书'];
const SOCIAL: M = ['社会保险参保缴费记录', '共享数据：社保参保信息'];
const MARRIAGE: M = ['结婚证', '电子证照库：结婚证'];
const NO_CRIME: M = ['无犯罪记录证明', null, true];
const DEGREE: M = ['学历学位证书', '共享数据：学信网学历信息'];
const SITE: M = ['场所使用证明', null, true];

/** Items by department name; departments not listed get the statutory information-disclosure request. */
const ITEMS: Record<string, Item[]> = {
  省发展改革委: [['企业投资项目备案', 'D', 3, [LICENCE, ['项目备案信息表', null], ['项目单位承诺书', null]]],
    ['政府投资项目可行性研究报告审批', 'A', 20, [FORM, ['可行性研究报告', null], ['用地预审意见', '共享数据：自然资源部门审批信息']]]],
  省经济和信息化委: [['技术改造项目备案', 'D', 5, [LICENCE, ['项目备案申请表', null], ['环评承诺', null, true]]]],
  省民政厅: [['社会团体成立登记', 'D', 20, [FORM, ID, ['章程草案', null], SITE, ['验资报告', null, true]]],
    ['婚姻登记档案查询', 'A', 5, [ID, MARRIAGE]]],
  省住房城乡建设厅: [['建筑业企业资质核准', 'D', 20, [LICENCE, ['企业资质申请表', null], ['技术负责人职称证书', '电子证照库：职称证书']]],
    ['二级建造师执业资格注册', 'A', 20, [ID, DEGREE, ['资格证书', '电子证照库：建造师资格证书'], SOCIAL]]],
  省农业厅: [['兽药经营许可证核发', 'D', 20, [LICENCE, FORM, SITE, ['质量管理人员学历证明', '共享数据：学信网学历信息']]]],
  省商务厅: [['对外贸易经营者备案登记', 'D', 5, [LICENCE, ['备案登记表', null], ID]]],
  省文化厅: [['营业性演出许可证核发', 'D', 20, [LICENCE, FORM, ID, NO_CRIME]]],
  省质监局: [['特种设备作业人员资格认定', 'A', 20, [ID, ['体检报告', null], DEGREE, ['考试合格证明', '共享数据：考试成绩信息']]]],
  省科技厅: [['高新技术企业认定', 'D', 20, [LICENCE, ['知识产权证明', '共享数据：知识产权信息'], ['审计报告', null], SOCIAL]]],
  省司法厅: [['律师执业许可', 'A', 20, [ID, ['法律职业资格证书', '电子证照库：法律职业资格证书'], ['实习鉴定材料', null], NO_CRIME]],
    ['公证员执业审核', 'A', 20, [ID, ['法律职业资格证书', '电子证照库：法律职业资格证书'], NO_CRIME]]],
  省国土资源厅: [['不动产登记资料查询', 'C', 1, [ID, PROPERTY]], ['国有建设用地使用权首次登记', 'C', 10, [ID, LICENCE,
    ['土地出让合同', null], ['土地出让价款缴纳凭证', '共享数据：财政非税收入信息']]]],
  省交通运输厅: [['道路运输经营许可', 'D', 20, [LICENCE, FORM, ['车辆技术等级评定', '共享数据：车辆检测信息'], ['驾驶员从业资格证', '电子证照库：从业资格证']]]],
  省水利厅: [['取水许可', 'A', 20, [FORM, LICENCE, ['水资源论证报告', null]]]],
  省卫生计生委: [['医师执业注册', 'A', 20, [ID, ['医师资格证书', '电子证照库：医师资格证书'], ['健康证明', null], ['聘用证明', null, true]]],
    ['出生医学证明补发', 'E', 10, [ID, HUKOU, ['住院分娩证明', null]]]],
  省工商局: [['企业设立登记', 'D', 3, [ID, ['公司章程', null], ['住所使用证明', null, true], ['名称自主申报结果', '共享数据：企业名称库']]],
    ['企业变更登记', 'D', 3, [LICENCE, ID, ['变更决议', null]]]],
  省教育厅: [['教师资格认定', 'A', 20, [ID, DEGREE, ['普通话水平测试等级证书', '电子证照库：普通话证书'], ['体检报告', null], NO_CRIME]],
    ['学历认证', 'A', 15, [ID, DEGREE]]],
  省公安厅: [['往来港澳通行证签注', 'E', 7, [ID, ['往来港澳通行证', '共享数据：出入境证件信息']]],
    ['户口迁移（投靠）', 'E', 20, [ID, HUKOU, MARRIAGE, ['房屋产权证明', '电子证照库：不动产权证书']]]],
  '省人力资源和社会保障厅（含外专局）': [['社会保障卡补换', 'B', 5, [ID]], ['养老保险关系转移接续', 'B', 15, [ID, SOCIAL, FORM]],
    ['职业资格证书补发', 'B', 10, [ID, ['原证书遗失声明', null, true]]]],
  省环境保护厅: [['建设项目环境影响报告书审批', 'A', 20, [FORM, ['环境影响报告书', null], LICENCE]]],
  省地税局: [['个人所得税纳税记录开具', 'F', 1, [ID]], ['房产交易税费申报', 'F', 1, [ID, PROPERTY, ['房屋买卖合同', '共享数据：网签备案信息']]]],
  省食品药品监督管理局: [['食品经营许可', 'D', 10, [LICENCE, ID, FORM, SITE]], ['药品经营许可证核发', 'D', 20, [LICENCE, FORM,
    ['执业药师注册证', '电子证照库：执业药师注册证'], SITE]]],
  省知识产权局: [['专利权质押登记', 'A', 7, [LICENCE, ['专利证书', '电子证照库：专利证书'], ['质押合同', null]]]],
  省新闻出版广电局: [['出版物经营许可', 'D', 20, [LICENCE, FORM, SITE]]],
  省档案局: [['档案查阅利用', 'A', 5, [ID, ['查档介绍信', null, true]]]],
  省统计局: [['统计执法证核发', 'A', 20, [ID, ['培训考试合格证明', '共享数据：考试成绩信息']]]],
  省财政厅: [['会计从业人员信息变更', 'A', 5, [ID, ['会计专业技术资格证书', '电子证照库：会计资格证书']]]],
};

const DISCLOSURE: Item = ['政府信息公开申请', 'A', 20, [ID, ['政府信息公开申请表', null]]];

export interface CatalogueSummary {
  departments: number;
  services: number;
}

/** Fills departments (given, e.g. from the seed file), queue categories and the service items of the catalogue. */
export async function seedDemoCatalogue(store: HallRepository, departments: DepartmentRecord[]): Promise<CatalogueSummary> {
  for (const c of DEMO_QUEUE_CATEGORIES) await store.upsertQueueCategory(c);
  let services = 0;
  for (const d of departments) {
    const items = ITEMS[d.name] ?? [DISCLOSURE];
    for (const [i, [name, category, limit, materials]] of items.entries()) {
      const mats: NewMaterial[] = materials.map(([n, from, commitment]) => ({ name: n, fetchedFrom: from, commitmentAllowed: commitment === true }));
      await store.upsertServiceItem({
        id: `D${String(d.sortOrder).padStart(2, '0')}-${String(i + 1).padStart(2, '0')}`,
        departmentId: d.id,
        name,
        category,
        timeLimitDays: limit,
        slotCapacity: category === 'C' || category === 'D' ? 2 : 3,
        stepLimits: null,
      }, mats);
      services++;
    }
  }
  return { departments: departments.length, services };
}

const holiday = (name: string, ...days: string[]): CalendarDayRecord[] => days.map((day) => ({ day, kind: 'holiday', name }));
const workday = (name: string, ...days: string[]): CalendarDayRecord[] => days.map((day) => ({ day, kind: 'workday', name: `${name}调休` }));

export const DEMO_HOLIDAYS: readonly CalendarDayRecord[] = [
  ...holiday('元旦', '2026-01-01', '2026-01-02', '2026-01-03'), ...workday('元旦', '2026-01-04'),
  ...holiday('春节', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'),
  ...workday('春节', '2026-02-14', '2026-02-28'),
  ...holiday('清明节', '2026-04-04', '2026-04-05', '2026-04-06'),
  ...holiday('劳动节', '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'), ...workday('劳动节', '2026-05-09'),
  ...holiday('端午节', '2026-06-19', '2026-06-20', '2026-06-21'),
  ...holiday('中秋节', '2026-09-25', '2026-09-26', '2026-09-27'),
  ...holiday('国庆节', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'),
  ...workday('国庆节', '2026-09-20', '2026-10-10'),
  ...holiday('元旦', '2027-01-01', '2027-01-02', '2027-01-03'),
];
