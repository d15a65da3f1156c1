// The ID reader driver end to end: IdReaderSim behind a real PTY (socat + serialport), the whole bridge
// (startBridge, built-in reader driver) and a socket.io /kiosk client. Behaviour only, no timed assertions.
import { afterEach, describe, expect, it } from 'vitest';
import { holderNumber, maskIdNumber, type Completion, type Holder } from '@onedoor/protocol';
import { createLogger } from '../../device-bridge/src/log.ts';
import { placeAndRead, startReaderRig, until, type ReaderRig } from './idreader-rig.ts';

const rigs: ReaderRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(opts: Partial<Parameters<typeof startReaderRig>[0]> = {}): Promise<ReaderRig> {
  const r = await startReaderRig({ link: 'pty', baud: 115200, ...opts });
  rigs.push(r);
  return r;
}

async function online(r: ReaderRig): Promise<void> {
  await until(() => r.state() === 'online', 'reader online');
}

/** Polls finished so far; waiting for a few more proves the driver kept polling (and did not read again). */
async function morePolls(r: ReaderRig, n = 3): Promise<void> {
  const start = r.counters().polls;
  await until(() => r.counters().polls >= start + n, `${n} more find polls`);
}

function holderOf(r: ReaderRig, key: string): Holder {
  return r.sim.library.get(key)!.holder;
}

