// The reader simulator over a real PTY (socat), driven by a host through the real `serialport` package.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  SamFrameDecoder,
  buildSamFindCard,
  buildSamReadBase,
  buildSamSelectCard,
  buildSamStatus,
  parseSamFindResponse,
  parseSamReadResponse,
  parseSamSelectResponse,
  expectSamSuccess,
  type SamFrame,
} from '@onedoor/protocol';
import { startSimulator, type RunningSimulator } from '../../src/link/index.ts';
import { IdReaderSim } from '../../src/idreader/index.ts';
import { until } from '../link/echo-device.ts';
import { openPtyHost, socatChildren, type PtyHost } from '../link/pty-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'onedoor-idreader-pty-'));
const running: RunningSimulator<IdReaderSim>[] = [];
const hosts: PtyHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const r of running.splice(0)) await r.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal host: one command at a time, replies decoded with the protocol decoder. */
async function connect(id: string, baud: number, sim: IdReaderSim) {
  const r = await startSimulator(sim, { link: 'pty', baud, dir });
  running.push(r);
  const host = await openPtyHost(r.path!, baud);
  hosts.push(host);
  const decoder = new SamFrameDecoder({ direction: 'response' });
  const frames: SamFrame[] = [];
  host.port.on('data', (d: Buffer) => frames.push(...decoder.push(new Uint8Array(d))));
  const transact = async (cmd: Uint8Array): Promise<SamFrame> => {
    const n = frames.length;
    await host.write(cmd);
    await until(() => frames.length > n, `reply from ${id}`);
    return frames[n];
  };
  return { r, host, decoder, transact };
}

describe('IdReaderSim over a PTY', () => {
  it('115200 baud, typical timing: status, find, select, read a card; find answers 80 afterwards', async () => {
    const sim = new IdReaderSim({ id: 'reader-pty' });
    const { transact, decoder } = await connect('reader-pty', 115200, sim);
    expect(expectSamSuccess(await transact(buildSamStatus())).sw3).toBe(0x90);
    expect(parseSamFindResponse(await transact(buildSamFindCard()))).toEqual({ found: false });
    await sim.act('place-card', { holder: 'williamson' });
    expect(parseSamFindResponse(await transact(buildSamFindCard())).found).toBe(true);
    parseSamSelectResponse(await transact(buildSamSelectCard()));
    const readDone = sim.expectRead();
    const read = parseSamReadResponse(await transact(buildSamReadBase()));
    expect(await readDone).toMatchObject({ key: 'williamson' });
    expect(read.holder).toEqual(sim.library.get('williamson')!.holder);
    expect(read.photo.length).toBe(1024);
    expect(parseSamFindResponse(await transact(buildSamFindCard()))).toEqual({ found: false });
    expect(decoder.counters).toMatchObject({ checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 });
  });

  it('9600 baud with a garbage fault: the read still arrives whole after the stray bytes', async () => {
    const sim = new IdReaderSim({ id: 'reader-slow', timing: 'fast' });
    const { transact, decoder } = await connect('reader-slow', 9600, sim);
    sim.placeCard('ayiguli');
    await transact(buildSamFindCard());
    await transact(buildSamSelectCard());
    sim.injectFault('garbage');
    const read = parseSamReadResponse(await transact(buildSamReadBase()));
    expect(read.holder).toMatchObject({ name: '阿依古丽·买买提', validUntil: '长期' });
    expect(decoder.counters.discardedBytes).toBe(7);
  });

  it('leaves no socat behind', async () => {
    expect(socatChildren()).toEqual([]);
  });
});
