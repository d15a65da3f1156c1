/**
 * What the citizen hears and the kiosk's rough edges, in real Chromium against the real bridge with the reader and
 * printer simulators on PTYs (the rig of kiosk-flows.test.ts).
 *
 * Voice: the page's speechSynthesis is replaced by a stand-in (page.addInitScript) that behaves like an engine: it
 * reads one utterance at a time, each takes a moment, and cancel() drops the one being read and those queued. What
 * it finished reading is what a citizen heard.
 *
 * Screenshots of every screen touched here go to test/artifacts/screens/kiosk-ux-* (not committed).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtUi } from '../support/builtUi.ts';
import { orphanLines, smallestText } from './kioskGrid.ts';
import { type Browser, type Page } from 'playwright-core';
import { SEEDED_CARD, SERVICE_A, startKioskRig, until, type KioskRig } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { libraryHolder } from '../../device-bridge/test/hall/fixture.ts';
import { ApplicationService } from '../../device-bridge/src/hall/applications.ts';
import { launchChromium } from '../support/chromium.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screensDir = path.join(repoRoot, 'test/artifacts/screens');
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const WAIT = { timeout: 60_000 };

const zhang = libraryHolder(SEEDED_CARD) as { idNumber: string; name: string; birthDate: string };
const MASKED = `${zhang.idNumber.slice(0, 4)}${'*'.repeat(zhang.idNumber.length - 8)}${zhang.idNumber.slice(-4)}`;
const FIX_NOTE = '申请表缺少申请人签名，请签名后重新提交';

let distDir: string;
let rig: KioskRig;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  distDir = await builtUi();
  // The page is the kiosk's screen (the rig only records what the bridge sends it, api/kioskScreen.ts).
  rig = await startKioskRig({ uiDir: distDir, screen: false });
  // An application of zhang-sanfeng returned for correction, with what to fix.
  const apps = new ApplicationService(rig.bridge.hall.store!, rig.bridge.hall.clock);
  const a = await apps.submit({ number: zhang.idNumber, name: zhang.name, birthDate: zhang.birthDate }, SERVICE_A);
  await apps.advance(a.serial, 'returned', FIX_NOTE);
  mkdirSync(screensDir, { recursive: true });
  browser = await launchChromium();
}, 400_000);

afterEach(async () => {
  while (pages.length > 0) await pages.pop()!.close();
  rig.reader.removeCard();
});

afterAll(async () => {
  await browser?.close();
  await rig?.close();
}, 120_000);

/** Runs in the page before its scripts: a speech engine that reads one utterance at a time and can be cancelled. */
function speechStandIn(): void {
  const log = { spoken: [] as string[], heard: [] as string[], cancels: 0 };
  (window as unknown as { __speech: typeof log }).__speech = log;
  type U = { text: string; voice: unknown; lang: string; rate: number };
  const queue: U[] = [];
  let current: U | null = null;
  const next = () => {
    if (current || queue.length === 0) return;
    const u = queue.shift()!;
    current = u;
    setTimeout(() => {
      if (current !== u) return; // cancelled while being read: not heard
      log.heard.push(u.text);
      current = null;
      next();
    }, 300);
  };
  (window as unknown as { SpeechSynthesisUtterance: unknown }).SpeechSynthesisUtterance = class {
    voice: unknown = null;
    lang = '';
    rate = 1;
    constructor(public text: string) {}
  };
  const voices = [{ lang: 'zh-CN', name: 'stand-in zh', default: true, localService: true, voiceURI: 'zh' },
    { lang: 'en-GB', name: 'stand-in en', default: false, localService: true, voiceURI: 'en' }];
  const synth = window.speechSynthesis;
  synth.getVoices = () => voices as unknown as SpeechSynthesisVoice[];
  synth.speak = (u: SpeechSynthesisUtterance) => {
    log.spoken.push(u.text);
    queue.push(u as unknown as U);
    next();
  };
  synth.cancel = () => {
    log.cancels++;
    queue.length = 0;
    current = null;
  };
}

