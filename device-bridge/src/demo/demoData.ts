/**
 * Demo data for an empty hall database (run by `npm start` on an empty data dir): its citizens
 * match the simulator's card library, so placing any library card shows real-looking appointments,
 * applications and certificates.
 *
 * The card library (simulators/data/cards.json) is read as DATA from the path given: the bridge never imports
 * simulator code. Every holder the kiosk would accept today (protocol's validateHolder) gets:
 * - an appointment today in one of the hall's slots, open for check-in now when the hall is open (see
 *   `todaysSlotStart`), and one on an upcoming working day;
 * - applications: one finished on time, one in review on time, one yellow (2 working days left), one red (2
 *   working days overdue), and for every third holder one returned with a reason;
 * - certificates: one valid without expiry, one expiring within 30 days, one revoked.
 * Plus the catalogue (departments, queue categories, service items with materials, holidays), loaded from a
 * catalogue file by the same loader a hall uses (catalogue/loadCatalogue.ts; README "Loading the catalogue"), every
 * service's slots for the bookable working days and a few waiting walk-in tickets.
 */
import { readFileSync } from 'node:fs';
import { holderDisplayName, holderNumber, validateHolder, type Holder } from '@onedoor/protocol';
import { ApplicationService } from '../hall/applications.ts';
import { AppointmentService, type AppointmentRules } from '../hall/appointments.ts';
import { loadWorkingCalendar, type WorkingCalendar } from '../hall/calendar.ts';
import { issueCertificateRecord } from '../hall/certificates.ts';
import { citizenFromHolder, type Citizen } from '../hall/citizen.ts';
import { HallClock, addDays } from '../hall/clock.ts';
import { HallRuleError } from '../hall/errors.ts';
import { QueueService } from '../hall/queue.ts';
import { loadCatalogueFiles } from '../catalogue/loadCatalogue.ts';
import type { HallDay, HallStore, ServiceItemRecord } from '../store/hallStore.ts';

export interface DemoDataOptions {
  /** simulators/data/cards.json (or another card library of the same shape). */
  cardsFile: string;
  /** The demo catalogue: config/examples/catalogue/catalogue.json (the 43 departments of seed-data/departments.json). */
  catalogueFile: string;
}

export interface DemoSummary {
  /** true when the store already held data and nothing was added. */
  skipped: boolean;
  holders: number;
  services: number;
  appointments: number;
  applications: number;
  certificates: number;
}

interface CardFile {
  cards: Array<{ key: string; holder: Holder }>;
}

/** The library's holders that the kiosk accepts today. */
export function validLibraryHolders(cardsFile: string, today: HallDay): Holder[] {
  const lib = JSON.parse(readFileSync(cardsFile, 'utf8')) as CardFile;
  if (!lib || !Array.isArray(lib.cards)) throw new Error(`${cardsFile}: expected {"cards": [...]}`);
  return lib.cards.map((c) => c.holder).filter((h) => h && validateHolder(h, today).ok);
}

// Certificate kinds of the demo library: type code = 18-character credit code of the defining authority + 3-character
// sequence (hall-rules.md); issuer codes are fictitious 18-character codes of the right form.
const CERT_TYPES = {
  hukou: { typeName: '居民户口簿', typeCode: '11100000000013338W001', issuerName: '广州市公安局', issuerCode: '11440100007502512M' },
  marriage: { typeName: '结婚证', typeCode: '11100000000013338W002', issuerName: '广州市天河区民政局', issuerCode: '11440106007496551K' },
  property: { typeName: '不动产权证书', typeCode: '11100000000013338W003', issuerName: '广州市规划和自然资源局', issuerCode: '11440100MB2C92435L' },
  degree: { typeName: '学士学位证书', typeCode: '11100000000013338W004', issuerName: '中山大学', issuerCode: '12100000455354698B' },
  licence: { typeName: '机动车驾驶证', typeCode: '11100000000013338W005', issuerName: '广州市公安局交通警察支队', issuerCode: '11440100MB2D12057R' },
  health: { typeName: '食品从业人员健康证明', typeCode: '11100000000013338W006', issuerName: '广州市疾病预防控制中心', issuerCode: '12440100455859322D' },
  vehicle: { typeName: '机动车行驶证', typeCode: '11100000000013338W007', issuerName: '广州市公安局交通警察支队', issuerCode: '11440100MB2D12057R' },
};
const VALID_KINDS = [CERT_TYPES.hukou, CERT_TYPES.marriage, CERT_TYPES.property, CERT_TYPES.degree] as const;
const EXPIRING_KINDS = [CERT_TYPES.licence, CERT_TYPES.health] as const;

