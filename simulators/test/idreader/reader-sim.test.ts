// Conformance of IdReaderSim against the shared id-reader vectors, card cycle, faults, privacy, actions.
import { afterEach, describe, expect, it } from 'vitest';
import {
  SamFrameDecoder,
  buildSamCommand,
  buildSamSetBaud,
  fromHex,
  parseSamAppendedAddressResponse,
  parseSamIdResponse,
  parseSamReadResponse,
  toHex,
} from '@onedoor/protocol';
import { loadVectors } from '../../../protocol/test/vectors.ts';
import { IdReaderSim, resolveIdReaderTiming } from '../../src/idreader/index.ts';
import { MemLine, ask } from './mem-line.ts';

const v = loadVectors<{
  commands: Record<string, string>;
  responses: Record<string, string>;
  [k: string]: any;
}>('id-reader');
const C = v.commands;
const R = v.responses;

const sims: IdReaderSim[] = [];
afterEach(() => {
  for (const s of sims.splice(0)) s.close();
});

function setup(opts: ConstructorParameters<typeof IdReaderSim>[0] = {}) {
  const sim = new IdReaderSim({ timing: 'fast', ...opts });
  const line = new MemLine();
  sim.attach(line);
  sims.push(sim);
  const hex = async (cmd: string | Uint8Array) => (await ask(sim, line, cmd)).map((f) => toHex(f.raw));
  return { sim, line, hex };
}

describe('IdReaderSim answers the command vectors with the response vectors', () => {
  it('SAM commands: status, reset, set max RF bytes answer sam_ok; SAM ID answers 16 bytes', async () => {
    const { sim, line, hex } = setup();
    expect(await hex(C.sam_status)).toEqual([R.sam_ok]);
    expect(await hex(C.reset_sam)).toEqual([R.sam_ok]);
    expect(await hex(C.set_max_rf_bytes_80)).toEqual([R.sam_ok]);
    expect(sim.snapshot().maxRfBytes).toBe(0x50);
    const [id] = await ask(sim, line, C.read_sam_id);
    const parsed = parseSamIdResponse(id);
    expect(parsed.bytes).toHaveLength(16);
    expect(parsed.display).toBe((sim.snapshot().samId as { display: string }).display);
  });

  it('no card: find_none, select_fail, read_fail', async () => {
    const { hex } = setup();
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    expect(await hex(C.select_card)).toEqual([R.select_fail]);
    expect(await hex(C.read_base)).toEqual([R.read_fail]);
  });

  const vectorHolders: [string, string][] = [
    ['zhang-sanfeng', 'read_base_ok_resident'],
    ['chen-jiaming', 'read_base_ok_hk_macau_taiwan'],
    ['smith-john', 'read_base_ok_foreign_old'],
    ['williamson', 'read_base_ok_foreign_2023'],
    ['ayiguli', 'read_base_ok_long_term'],
  ];
  for (const [key, vector] of vectorHolders) {
    it(`${key}: find_ok, select_ok, then the ${vector} frame byte for byte`, async () => {
      const { sim, hex } = setup();
      sim.placeCard(key);
      expect(await hex(C.find_card)).toEqual([R.find_ok]);
      expect(await hex(C.select_card)).toEqual([R.select_ok]);
      expect(await hex(C.read_base)).toEqual([v[vector].frame]);
    });
  }

  it('a host frame with a bad CHK is answered with checksum_error_from_host, and the next command still works', async () => {
    const { sim, hex } = setup();
    const bad = fromHex(C.find_card);
    bad[bad.length - 1] ^= 0x01;
    expect(await hex(bad)).toEqual([R.checksum_error_from_host]);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    expect((sim.snapshot().counters as { hostFrameErrors: number }).hostFrameErrors).toBe(1);
  });

  it('commands split into single bytes are understood', async () => {
    const { sim, line } = setup();
    for (const b of fromHex(C.sam_status)) sim.receive(Uint8Array.of(b));
    await sim.idle();
    expect(line.sent.map((b) => toHex(b))).toEqual([R.sam_ok]);
  });

  it('unknown command -> 21; set baud -> 90 then a baud event; a bad baud code -> 21', async () => {
    const { sim, hex } = setup();
    expect(await hex(buildSamCommand(0x77, 0x01))).toEqual([toHex(fromHex('AA AA AA 96 69 00 04 00 00 21 25'))]);
    const baud = new Promise((r) => sim.once('baud', r));
    expect(await hex(buildSamSetBaud(9600))).toEqual([R.sam_ok]);
    expect(await baud).toBe(9600);
    expect(sim.snapshot().baudSetting).toBe(9600);
    expect(await hex(buildSamCommand(0x60, 0x09))).toEqual([toHex(fromHex('AA AA AA 96 69 00 04 00 00 21 25'))]);
  });
});