type SpeechLog = { spoken: string[]; heard: string[]; cancels: number };
const speech = (page: Page) => page.evaluate(() => (window as unknown as { __speech: SpeechLog }).__speech);
async function heardSoon(page: Page, what: string | RegExp, from = 0): Promise<string[]> {
  const end = Date.now() + 60_000;
  for (;;) {
    const { heard } = await speech(page);
    if (heard.slice(from).some((s) => (typeof what === 'string' ? s === what : what.test(s)))) return heard;
    if (Date.now() > end) throw new Error(`never heard ${String(what)}; heard: ${JSON.stringify(heard)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openKiosk(query = '', opts: { timezoneId?: string } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1, ...opts });
  pages.push(page);
  await page.addInitScript(speechStandIn);
  await page.goto(`${rig.bridge.url}/${query}`);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor(WAIT);
  return page;
}

/** Screenshots in both orientations; on each, no line holds a single wrapped character (and, elderly, no text < 30 px). */
async function check(page: Page, name: string): Promise<void> {
  for (const [orientation, size] of [['portrait', PORTRAIT], ['landscape', LANDSCAPE]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(screensDir, `kiosk-ux-${name}-${orientation}.png`) });
    expect(await orphanLines(page), `${name} ${orientation}`).toEqual([]);
    if ((await page.getByTestId('kiosk').getAttribute('data-elderly').catch(() => null)) === '1') {
      const small = await smallestText(page);
      expect(small.px, `${name} ${orientation}: "${small.text}"`).toBeGreaterThanOrEqual(30);
    }
  }
  await page.setViewportSize(PORTRAIT);
}

async function signIn(page: Page, key = SEEDED_CARD, opts: { keepCard?: boolean } = {}): Promise<void> {
  const sessions = rig.sessions.length;
  rig.reader.placeCard(key);
  await page.locator('[data-screen="greeting"]').waitFor(WAIT);
  await until('bridge session', () => rig.sessions.length > sessions);
  if (!opts.keepCard) rig.reader.removeCard();
  await page.getByTestId('greeting-start').click();
  await page.locator('[data-screen="home"]').waitFor(WAIT);
}

async function open(page: Page, feature: string): Promise<void> {
  await page.getByTestId(`tile-${feature}`).click();
  await page.locator(`[data-feature="${feature}"]`).waitFor(WAIT);
}

const noRepeats = (sentences: string[]) => sentences.filter((s, i) => sentences.indexOf(s) !== i);

describe('voice: what the citizen hears', () => {
  it('the attract prompt is heard on load and after logout; the number and category, the print and take-your-card, each once', async () => {
    const page = await openKiosk();
    await heardSoon(page, '请将身份证放在读卡区');

    rig.reader.placeCard(SEEDED_CARD); // left on the reader
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    const start = (await speech(page)).spoken.length;
    await heardSoon(page, '您好，身份已确认，请选择要办理的业务');
    await page.getByTestId('greeting-start').click();
    await open(page, 'ticket');
    await page.getByTestId('category-B').click();
    const number = await page.getByTestId('ticket-number').innerText(WAIT);
    await page.locator('[data-print="done"]').waitFor(WAIT);
    let heard = await heardSoon(page, '已打印，请取走凭条。请取走您的身份证');
    const ticketSentence = new RegExp(`^您的号码是${number}，社保医保，前面等候\\d+人$`);
    expect(heard.findIndex((s) => ticketSentence.test(s))).toBeGreaterThan(-1);
    expect(heard.findIndex((s) => ticketSentence.test(s))).toBeLessThan(heard.indexOf('已打印，请取走凭条。请取走您的身份证'));
    // The same reminder is on screen (every prompt is also shown).
    await expect(page.getByTestId('take-card-hint').innerText()).resolves.toContain('请取走您的身份证');
    await check(page, 'ticket-take-card');

    // Logout with the card still there: silence, then the reminder, then the attract prompt for the next citizen.
    const beforeLogout = (await speech(page)).heard.length;
    await page.getByTestId('nav-logout').click();
    await page.locator('[data-screen="attract"]').waitFor(WAIT);
    await expect(page.getByTestId('take-card').innerText()).resolves.toContain('请取走您的身份证');
    heard = await heardSoon(page, '请将身份证放在读卡区', beforeLogout);
    expect(heard.slice(beforeLogout)).toEqual(['请取走您的身份证', '请将身份证放在读卡区']);
    await check(page, 'attract-take-card');
    const { spoken } = await speech(page);
    expect(noRepeats(spoken.slice(start))).toEqual([]);
    // The card taken: the reader reports it, the reminder goes.
    rig.reader.removeCard();
    await page.getByTestId('take-card').waitFor({ state: 'detached', timeout: 60_000 });
  }, 300_000);

  it('check-in says the number; booking says the window; paper out and the reprint are spoken; nothing twice', async () => {
    const page = await openKiosk();
    await heardSoon(page, '请将身份证放在读卡区');
    await signIn(page);
    const said = (await speech(page)).spoken.length;
    const start = (await speech(page)).heard.length;
    await open(page, 'appointments');
    await page.getByTestId('check-in').first().click();
    const number = await page.getByTestId('checkin-result').getByTestId('ticket-number').innerText(WAIT);
    await heardSoon(page, new RegExp(`^签到成功，您的号码是${number}，综合受理，前面等候\\d+人$`), start);
    await page.locator('[data-testid="checkin-result"] [data-print="done"]').waitFor(WAIT);
    // The card was taken after the greeting: the print is heard without the card reminder, after the number.
    const heard = await heardSoon(page, '已打印，请取走凭条', start);
    expect(heard.slice(start).findIndex((s) => s.startsWith('签到成功'))).toBeLessThan(heard.slice(start).indexOf('已打印，请取走凭条'));
    await check(page, 'checked-in');
    const box = (sel: string) => page.locator(sel).first().boundingBox();
    await page.setViewportSize(LANDSCAPE);
    const [card, status] = [await box('[data-testid="checkin-result"] .ticket-card'), await box('[data-testid="checkin-result"] .print-status')];
    // The number's box and the print status box line up (same left edge, same width).
    expect(Math.abs(card!.x - status!.x)).toBeLessThan(1);
    expect(Math.abs(card!.width - status!.width)).toBeLessThan(1);
    await page.setViewportSize(PORTRAIT);

    await page.getByTestId('nav-back').click();
    await page.locator('[data-screen="home"]').waitFor(WAIT);
    await open(page, 'appointments');
    await page.getByTestId('book').click();
    await page.locator('[data-testid^="department-"]').first().click();
    await page.locator('[data-testid^="service-"]').first().click();
    const day = (await page.locator('[data-testid^="day-"]').first().getAttribute('data-testid'))!.slice(4);
    await page.locator('[data-testid^="day-"]').first().click();
    await page.getByTestId('slot-09:00').click();
    await page.getByTestId('booked').waitFor(WAIT);
    await heardSoon(page, `预约成功，测试事项甲，${day} 09:00至09:30`, start);

    await page.getByTestId('nav-home').click();
    await open(page, 'ticket');
    await rig.printer.act('paper-length', { mm: 15 });
    await page.getByTestId('category-C').click();
    await page.locator('[data-print="held"]').waitFor(WAIT);
    await heardSoon(page, '打印机缺纸。请记下屏幕上的信息；打印机恢复后将自动补打，您也可以联系工作人员', start);
    await check(page, 'ticket-paper-out');
    await rig.printer.act('paper-length', { mm: 'infinite' });
    await rig.printer.act('paper', { state: 'ok' });
    await page.locator('[data-print="reprinted"]').waitFor(WAIT);
    await heardSoon(page, '已补打，请取走凭条', start);
    // Screens visited twice (home, appointments) are announced again on each visit; every event only once, and
    // never the same sentence twice in a row.
    const spoken = (await speech(page)).spoken.slice(said);
    const events = spoken.filter((s) => /^(签到成功|预约成功|您的号码|已打印|打印机缺纸|已补打)/.test(s));
    expect(events.length).toBe(6);
    expect(noRepeats(events)).toEqual([]);
    expect(spoken.filter((s, i) => i > 0 && spoken[i - 1] === s)).toEqual([]);
    await page.getByTestId('nav-logout').click();
    await page.locator('[data-screen="attract"]').waitFor(WAIT);
  }, 300_000);
});

describe('card removal', () => {
  it('taken away after a finished task: a short countdown says so, then the session ends; taken away mid-task: the session stays', async () => {
    const page = await openKiosk('?voice=0');
    await signIn(page); // the card is taken right after the greeting, before any task
    await open(page, 'ticket');
    await page.getByTestId('category-A').waitFor(WAIT);
    await until('reader reported the removal', () => rig.bridge.devices.get('reader')!.status().counters.cardsRemoved >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    await expect(page.getByTestId('countdown').count()).resolves.toBe(0);
    await expect(page.locator('[data-feature="ticket"]').count()).resolves.toBe(1);
    await page.getByTestId('nav-logout').click();
    await page.locator('[data-screen="attract"]').waitFor(WAIT);

    await signIn(page, SEEDED_CARD, { keepCard: true });
    await open(page, 'ticket');
    await page.getByTestId('category-A').click();
    await page.locator('[data-print="done"]').waitFor(WAIT);
    const token = rig.sessions[rig.sessions.length - 1].token;
    rig.reader.removeCard();
    const countdown = page.locator('[data-testid="countdown"][data-reason="cardGone"]');
    await countdown.waitFor(WAIT);
    expect(Number(await page.getByTestId('countdown-seconds').innerText())).toBeLessThanOrEqual(10);
    await expect(countdown.innerText()).resolves.toContain('您已取走证件');
    await check(page, 'card-gone-countdown');
    await page.locator('[data-screen="attract"]').waitFor({ timeout: 30_000 });
    const text = await page.locator('body').innerText();
    expect(text).not.toContain(zhang.name);
    expect(text).not.toContain(MASKED);
    await until('bridge session ended', () => rig.ended.find((e) => e.token === token), 30_000);
  }, 300_000);
});

describe('defects seen', () => {
  it('a returned application says what to fix and that it can be resubmitted (not 已办结); English shows no full-width colon', async () => {
    const page = await openKiosk('?voice=0');
    await signIn(page);
    await open(page, 'progress');
    const returned = page.getByTestId('app-returned');
    await returned.waitFor(WAIT);
    const words = await returned.innerText();
    expect(words).toContain('已退回');
    expect(words).toContain(FIX_NOTE);
    expect(words).toContain('重新提交');
    const item = page.locator('[data-testid="application"]').filter({ has: returned });
    expect(await item.innerText()).not.toContain('已办结');
    await check(page, 'progress-returned');
    // A progress slip's print status lines up with the application's text.
    await page.getByTestId('print-progress').first().click();
    await page.locator('[data-testid="application"] [data-print="done"]').first().waitFor(WAIT);
    await page.setViewportSize(LANDSCAPE);
    const first = page.getByTestId('application').first();
    const [title, status] = [await first.locator('p').first().boundingBox(), await first.locator('.print-status').boundingBox()];
    expect(Math.abs(title!.x - status!.x)).toBeLessThan(1);
    await page.setViewportSize(PORTRAIT);
    await check(page, 'progress-printed');

    await page.getByTestId('lang-switch').click();
    await page.locator('[data-feature="progress"] h1').filter({ hasText: 'Progress' }).waitFor(WAIT);
    const en = await page.locator('main').innerText();
    expect(en).not.toMatch(/[A-Za-z]\s*：/);
    expect(en).toContain('What to fix: ');
    await check(page, 'progress-returned-en');
  }, 300_000);

  it('English mode: catalogue names in English where the catalogue gives one, the Chinese name marked where not', async () => {
    const page = await openKiosk('?voice=0&lang=en');
    await signIn(page);
    await open(page, 'ticket');
    await expect(page.getByTestId('category-B').innerText(WAIT)).resolves.toContain('Social and medical insurance');
    await check(page, 'ticket-categories-en');
    await page.getByTestId('nav-home').click();
    await open(page, 'guidance');
    await page.locator('[data-testid^="department-"]').first().waitFor(WAIT);
    await expect(page.locator('[data-testid^="department-"]').first().innerText()).resolves.toContain('Development and Reform Commission');
    await page.locator('[data-testid^="department-"]').first().click();
    await page.locator('[data-testid^="service-"]').first().click();
    const guide = page.getByTestId('service-guide');
    await guide.waitFor(WAIT);
    const text = await guide.innerText();
    expect(text).toContain('Resident ID card');
    expect(text).toContain('E-certificate library: Resident ID card');
    // 测试事项甲 has no English name: shown in Chinese, and said to be.
    expect(text).toContain('测试事项甲 (in Chinese)');
    await check(page, 'guidance-en');
  }, 300_000);

  it('elderly mode: no text under 30 px and no orphan character on any screen of a session', async () => {
    const page = await openKiosk('?voice=0&elderly=1&idleMs=60000&warnMs=50000');
    await check(page, 'elderly-attract');
    rig.reader.placeCard(SEEDED_CARD);
    await page.locator('[data-screen="greeting"]').waitFor(WAIT);
    rig.reader.removeCard();
    await check(page, 'elderly-greeting');
    await page.getByTestId('greeting-start').click();
    await page.locator('[data-screen="home"]').waitFor(WAIT);
    await check(page, 'elderly-home');
    await open(page, 'ticket');
    await page.getByTestId('category-A').waitFor(WAIT);
    await check(page, 'elderly-ticket-categories');
    await page.getByTestId('category-A').click();
    await page.locator('[data-print="done"]').waitFor(WAIT);
    await check(page, 'elderly-ticket');
    await page.getByTestId('nav-home').click();
    await open(page, 'guidance');
    await page.locator('[data-testid^="department-"]').first().click();
    await page.locator('[data-testid^="service-"]').first().click();
    await page.getByTestId('service-guide').waitFor(WAIT);
    await check(page, 'elderly-guidance');
    await page.getByTestId('nav-home').click();
    await open(page, 'progress');
    await page.getByTestId('application').first().waitFor(WAIT);
    await check(page, 'elderly-progress');
    // The countdown (warnMs 50 s of 60: it shows after 10 s without a touch): full-width question mark, no orphan.
    await page.getByTestId('countdown').waitFor(WAIT);
    await expect(page.getByTestId('countdown').innerText()).resolves.toContain('需要更多时间吗？');
    await check(page, 'elderly-countdown');
    await page.getByTestId('nav-logout').click();
  }, 300_000);

  it('certificate printed: no raw path, the validity date once; /verify shows what the paper must say, random text is "not a code"', async () => {
    const page = await openKiosk('?voice=0');
    await signIn(page);
    await open(page, 'certificates');
    await page.getByTestId('certificate').first().click();
    await page.getByTestId('print-copy').click();
    await page.locator('[data-testid="copy"] [data-print="done"]').waitFor(WAIT);
    const copy = await page.getByTestId('certificate-preview').innerText();
    expect(copy).not.toContain('/verify');
    const date = /有效期至(\d{4})年(\d{2})月(\d{2})日/.exec(await page.getByTestId('statement').innerText())!;
    expect(copy.split(`${date[1]}-${date[2]}-${date[3]}`).length - 1).toBe(0);
    expect(copy.split(date[0]).length - 1).toBe(1);
    await check(page, 'certificate-printed');

    const identifier = (await page.getByTestId('certificate-preview').getAttribute('data-identifier'))!;
    const paper = rig.printer.tickets.find((p) => p.text.replace(/\n/g, '').includes(identifier))!;
    const qr = /\[QR M4:([^\]]+)\]/.exec(paper.text)![1];
    const verify = await browser.newPage({ viewport: { width: 430, height: 932 } });
    pages.push(verify);
    await verify.goto(qr);
    await verify.locator('[data-testid="verdict"][data-status="valid"]').waitFor(WAIT);
    await expect(verify.getByTestId('verify-type').innerText()).resolves.toBe('结婚证');
    const details = await verify.getByTestId('verify-details').innerText();
    expect(details).toContain('广州市天河区民政局');
    expect(details).toContain(MASKED);
    expect(details).toContain(`${[...zhang.name][0]}*`);
    expect(details).not.toContain(zhang.name);
    expect(await verify.locator('body').innerText()).not.toContain(zhang.idNumber);
    await verify.screenshot({ path: path.join(screensDir, 'kiosk-ux-verify-details.png'), fullPage: true });
    await verify.getByTestId('verify-input').fill('https://example.com/lunch-menu');
    await verify.getByTestId('verify-submit').click();
    await verify.locator('[data-testid="verdict"][data-status="notACode"]').waitFor(WAIT);
    const words = await verify.getByTestId('verdict').innerText();
    expect(words).toContain('不是证照复印件的核验码');
    expect(words).not.toContain('核验失败');
    await verify.screenshot({ path: path.join(screensDir, 'kiosk-ux-verify-not-a-code.png'), fullPage: true });
  }, 300_000);

  it('the expired card screen says it once; the reader-fault screen shows no card going onto the reader', async () => {
    const page = await openKiosk('?voice=0');
    rig.reader.placeCard('li-xiaoming');
    await page.locator('[data-screen="cardError"]').waitFor(WAIT);
    const text = await page.locator('[data-screen="cardError"]').innerText();
    expect(text.split('有效证件').length - 1).toBe(1);
    expect(text).not.toContain('无法读取');
    await check(page, 'expired-card');
    await page.getByRole('button', { name: '好的' }).click();
    rig.reader.removeCard();

    await rig.reader.act('sam', { state: 'selfTestFailed' });
    try {
      await page.locator('[data-testid="card-illustration"][data-stopped="1"]').waitFor(WAIT);
      await expect(page.getByTestId('attract-prompt').innerText()).resolves.toContain('读卡器暂时无法使用');
      await expect(page.getByTestId('card-illustration').textContent()).resolves.not.toContain('读卡区');
      expect(await page.locator('main').innerText()).not.toContain('请将身份证放在读卡区');
      await check(page, 'reader-fault');
    } finally {
      await rig.reader.act('sam', { state: 'ok' });
    }
    await page.locator('[data-testid="card-illustration"][data-stopped="0"]').waitFor(WAIT);
  }, 300_000);

  it('/favicon.ico is served; /display shows the hall\'s time, not the browser\'s time zone', async () => {
    const icon = await fetch(`${rig.bridge.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(Buffer.from(await icon.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const display = await browser.newPage({ viewport: LANDSCAPE, timezoneId: 'America/New_York' });
    pages.push(display);
    await display.goto(`${rig.bridge.url}/display`);
    const clock = display.getByTestId('display-clock');
    await clock.waitFor(WAIT);
    const hall = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
    const before = hall(Date.now());
    const shown = await clock.innerText();
    expect([before, hall(Date.now())]).toContain(shown);
    await display.screenshot({ path: path.join(screensDir, 'kiosk-ux-display-new-york-browser.png') });
  }, 120_000);

  it('the hall\'s configured name (site.hallName) is shown on the kiosk\'s attract screen and on /display', async () => {
    const site = (await (await fetch(`${rig.bridge.url}/api/site`)).json()) as { hallName: string };
    expect(site.hallName.length).toBeGreaterThan(0);
    const page = await openKiosk();
    await expect.poll(() => page.getByTestId('hall-name').innerText(), { timeout: 10_000 }).toBe(site.hallName);
    const display = await browser.newPage({ viewport: LANDSCAPE });
    pages.push(display);
    await display.goto(`${rig.bridge.url}/display`);
    await expect.poll(() => display.getByTestId('display-hall').innerText(), { timeout: 10_000 }).toContain(site.hallName);
    await page.screenshot({ path: path.join(screensDir, 'kiosk-ux-attract-hall-name.png') });
  }, 120_000);
});