/** The working day `n` working days before `day`. */
function workingDaysBefore(cal: WorkingCalendar, day: HallDay, n: number): HallDay {
  let d = day;
  for (let left = n; left > 0;) {
    d = addDays(d, -1);
    if (cal.isWorkingDay(d)) left--;
  }
  return d;
}

/**
 * Today's appointment lies in one of the hall's own slots (opening hours, appointments.ts rules), never at a time the
 * hall is closed: the slot whose check-in window (-30/+15 min) is open now, else the next slot today (before opening,
 * over lunch), else the day's last slot (after closing: then it shows as missed, as it would in a real hall).
 */
export function todaysSlotStart(clock: HallClock, rules: Pick<AppointmentRules, 'slotStarts' | 'checkInBeforeMs' | 'checkInAfterMs'>): string {
  const now = clock.now();
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const nowMinutes = minutes(clock.timeOf(now)) + (now % 60_000) / 60_000;
  const starts = [...rules.slotStarts].sort((a, b) => minutes(a) - minutes(b));
  const open = starts.filter((s) => nowMinutes >= minutes(s) - rules.checkInBeforeMs / 60_000 && nowMinutes <= minutes(s) + rules.checkInAfterMs / 60_000);
  if (open.length > 0) return open[open.length - 1];
  return starts.find((s) => minutes(s) > nowMinutes) ?? starts[starts.length - 1];
}

export async function generateDemoData(store: HallStore, clock: HallClock, opts: DemoDataOptions): Promise<DemoSummary> {
  const summary: DemoSummary = { skipped: false, holders: 0, services: 0, appointments: 0, applications: 0, certificates: 0 };
  if ((await store.listQueueCategories()).length > 0 || (await store.listDepartments()).length > 0) {
    return { ...summary, skipped: true };
  }
  const today = clock.today();
  const holders = validLibraryHolders(opts.cardsFile, today);

  // Reference data in one transaction (the loader's): a failure leaves the store empty, so the next start tries again.
  const loaded = await loadCatalogueFiles(store, [opts.catalogueFile], { now: clock.now });
  summary.services = loaded.plan.apply.services.length;

  const services = await store.listServiceItems();
  const cal = await loadWorkingCalendar(store);
  const queue = new QueueService(store, clock);
  const appts = new AppointmentService(store, queue, clock);
  const apps = new ApplicationService(store, clock);
  const bookable = await appts.bookableDays();
  // The slots of the next working days, so the booking screens show a full week at once.
  await store.withTransaction(async (tx) => {
    for (const s of services) for (const day of bookable) await appts.openSlots(s.id, day, tx);
  });
  const longer = services.filter((s) => s.timeLimitDays >= 10);
  const pick = (list: ServiceItemRecord[], k: number) => list[k % list.length];

  for (const [i, holder] of holders.entries()) {
    const citizen = citizenFromHolder(holder);
    summary.holders++;
    summary.appointments += await demoAppointments(store, clock, appts, citizen, i, services, bookable);
    summary.applications += await demoApplications(apps, clock, cal, citizen, i, (k) => pick(longer, i * 5 + k));
    summary.certificates += await demoCertificates(store, clock, holder, i);
  }
  // The demo's history happened long ago: its result notices count as sent and read (the kiosk shows none of them).
  for (const n of await store.listNotices({ unreadOnly: true })) {
    await store.finishNoticeAttempt(n.id, { status: 'sent', at: n.createdAt });
    await store.markNoticesRead(n.holderNumber, [n.id], n.createdAt);
  }
  // A few people already waiting, so estimates are not all zero.
  for (const letter of ['A', 'A', 'A', 'A', 'B', 'B']) await queue.takeTicket(null, letter);
  return summary;
}