describe('card cycle (spec "Timing and polling")', () => {
  it('after a successful read find answers 80 until the card is removed and placed again', async () => {
    const { sim, line, hex } = setup();
    sim.placeCard('wang-guifen');
    await hex(C.find_card);
    await hex(C.select_card);
    const read = sim.expectRead();
    const [frame] = await ask(sim, line, C.read_base);
    expect(await read).toEqual({ key: 'wang-guifen', cardType: 'resident', fingerprint: false });
    expect(parseSamReadResponse(frame).holder).toEqual(sim.library.get('wang-guifen')!.holder);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    expect(await hex(C.select_card)).toEqual([R.select_fail]);
    sim.removeCard();
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    sim.placeCard('wang-guifen');
    expect(await hex(C.find_card)).toEqual([R.find_ok]);
  });

  it('a card swapped while the read reply is still on the wire stays findable: only the card read becomes read', async () => {
    const { sim, line, hex } = setup();
    sim.placeCard('wang-guifen');
    await hex(C.find_card);
    await hex(C.select_card);
    // The swap happens inside send(), i.e. after the reply was built and before it has left the wire (as when a
    // bridge is unplugged mid-read and a citizen changes cards meanwhile).
    const send = line.send.bind(line);
    line.send = async (bytes: Uint8Array) => {
      await send(bytes);
      if (bytes.length > 1000) {
        sim.removeCard();
        sim.placeCard('zhang-sanfeng');
      }
    };
    await hex(C.read_base);
    expect(await hex(C.find_card)).toEqual([R.find_ok]);
  });

  it('read without select fails; reset does not make a read card findable again', async () => {
    const { sim, hex } = setup();
    sim.placeCard('liang-junjie');
    await hex(C.find_card);
    expect(await hex(C.read_base)).toEqual([R.read_fail]);
    await hex(C.select_card);
    await hex(C.read_base);
    expect(await hex(C.reset_sam)).toEqual([R.sam_ok]);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
  });

  it('30 10 returns the fingerprint block when the card has one (LEN 09 0A)', async () => {
    const { sim, line, hex } = setup();
    sim.placeCard('ouyang-zhiqiang');
    await hex(C.find_card);
    await hex(C.select_card);
    const [frame] = await ask(sim, line, C.read_base_fp);
    expect(toHex(frame.raw.subarray(5, 7))).toBe('09 0A');
    const r = parseSamReadResponse(frame, { fingerprint: true });
    expect(r.fingerprint?.length).toBe(1024);
    expect(r.holder.cardType).toBe('resident');
  });

  it('30 03: the appended address when the card has one, 91 otherwise', async () => {
    const { sim, line, hex } = setup();
    sim.placeCard('zhang-sanfeng');
    await hex(C.find_card);
    await hex(C.select_card);
    await hex(C.read_base);
    const [addr] = await ask(sim, line, C.read_extra_address);
    expect(parseSamAppendedAddressResponse(addr)).toBe(sim.library.get('zhang-sanfeng')!.appendedAddress);
    sim.placeCard('ayiguli');
    await hex(C.find_card);
    await hex(C.select_card);
    const [none] = await ask(sim, line, C.read_extra_address);
    expect(parseSamAppendedAddressResponse(none)).toBeNull();
  });
});

