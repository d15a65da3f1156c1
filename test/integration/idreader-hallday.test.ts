// The reader's expiry check is judged on the hall's calendar day (China Standard Time, Asia/Shanghai), the same
// clock as the hall's sessions, whatever zone the PC is set to (hall-rules.md "One authentication": expiry). On a PC
// set to UTC the local date is a day behind from 00:00 to 08:00 China time. Real parts: IdReaderSim on a socat PTY,
// the whole bridge (startBridge), a socket.io /kiosk client; once with the hall clock injected at the edges, once in
// a child process whose TZ makes its local day differ from China's now.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CardHolderView, KioskSessionEvent } from '@onedoor/protocol';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { placeAndRead, startReaderRig, until, type ReaderRig } from './idreader-rig.ts';

const rigs: ReaderRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

/** A bridge whose hall clock stands at `iso`, with a card 'last-day' valid until `validUntil`. */
async function rigAt(iso: string, validUntil: string) {
  const r = await startReaderRig({
    link: 'pty',
    baud: 115200,
    timing: 'fast',
    hall: { clock: new HallClock(() => Date.parse(iso)) },
    beforeBridge: (sim) => {
      const base = sim.library.get('zhang-sanfeng')!;
      sim.library.set('last-day', { ...base, key: 'last-day', holder: { ...base.holder, validUntil } });
    },
  });
  rigs.push(r);
  const sessions: KioskSessionEvent[] = [];
  r.kiosk.on('session', (s) => sessions.push(s));
  await until(() => r.state() === 'online', 'reader online');
  return { r, sessions };
}

describe('card expiry on the hall clock (injected)', () => {
  it('2026-03-01T17:30Z is 01:30 on 2 March in China: a card valid until 2026-03-01 is expired, no session', async () => {
    const { r, sessions } = await rigAt('2026-03-01T17:30:00Z', '2026-03-01');
    const read = await placeAndRead(r, 'last-day');
    expect(read.holder).toMatchObject({ validUntil: '2026-03-01', expired: true, valid: false, invalid: { reason: 'expired' } });
    const polls = r.counters().polls;
    await until(() => r.counters().polls >= polls + 3, 'more polls');
    expect(sessions).toEqual([]);
  });

  it('2026-03-01T15:30Z is 23:30 on 1 March in China: the same card is still valid on its last day, and a session starts', async () => {
    const { r, sessions } = await rigAt('2026-03-01T15:30:00Z', '2026-03-01');
    const read = await placeAndRead(r, 'last-day');
    expect(read.holder).toMatchObject({ validUntil: '2026-03-01', expired: false, valid: true });
    await until(() => sessions.length === 1, 'session');
  });
});

const CHILD = fileURLToPath(new URL('./idreader-hallday-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const dayIn = (timeZone: string, ms: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * A zone whose local day differs from China's now (with an hour's margin either side): UTC while China is between
 * 01:00 and 07:00 (the finding), else UTC-12 (a day behind until 20:00 China time) or UTC+14 (a day ahead from 18:00).
 */
function zoneWithAnotherDay(now: number): { tz: string; behind: boolean } {
  const chinaHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(now));
  if (chinaHour >= 1 && chinaHour < 7) return { tz: 'UTC', behind: true };
  if (chinaHour < 19) return { tz: 'Etc/GMT+12', behind: true }; // POSIX sign: Etc/GMT+12 is UTC-12
  return { tz: 'Etc/GMT-14', behind: false };
}

function runChild(tz: string, validUntil: string): Promise<{ zone: string; localDay: string; view: CardHolderView }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, validUntil], {
      cwd: ROOT,
      env: { ...process.env, TZ: tz },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`child exited ${code}: ${out}`));
      else resolve(JSON.parse(line));
    });
  });
}

describe('card expiry with the default clock in a process whose TZ is not China', () => {
  it("the expiry verdict follows China's day, not the process's local day", async () => {
    const now = Date.now();
    const china = dayIn('Asia/Shanghai', now);
    const { tz, behind } = zoneWithAnotherDay(now);
    // Behind: a card whose last day was yesterday in China (still "today" locally) is expired.
    // Ahead: a card whose last day is today in China (already "yesterday" locally) is valid.
    const validUntil = behind ? addDays(china, -1) : china;
    const got = await runChild(tz, validUntil);
    expect(got.zone).toBe(tz);
    expect(got.localDay).toBe(behind ? addDays(china, -1) : addDays(china, 1)); // the zone really has another day
    expect(got.view).toMatchObject({ validUntil, expired: behind, valid: !behind });
  }, 90_000);
});