describe('ID reader driver over a PTY (115200, typical SAM timing)', () => {
  it('start-up: SAM status, SAM ID in the status, max RF bytes set; online', async () => {
    const r = await rig();
    await online(r);
    const s = r.driver.status();
    const samId = (r.sim.snapshot().samId as { display: string }).display;
    expect(s.media).toBe(`SAM ${samId}`);
    expect(s.detail).toContain(samId);
    expect(r.sim.snapshot().maxRfBytes).toBe(0x50);
  });

  it('reads each card type once per placement with masked fields on /kiosk (resident, J, I, Y)', async () => {
    const r = await rig();
    await online(r);
    for (const [key, cardType] of [
      ['zhang-sanfeng', 'resident'],
      ['lin-zhiwei', 'hkMacauTaiwanPermit'],
      ['smith-john', 'foreignPermanentOld'],
      ['williamson', 'foreignPermanent2023'],
    ] as const) {
      const holder = holderOf(r, key);
      const ev = await placeAndRead(r, key);
      const full = holderNumber(holder);
      expect(ev.deviceId).toBe('reader');
      expect(ev.holder).toMatchObject({ cardType, idNumberMasked: maskIdNumber(full), validUntil: holder.validUntil, expired: false, valid: true });
      expect(ev.holder.name).toBe(holder.cardType === 'foreignPermanentOld' ? holder.chineseName || holder.englishName : 'name' in holder ? holder.name : holder.chineseName);
      // Privacy: nothing in the payload carries the full number, the photo or the address.
      const json = JSON.stringify(ev);
      expect(json).not.toContain(full);
      expect(json).not.toMatch(/photo|address|birth/i);
      // The card stays: find answers 80, and that is not a new placement (spec "Timing and polling").
      const reads = r.reads.length;
      await morePolls(r);
      expect(r.reads.length).toBe(reads);
      r.sim.removeCard();
    }
    expect(r.reads.map((e) => e.holder.cardType)).toEqual(['resident', 'hkMacauTaiwanPermit', 'foreignPermanentOld', 'foreignPermanent2023']);
    expect(r.counters()).toMatchObject({ cardsRead: 4, cardErrors: 0 });
  });

  it('the same card placed again is read again; invalid and expired cards carry valid:false with a reason', async () => {
    const r = await rig({ timing: 'fast' });
    await online(r);
    await placeAndRead(r, 'zhang-sanfeng');
    r.sim.removeCard();
    await morePolls(r, 1);
    expect((await placeAndRead(r, 'zhang-sanfeng')).holder.valid).toBe(true);
    r.sim.removeCard();

    const bad = await placeAndRead(r, 'huang-lijuan');
    expect(bad.holder).toMatchObject({ valid: false, invalid: { reason: 'checkChar' } });
    expect(bad.holder.invalid!.zh).toMatch(/校验/);
    r.sim.removeCard();
    const mismatch = await placeAndRead(r, 'zhang-wei');
    expect(mismatch.holder).toMatchObject({ valid: false, invalid: { reason: 'birthMismatch' } });
    r.sim.removeCard();
    const expired = await placeAndRead(r, 'li-xiaoming');
    expect(expired.holder).toMatchObject({ valid: false, expired: true, invalid: { reason: 'expired' } });
    r.sim.removeCard();
    const longTerm = await placeAndRead(r, 'ayiguli');
    expect(longTerm.holder).toMatchObject({ valid: true, expired: false, validUntil: '长期' });
    expect(r.counters().invalidCards).toBe(3);
  });

  it('logs a read with the masked number only: no full number, name, address or photo bytes in any log line', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
    const r = await rig({ timing: 'fast', log });
    await online(r);
    const holder = holderOf(r, 'ouyang-zhiqiang');
    await placeAndRead(r, 'ouyang-zhiqiang');
    const all = lines.join('');
    expect(all).toContain(maskIdNumber(holderNumber(holder)));
    expect(all).not.toContain(holderNumber(holder));
    expect(all).not.toContain(holder.cardType === 'resident' ? holder.name : '?');
    expect(all).not.toContain(holder.cardType === 'resident' ? holder.address.slice(0, 6) : '?');
    expect(all).not.toMatch(/photo/i);
  });

  it('garbage bytes and a corrupted frame are counted in the device counters, and the read still succeeds', async () => {
    const r = await rig({ timing: 'fast' });
    await online(r);
    const before = r.counters();
    r.sim.injectFault('checksum', 1); // the next find reply carries a wrong CHK: dropped, the find times out
    await until(() => r.counters().checksumErrors > before.checksumErrors, 'checksum error counted');
    await until(() => r.counters().timeouts > before.timeouts, 'the find timed out');
    r.sim.injectFault('garbage', 3); // stray bytes before find, select and read replies
    const ev = await placeAndRead(r, 'wei-xiulan');
    expect(ev.holder.idNumberMasked).toBe(maskIdNumber(holderNumber(holderOf(r, 'wei-xiulan'))));
    const c = r.counters();
    expect(c.discardedBytes - before.discardedBytes).toBeGreaterThanOrEqual(3 * 7);
    expect(r.state()).toBe('online');
    expect(r.errors).toEqual([]);
  });

  it('no answer: the timeout is counted and the next poll recovers; 3 silent polls -> offline -> reconnect -> online', async () => {
    const r = await rig({ timing: 'fast' });
    await online(r);
    const t0 = r.counters().timeouts;
    r.sim.injectFault('no-answer', 1);
    await until(() => r.counters().timeouts > t0, 'timeout counted');
    expect(r.state()).toBe('online');
    await placeAndRead(r, 'liang-junjie');
    r.sim.removeCard();

    const reconnects = r.counters().reconnects;
    r.sim.injectFault('no-answer', 3);
    await until(() => r.state() === 'offline', 'offline after 3 silent polls');
    expect(r.driver.status().lastError?.code).toBe('watchdog');
    await online(r);
    expect(r.counters().reconnects).toBeGreaterThan(reconnects);
    expect((await placeAndRead(r, 'ouyang-zhiqiang')).holder.cardType).toBe('resident');
    expect(r.statuses.map((s) => s.state)).toContain('offline');
  });

  it('read error 41 -> one cardError asking to place again, no retry on the card; remove + place -> read ok', async () => {
    const r = await rig({ timing: 'fast' });
    await online(r);
    await r.sim.act('fail-read', { sw3: '41' });
    r.sim.placeCard('wang-guifen');
    await until(() => r.errors.length === 1, 'cardError');
    expect(r.errors[0]).toMatchObject({ deviceId: 'reader', code: 'placeAgain' });
    expect(r.errors[0].message).toMatch(/重新放置/);
    expect(r.errors[0].message).toMatch(/0x41/);
    // The device status tells the kiosk too (contract: userError = "card to be placed again").
    expect(r.state()).toBe('userError');
    await morePolls(r);
    expect(r.errors.length).toBe(1);
    expect(r.state()).toBe('userError');
    expect(r.reads).toEqual([]);
    expect(r.sim.snapshot().counters).toMatchObject({ reads: 0 });
    r.sim.removeCard();
    expect((await placeAndRead(r, 'wang-guifen')).holder.valid).toBe(true);
    expect(r.state()).toBe('online');
  });

  it('an unknown read status is reported with its hex value; the place-again state ends by itself after placeAgainMs', async () => {
    const r = await rig({ timing: 'fast', options: { placeAgainMs: 1000 } });
    await online(r);
    await r.sim.act('fail-read', { sw3: 'E7' });
    r.sim.placeCard('liu-shuzhen');
    await until(() => r.errors.length === 1, 'cardError');
    expect(r.errors[0].code).toBe('placeAgain');
    expect(r.errors[0].message).toContain('0xE7');
    expect(r.driver.status().lastError?.message).toContain('0xE7');
    expect(r.state()).toBe('userError');
    // Nobody placed the card again (the citizen walked away): the notice must not wait for the next citizen.
    await until(() => r.state() === 'online', 'online again without a card');
    expect(r.reads).toEqual([]);
  });

  it('SAM self-test failure at start-up -> hardwareError with the spec words; back online when the SAM recovers', async () => {
    const r = await rig({ timing: 'fast', beforeBridge: (sim) => void sim.act('sam', { state: 'selfTestFailed' }) });
    await until(() => r.state() === 'hardwareError', 'hardwareError');
    expect(r.driver.status().detail).toMatch(/self-test failed/);
    expect(r.driver.status().detail).toContain('0x60');
    await r.sim.act('sam', { state: 'ok' });
    await online(r);
    expect((await placeAndRead(r, 'zhang-sanfeng')).holder.cardType).toBe('resident');
  });

  it('SAM not authorised -> hardwareError naming it, with the SAM ID still identified; a fault while polling too', async () => {
    const r = await rig({ timing: 'fast', beforeBridge: (sim) => void sim.act('sam', { state: 'notAuthorised' }) });
    await until(() => r.state() === 'hardwareError', 'hardwareError');
    expect(r.driver.status().detail).toMatch(/not authorised/);
    expect(r.driver.status().media).toMatch(/^SAM \d{4}-/);
    await r.sim.act('sam', { state: 'ok' });
    await online(r);
    await r.sim.act('sam', { state: 'selfTestFailed' });
    await until(() => r.state() === 'hardwareError', 'hardwareError while polling');
    expect(r.driver.status().lastError?.message).toMatch(/self-test failed/);
  });

  it('unplug -> offline, replug -> online, and no stale reply is taken: the first read after replug is the new card', async () => {
    // A slow read: the reply to the read sent before the unplug is still being prepared when the port comes back,
    // so it reaches the reopened port (or the flush) while the driver runs its start-up commands.
    const r = await rig({ timing: { read: 1500 } });
    await online(r);
    const readSent = r.sim.expectCommand('readBase');
    r.sim.placeCard('zhang-sanfeng');
    await readSent;
    await r.running.link.vanish();
    await until(() => r.state() === 'offline', 'offline after unplug');
    expect(r.driver.status().lastError?.code).toBe('disconnected');
    r.sim.removeCard();
    await r.running.link.restore();
    await online(r);
    // The simulator answers in order, so the stale read reply has gone out before the start-up replies: a card
    // placed now is the next one read. (Placing it earlier would let the simulator's late "read done" mark it.)
    r.sim.placeCard('williamson');
    await until(() => r.reads.length > 0, 'a read after replug', 30_000);
    expect(r.reads[0].holder.cardType).toBe('foreignPermanent2023');
    await morePolls(r);
    expect(r.reads).toHaveLength(1);
    expect(r.state()).toBe('online');
    expect(r.counters().reconnects).toBeGreaterThanOrEqual(1);
    expect(r.statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['offline', 'online']));
  });

  it('technician actions over /tech deviceCommand: samStatus, readSamId, samReset; unknown action -> invalidRequest; refused on /kiosk', async () => {
    const r = await rig({ timing: 'fast' });
    await online(r);
    const onKiosk = await new Promise<Completion>((resolve) =>
      r.kiosk.emit('deviceCommand', { requestId: 'k-sam', deviceId: r.driver.id, action: 'samReset' }, resolve));
    expect(onKiosk).toMatchObject({ requestId: 'k-sam', code: 'invalidRequest', message: expect.stringContaining('use /tech') });
    expect(await r.command('samStatus')).toMatchObject({ code: 'success', result: { ok: true, sw3: '90' } });
    const id = await r.command('readSamId');
    expect(id).toMatchObject({ code: 'success', result: { display: (r.sim.snapshot().samId as { display: string }).display } });
    expect((id.result as { hex: string }).hex).toMatch(/^[0-9A-F]{32}$/);
    expect(await r.command('samReset')).toMatchObject({ code: 'success', result: { reset: true, maxRfBytes: 0x50 } });
    expect(await r.command('eject')).toMatchObject({ code: 'invalidRequest' });
    await r.sim.act('sam', { state: 'selfTestFailed' });
    expect(await r.command('samReset')).toMatchObject({ code: 'hardwareError' });
  });
});

describe('ID reader driver at 9600 baud', () => {
  it('reads a card (1295-byte reply, ~1.35 s on the wire) within the wire-time-extended timeout', async () => {
    const r = await rig({ baud: 9600 });
    await online(r);
    const ev = await placeAndRead(r, 'ayiguli');
    expect(ev.holder).toMatchObject({ cardType: 'resident', validUntil: '长期', valid: true });
    expect(r.counters()).toMatchObject({ timeouts: 0, cardsRead: 1 });
  });
});