describe('faults on demand', () => {
  async function ready(key = 'zhang-sanfeng') {
    const s = setup();
    s.sim.placeCard(key);
    await s.hex(C.find_card);
    await s.hex(C.select_card);
    return s;
  }

  it('fail-read 41: the read answers read_fail, and the card must be placed again', async () => {
    const { sim, hex } = await ready();
    await sim.act('fail-read', { sw3: '41' });
    expect(await hex(C.read_base)).toEqual([R.read_fail]);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    sim.placeCard('zhang-sanfeng');
    expect(await hex(C.find_card)).toEqual([R.find_ok]);
    await hex(C.select_card);
    expect(await hex(C.read_base)).toEqual([v.read_base_ok_resident.frame]); // the fault was used up
  });

  it('fingerprint-layout: the next 30 01 answers in the 30 10 layout (three lengths), then the right one again', async () => {
    const { sim, line, hex } = await ready();
    await sim.act('fault', { kind: 'fingerprint-layout' });
    const [wrong] = await ask(sim, line, C.read_base);
    const d = wrong.asResponse().data;
    expect(toHex(d.subarray(0, 6))).toBe('01 00 04 00 00 00'); // text 256, photo 1024, fingerprint 0 (this card has none)
    expect(() => parseSamReadResponse(wrong)).toThrow(/not the 30 01 layout/);
    expect(parseSamReadResponse(wrong, { fingerprint: true }).holder).toMatchObject(v.read_base_ok_resident.expect);
    sim.placeCard('zhang-sanfeng');
    await hex(C.find_card);
    await hex(C.select_card);
    expect(await hex(C.read_base)).toEqual([v.read_base_ok_resident.frame]); // the fault was used up
  });

  it('fail-read with other SW3 values (31, 32) and a count', async () => {
    const { sim, line, hex } = await ready();
    await sim.act('fail-read', { sw3: '0x31', count: '2' });
    const [a] = await ask(sim, line, C.read_base);
    expect(a.asResponse().sw3).toBe(0x31);
    sim.placeCard('zhang-sanfeng');
    await hex(C.find_card);
    await hex(C.select_card);
    const [b] = await ask(sim, line, C.read_base);
    expect(b.asResponse().sw3).toBe(0x31);
    expect((sim.snapshot().faults as { readStatus: unknown }).readStatus).toBeNull();
    await sim.act('fail-read', { sw3: 0x32 });
    sim.placeCard('zhang-sanfeng');
    await hex(C.find_card);
    await hex(C.select_card);
    const [c] = await ask(sim, line, C.read_base);
    expect(c.asResponse().sw3).toBe(0x32);
  });

  it('checksum: the host drops the reply and counts it; the next reply is fine', async () => {
    const { sim, line, hex } = setup();
    await sim.act('fault', { kind: 'checksum' });
    expect(await hex(C.sam_status)).toEqual([]);
    expect(line.host.counters.checksumErrors).toBe(1);
    expect(await hex(C.sam_status)).toEqual([R.sam_ok]);
  });

  it('truncate: the cut reply is lost, the next one is still decoded once the claimed length has passed', async () => {
    const { sim, line, hex } = await ready();
    await sim.act('fault', { kind: 'truncate' });
    expect(await hex(C.read_base)).toEqual([]);
    expect(line.sent.at(-1)!.length).toBe(647);
    // The SAM did read the card, so find answers 80; the host's decoder still waits inside the cut frame's LEN.
    expect(await hex(C.find_card)).toEqual([]);
    // Once the claimed length is filled (later traffic or noise) the CHK fails and the rescan finds the reply.
    expect(line.host.push(new Uint8Array(700)).map((f) => toHex(f.raw))).toEqual([R.find_none]);
    expect(line.host.counters.checksumErrors).toBe(1);
  });

  it('garbage: stray bytes before the reply are discarded and the reply decodes', async () => {
    const { sim, line, hex } = setup();
    await sim.act('fault', { kind: 'garbage', count: 2 });
    expect(await hex(C.sam_status)).toEqual([R.sam_ok]);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    expect(line.host.counters.discardedBytes).toBe(14);
    expect(await hex(C.find_card)).toEqual([R.find_none]);
    expect(line.host.counters.discardedBytes).toBe(14);
  });

  it('no-answer: the command gets nothing, the next one is answered', async () => {
    const { sim, line, hex } = setup();
    await sim.act('fault', { kind: 'no-answer' });
    expect(await hex(C.sam_status)).toEqual([]);
    expect(line.sent).toHaveLength(0);
    expect(await hex(C.sam_status)).toEqual([R.sam_ok]);
  });

  it('SAM self-test failure answers 60 to everything; notAuthorised answers 66 to card commands', async () => {
    const { sim, hex } = setup();
    sim.placeCard('zhang-sanfeng');
    await sim.act('sam', { state: 'selfTestFailed' });
    expect(await hex(C.sam_status)).toEqual([R.sam_selftest_failed]);
    expect(await hex(C.find_card)).toEqual([R.sam_selftest_failed]);
    await sim.act('sam', { state: 'notAuthorised' });
    const notAuth = toHex(fromHex('AA AA AA 96 69 00 04 00 00 66 62'));
    expect(await hex(C.find_card)).toEqual([notAuth]);
    expect(await hex(C.sam_status)).toEqual([notAuth]);
    expect(await hex(C.reset_sam)).toEqual([R.sam_ok]);
    await sim.act('sam', { state: 'ok' });
    expect(await hex(C.find_card)).toEqual([R.find_ok]);
  });

  it('clear-faults disarms everything', async () => {
    const { sim, hex } = setup();
    await sim.act('fault', { kind: 'no-answer', count: 5 });
    await sim.act('clear-faults', {});
    expect(await hex(C.sam_status)).toEqual([R.sam_ok]);
  });
});

