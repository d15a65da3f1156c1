// IdReaderDriver against a scripted fake SAM on the device end of a real socat PTY pair (serialport on both ends):
// the corner cases the simulator does not produce (unknown find status, a refused max-RF setting, a reply nobody
// asked for, a pinned calendar day). The full behaviour with the simulator is in test/integration/idreader*.test.ts.
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SAM_SW3,
  SamFrameDecoder,
  buildSamReadData,
  buildSamResponse,
  buildTextBlock,
  identifySamCommand,
  type Holder,
  type SamCommandName,
} from '@onedoor/protocol';
import { IdReaderDriver, type IdCardReadout } from '../../src/devices/idReader/index.ts';
import { silentLogger } from '../../src/log.ts';
import { startPtyPair, until } from '../helpers/pty.ts';

/** Answers each SAM command with the bytes `script` returns (nothing = silence). */
class FakeSam {
  readonly seen: SamCommandName[] = [];
  private readonly decoder = new SamFrameDecoder({ direction: 'command' });
  private port: SerialPort | null = null;

  constructor(public script: (cmd: SamCommandName) => Uint8Array | null) {}

  async attach(path: string): Promise<void> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    port.on('error', () => {});
    port.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(new Uint8Array(chunk))) {
        const name = identifySamCommand(f.asCommand()) ?? ('unknown' as SamCommandName);
        this.seen.push(name);
        const reply = this.script(name);
        if (reply) port.write(Buffer.from(reply));
      }
    });
    this.port = port;
  }

  /** Bytes nobody asked for (a late reply of an earlier command). */
  push(bytes: Uint8Array): void {
    this.port?.write(Buffer.from(bytes));
  }

  detach(): Promise<void> {
    const port = this.port;
    this.port = null;
    return new Promise<void>((r) => (port?.isOpen ? port.close(() => r()) : r()));
  }
}

const holder: Holder = {
  cardType: 'resident',
  name: '测试员',
  sex: '2',
  nation: '01',
  birthDate: '1990-03-07',
  address: '广东省广州市越秀区',
  idNumber: '440106199003071231',
  issuer: '广州市公安局',
  validFrom: '2010-01-01',
  validUntil: '2030-01-01',
};
const readReply = () => buildSamResponse(SAM_SW3.success, buildSamReadData(buildTextBlock(holder), new Uint8Array(1024)));
const samId = new Uint8Array(16).fill(1);