async function demoAppointments(store: HallStore, clock: HallClock, appts: AppointmentService, citizen: Citizen, i: number,
  services: ServiceItemRecord[], bookable: HallDay[]): Promise<number> {
  const today = clock.today();
  // Today, check-in open now: written directly (the booking rules refuse same-day bookings, as they should).
  const todayService = services[(i * 7) % services.length];
  const start = todaysSlotStart(clock, appts.rules);
  await store.ensureSlots([{ serviceId: todayService.id, day: today, start, minutes: 30, capacity: 50 }]);
  const slot = (await store.listSlots(todayService.id, today)).find((s) => s.start === start)!;
  await store.insertAppointment({ slotId: slot.id, holderNumber: citizen.number, createdAt: clock.now() - 2 * 86_400_000 });
  let n = 1;
  // Upcoming, through the booking rules.
  const laterService = services[(i * 7 + 3) % services.length];
  const starts = appts.rules.slotStarts;
  for (let attempt = 0; attempt < bookable.length && n < 2; attempt++) {
    try {
      await appts.bookAt(citizen, laterService.id, bookable[(i + attempt) % bookable.length], starts[(i * 2 + attempt) % starts.length]);
      n++;
    } catch (err) {
      if (!(err instanceof HallRuleError)) throw err;
    }
  }
  return n;
}

async function demoApplications(apps: ApplicationService, clock: HallClock, cal: WorkingCalendar, citizen: Citizen, i: number,
  service: (k: number) => ServiceItemRecord): Promise<number> {
  const today = clock.today();
  const at = (day: HallDay, minutes: number) => clock.at(day, '09:00') + minutes * 60_000;
  const after = (day: HallDay, n: number) => cal.addWorkingDays(day, n);
  let n = 0;

  // Finished on time.
  const done = service(0);
  const d0 = workingDaysBefore(cal, today, done.timeLimitDays + 3);
  const a = await apps.submit(citizen, done.id, { at: at(d0, 30 + i) });
  await apps.advance(a.serial, 'review', null, at(after(d0, 1), 60));
  await apps.advance(a.serial, 'decided', '准予许可', at(after(d0, 3), 90));
  await apps.advance(a.serial, 'done', '证照已制作，可自助打印或邮寄', at(after(d0, 4), 120));
  n++;

  // In review, on time (accepted yesterday).
  const onTime = service(1);
  const d1 = workingDaysBefore(cal, today, 1);
  const b = await apps.submit(citizen, onTime.id, { at: at(d1, 45 + i) });
  await apps.advance(b.serial, 'review', null, at(d1, 180));
  n++;

  // Yellow: 2 working days left.
  const yellow = service(2);
  const d2 = workingDaysBefore(cal, today, yellow.timeLimitDays - 2);
  const c = await apps.submit(citizen, yellow.id, { at: at(d2, 20 + i) });
  await apps.advance(c.serial, 'review', null, at(after(d2, 1), 30));
  n++;

  // Red: 2 working days overdue.
  const red = service(3);
  const d3 = workingDaysBefore(cal, today, red.timeLimitDays + 2);
  const d = await apps.submit(citizen, red.id, { at: at(d3, 15 + i) });
  await apps.advance(d.serial, 'review', null, at(after(d3, 1), 40));
  n++;

  if (i % 3 === 0) {
    const ret = service(4);
    const d4 = workingDaysBefore(cal, today, 6);
    const e = await apps.submit(citizen, ret.id, { at: at(d4, 50) });
    await apps.advance(e.serial, 'returned', '材料不齐全：请补正申请表签名后重新提交', at(after(d4, 2), 100));
    n++;
  }
  return n;
}

async function demoCertificates(store: HallStore, clock: HallClock, holder: Holder, i: number): Promise<number> {
  const today = clock.today();
  const base = { holderNumber: holderNumber(holder), holderName: holderDisplayName(holder) };
  await issueCertificateRecord(store, { ...VALID_KINDS[i % VALID_KINDS.length], ...base, issuedOn: addDays(today, -400 - i * 37), expiresOn: null });
  await issueCertificateRecord(store, { ...EXPIRING_KINDS[i % EXPIRING_KINDS.length], ...base, issuedOn: addDays(today, -(6 * 365 - 20)),
    expiresOn: addDays(today, 20) });
  const revoked = await issueCertificateRecord(store, { ...CERT_TYPES.vehicle, ...base, issuedOn: addDays(today, -900), expiresOn: addDays(today, 900) });
  await store.revokeCertificate(revoked.identifier, clock.now() - 30 * 86_400_000, '已换发新证，原证照注销');
  return 3;
}

/** The filler the bridge's hall composition calls on an empty store (`KioskHallOptions.demo`). */
export function demoHallFiller(opts: DemoDataOptions): (store: HallStore, clock: HallClock) => Promise<void> {
  return async (store, clock) => {
    await generateDemoData(store, clock, opts);
  };
}