describe('actions, snapshot, events', () => {
  it('every action has help; bad actions and arguments throw clear errors', async () => {
    const { sim } = setup();
    for (const a of sim.actions()) expect(a.help.length).toBeGreaterThan(10);
    await expect(sim.act('dance', {})).rejects.toThrow(/unknown action "dance".*place-card/);
    await expect(sim.act('place-card', { holder: 'nobody' })).rejects.toThrow(/no card "nobody".*zhang-sanfeng/);
    await expect(sim.act('fault', { kind: 'fire' })).rejects.toThrow(/fault kind must be one of checksum/);
    await expect(sim.act('fault', { kind: 'checksum', count: 'many' })).rejects.toThrow(/count must be/);
    await expect(sim.act('fail-read', { sw3: 'zz' })).rejects.toThrow(/sw3 must be/);
    await expect(sim.act('fail-read', { sw3: '90' })).rejects.toThrow(/not 90/);
    await expect(sim.act('sam', { state: 'sleepy' })).rejects.toThrow(/sam state must be one of ok/);
    expect(() => new IdReaderSim({ samId: new Uint8Array(3) })).toThrow(/16 bytes/);
    expect(() => resolveIdReaderTiming({ read: [5, 1] })).toThrow(/timing.read/);
    expect(() => resolveIdReaderTiming({ warp: 1 } as never)).toThrow(/unknown timing warp/);
  });

  it('place-card / remove-card / list-cards via act; state events on change', async () => {
    const { sim } = setup();
    const states: unknown[] = [];
    sim.on('state', (s) => states.push(s));
    expect(await sim.act('place-card', { holder: 'he-jiaxin' })).toEqual({ placed: 'he-jiaxin', name: '何嘉欣', number: '8200**********0049' });
    expect(states).toHaveLength(1);
    expect(await sim.act('remove-card', {})).toEqual({ removed: 'he-jiaxin' });
    const list = (await sim.act('list-cards', {})) as { key: string; number: string }[];
    expect(list.map((c) => c.key)).toContain('zhang-sanfeng');
    expect(JSON.stringify(list)).not.toMatch(/\d{17}[\dX]/);
  });

  it('snapshot and logs never hold a full number, the text block or the photo', async () => {
    const { sim, line, hex } = setup();
    const logs: { dir: string; hex: string; note: string }[] = [];
    sim.on('log', (l) => logs.push(l));
    const states: string[] = [];
    sim.on('state', (s) => states.push(JSON.stringify(s)));
    sim.placeCard('zhang-sanfeng');
    await hex(C.find_card);
    await hex(C.select_card);
    const [frame] = await ask(sim, line, C.read_base);
    await hex(C.read_extra_address);
    const snap = JSON.stringify(sim.snapshot());
    expect(snap).toContain('4401**********1231');
    expect(snap).toContain('张三丰');
    const all = [snap, ...states, JSON.stringify(logs)].join('\n');
    expect(all).not.toContain('440106199003071231');
    // The number as it sits in the text block (UCS-2LE hex) and the first photo bytes must not be logged either.
    const numberHex = toHex(frame.raw.subarray(14 + 122, 14 + 158));
    const photoHex = toHex(frame.raw.subarray(270, 290));
    expect(all).not.toContain(numberHex);
    expect(all).not.toContain(photoHex);
    expect(logs.some((l) => l.dir === 'tx' && l.hex.includes('withheld'))).toBe(true);
    expect(logs.filter((l) => l.dir === 'rx').map((l) => l.note)).toEqual(['find', 'select', 'readBase', 'readAppendedAddress']);
  });

  it('with no host attached replies are dropped; expectReply/expectCommand resolve on traffic', async () => {
    const sim = new IdReaderSim({ timing: 'fast' });
    sims.push(sim);
    const cmd = sim.expectCommand('status');
    sim.receive(fromHex(C.sam_status));
    await expect(cmd).resolves.toMatchObject({ name: 'status', cmd: 0x11, para: 0xff });
    await sim.idle();
    expect((sim.snapshot().counters as { replies: number }).replies).toBe(0);
    const line = new MemLine();
    sim.attach(line);
    const reply = sim.expectReply(0x90);
    sim.receive(fromHex(C.sam_status));
    await expect(reply).resolves.toEqual({ command: 'status', sw3: 0x90 });
  });

  it('a new host attach resets the command decoder (half a frame from the old host is forgotten)', async () => {
    const { sim, line } = setup();
    sim.receive(fromHex(C.sam_status).subarray(0, 6));
    sim.attach(line);
    const d = new SamFrameDecoder();
    sim.receive(fromHex(C.sam_status));
    await sim.idle();
    expect(line.sent.flatMap((b) => d.push(b)).map((f) => toHex(f.raw))).toEqual([R.sam_ok]);
  });
});
