// The ID reader driver over raw TCP (`tcp://127.0.0.1:port`, a serial device server in raw mode): reads, the
// 30 10 read with fingerprint block, and unplug/replug of the server port.
import { afterEach, describe, expect, it } from 'vitest';
import { holderNumber, maskIdNumber } from '@onedoor/protocol';
import { placeAndRead, startReaderRig, until, type ReaderRig } from './idreader-rig.ts';

const rigs: ReaderRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(options: Record<string, unknown> = {}): Promise<ReaderRig> {
  const r = await startReaderRig({ link: 'tcp', baud: 115200, options });
  rigs.push(r);
  await until(() => r.state() === 'online', 'reader online');
  return r;
}

describe('ID reader driver over TCP', () => {
  it('reads a card once per placement; vanish -> offline, restore -> online and the new card is read', async () => {
    const r = await rig();
    const first = await placeAndRead(r, 'he-jiaxin');
    expect(first.holder).toMatchObject({
      cardType: 'hkMacauTaiwanPermit',
      idNumberMasked: maskIdNumber(holderNumber(r.sim.library.get('he-jiaxin')!.holder)),
    });
    await r.running.link.vanish();
    await until(() => r.state() === 'offline', 'offline after the server port vanished');
    r.sim.removeCard();
    await r.running.link.restore();
    await until(() => r.state() === 'online', 'online after restore');
    const second = await placeAndRead(r, 'tanaka-yuki');
    expect(second.holder.cardType).toBe('foreignPermanent2023');
    expect(r.reads).toHaveLength(2);
    expect(r.counters().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('read: "fingerprint" uses 30 10 and parses its three-length layout', async () => {
    const r = await rig({ read: 'fingerprint' });
    const cmd = r.sim.expectCommand('readBaseFingerprint');
    const ev = await placeAndRead(r, 'smith-john');
    await cmd;
    expect(ev.holder).toMatchObject({ cardType: 'foreignPermanentOld', valid: true });
    expect(JSON.stringify(ev)).not.toMatch(/fingerprint|photo/i);
  });
});
