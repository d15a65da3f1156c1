// A reader that answers the basic read (30 01) in the fingerprint layout (three lengths, id-reader-sam.md "Read
// response layout (30 01)") through the whole bridge: IdReaderSim behind a real PTY (socat + serialport), the
// bridge, a socket.io /kiosk client. The citizen gets one clear cardError (invalidData: place the card again), never
// a garbled holder (`\u0004` + name, the number shifted) and never a session.
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskSessionEvent } from '@onedoor/protocol';
import { placeAndRead, startReaderRig, until, type ReaderRig } from './idreader-rig.ts';

const rigs: ReaderRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

describe('ID reader: a basic read answered in the fingerprint layout', () => {
  it('-> one cardError invalidData, no cardRead, no session; the card placed again (right layout) reads fine', async () => {
    const r = await startReaderRig({ link: 'pty', baud: 115200, timing: 'fast' });
    rigs.push(r);
    const sessions: KioskSessionEvent[] = [];
    r.kiosk.on('session', (s) => sessions.push(s));
    await until(() => r.state() === 'online', 'reader online');

    r.sim.injectFault('fingerprint-layout', 1);
    r.sim.placeCard('ouyang-zhiqiang'); // a card with a fingerprint block: its length is 04 00, the \u0004 of the finding
    await until(() => r.errors.length === 1, 'cardError');
    expect(r.errors[0]).toMatchObject({ deviceId: 'reader', code: 'invalidData' });
    expect(r.errors[0].message).toMatch(/重新放置/);
    expect(r.errors[0].message).toMatch(/not the 30 01 layout/);
    expect(r.sim.snapshot().counters).toMatchObject({ reads: 1 }); // the SAM did answer the read
    const polls = r.counters().polls;
    await until(() => r.counters().polls >= polls + 3, 'more find polls');
    expect(r.reads).toEqual([]);
    expect(sessions).toEqual([]);
    expect(r.errors).toHaveLength(1);

    r.sim.removeCard();
    const read = await placeAndRead(r, 'ouyang-zhiqiang');
    expect(read.holder).toMatchObject({ valid: true });
    expect(read.holder.name).not.toMatch(/\u0004/);
    await until(() => sessions.length === 1, 'session for the good read');
  });
});