/** A healthy SAM with one card that is found `cards` times (then 80), overridable per command. */
function healthy(card: { placements: number }, over: Partial<Record<SamCommandName, () => Uint8Array | null>> = {}) {
  return (cmd: SamCommandName): Uint8Array | null => {
    const o = over[cmd];
    if (o) return o();
    switch (cmd) {
      case 'samId':
        return buildSamResponse(SAM_SW3.success, samId);
      case 'find':
        return card.placements > 0 ? buildSamResponse(SAM_SW3.cardFound, new Uint8Array(4)) : buildSamResponse(SAM_SW3.noCard);
      case 'select':
        return buildSamResponse(SAM_SW3.success, new Uint8Array(8));
      case 'readBase':
        card.placements--;
        return readReply();
      default:
        return buildSamResponse(SAM_SW3.success);
    }
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(script: FakeSam['script'], today = '2026-11-25') {
  const pty = await startPtyPair('od-idreader-drv-');
  cleanups.push(() => pty.dispose());
  const sam = new FakeSam(script);
  await sam.attach(pty.b);
  cleanups.push(() => sam.detach());
  const driver = new IdReaderDriver(
    { id: 'r1', kind: 'idreader', path: pty.a, baud: 115200, options: {} },
    { log: silentLogger(), dataDir: '/nonexistent', backoff: { minDelayMs: 20, maxDelayMs: 200 } },
    { today: () => today },
  );
  cleanups.push(() => driver.stop());
  const reads: IdCardReadout[] = [];
  driver.on('cardRead', (r) => reads.push(r));
  await driver.start();
  await until(() => driver.status().state === 'online', 'online', 20_000);
  return { sam, driver, reads };
}

describe('IdReaderDriver with a scripted SAM over a PTY', () => {
  it('start-up order is status, SAM ID, max RF bytes; a refused max RF setting is reported but not fatal', async () => {
    const { sam, driver } = await setup(healthy({ placements: 0 }, { setMaxRfBytes: () => buildSamResponse(SAM_SW3.commandError) }));
    await until(() => sam.seen.includes('find'), 'first find poll', 20_000);
    expect(sam.seen.slice(0, 4)).toEqual(['status', 'samId', 'setMaxRfBytes', 'find']);
    expect(driver.status().lastError).toMatchObject({ code: 'setMaxRfBytes' });
    expect(driver.status().lastError!.message).toContain('0x21');
  });

  it('an unknown find status is reported with its hex value; polling goes on', async () => {
    let weird = true;
    const { driver } = await setup(healthy({ placements: 0 }, { find: () => buildSamResponse(weird ? 0xe5 : SAM_SW3.noCard) }));
    await until(() => driver.status().lastError?.code === 'findStatus', 'find status reported', 20_000);
    expect(driver.status().lastError!.message).toContain('0xE5');
    weird = false;
    const polls = driver.status().counters.polls;
    await until(() => driver.status().counters.polls > polls + 2, 'more polls', 20_000);
    expect(driver.status().state).toBe('online');
  });

  it('a read reply nobody asked for is counted as unsolicited and never becomes a card read', async () => {
    const { sam, driver, reads } = await setup(healthy({ placements: 0 }));
    const before = driver.status().counters.unsolicited;
    sam.push(readReply());
    await until(() => driver.status().counters.unsolicited > before, 'unsolicited frame counted', 20_000);
    const polls = driver.status().counters.polls;
    await until(() => driver.status().counters.polls > polls + 2, 'more polls', 20_000);
    expect(reads).toEqual([]);
    expect(driver.status().counters.cardsRead).toBe(0);
  });

  it('expiry is judged on the bridge calendar day: valid on validUntil, expired the day after', async () => {
    const onLastDay = await setup(healthy({ placements: 1 }), '2030-01-01');
    await until(() => onLastDay.reads.length === 1, 'card read', 20_000);
    expect(onLastDay.reads[0].view).toMatchObject({ valid: true, expired: false });
    expect(onLastDay.reads[0].holder).toEqual(holder); // the full holder stays inside the bridge for the session
    while (cleanups.length) await cleanups.pop()!();

    const dayAfter = await setup(healthy({ placements: 1 }), '2030-01-02');
    await until(() => dayAfter.reads.length === 1, 'card read', 20_000);
    expect(dayAfter.reads[0].view).toMatchObject({ valid: false, expired: true, invalid: { reason: 'expired' } });
    expect(dayAfter.reads[0].validation).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('a read card taken away gives one cardRemoved (30 03 fails); while it lies there (90 / 91) nothing', async () => {
    const card = { placements: 1, present: true, appended: false };
    const { sam, driver, reads } = await setup(healthy(card, {
      readAppendedAddress: () => !card.present ? buildSamResponse(SAM_SW3.readFailed)
        : card.appended ? buildSamResponse(SAM_SW3.success, new Uint8Array(70)) : buildSamResponse(SAM_SW3.noContent),
    }));
    const removed: unknown[] = [];
    driver.on('cardRemoved', (e) => removed.push(e));
    await until(() => reads.length === 1, 'card read', 20_000);
    // Lying on the reader: find answers 80, the card answers the probe (91: no appended address; then 90 with one).
    await until(() => sam.seen.filter((c) => c === 'readAppendedAddress').length >= 2, 'presence probes', 20_000);
    card.appended = true;
    const probes = sam.seen.filter((c) => c === 'readAppendedAddress').length;
    await until(() => sam.seen.filter((c) => c === 'readAppendedAddress').length >= probes + 2, 'more probes', 20_000);
    expect(removed).toEqual([]);
    card.present = false;
    await until(() => removed.length === 1, 'cardRemoved', 20_000);
    expect(removed[0]).toMatchObject({ deviceId: 'r1' });
    expect(JSON.stringify(removed[0])).not.toContain(holder.idNumber);
    // Once gone, nobody asks again and no second event comes.
    const after = sam.seen.length;
    await until(() => sam.seen.length > after + 4, 'more polls', 20_000);
    expect(sam.seen.slice(after)).not.toContain('readAppendedAddress');
    expect(removed).toHaveLength(1);
    expect(driver.status().counters.cardsRemoved).toBe(1);
  });
});
