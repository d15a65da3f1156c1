/**
 * A bridge process (reader simulator on a real PTY + the whole bridge, default hall clock) started with a TZ of the
 * test's choosing, for idreader-hallday.test.ts: places one card whose last valid day is argv[2] and prints the
 * masked view the kiosk got, with the process's own zone and local day, as one JSON line on stdout.
 * Run: `node --import tsx idreader-hallday-child.ts <validUntil>` (env TZ=...).
 */
import { placeAndRead, startReaderRig } from './idreader-rig.ts';

const validUntil = process.argv[2];
const r = await startReaderRig({
  link: 'pty',
  baud: 115200,
  timing: 'fast',
  beforeBridge: (sim) => {
    const base = sim.library.get('zhang-sanfeng')!;
    sim.library.set('last-day', { ...base, key: 'last-day', holder: { ...base.holder, validUntil } });
  },
});
try {
  const start = Date.now();
  while (r.state() !== 'online') {
    if (Date.now() - start > 30_000) throw new Error('reader not online within 30 s');
    await new Promise((res) => setTimeout(res, 20));
  }
  const read = await placeAndRead(r, 'last-day');
  const d = new Date();
  const localDay = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  process.stdout.write(JSON.stringify({ zone: Intl.DateTimeFormat().resolvedOptions().timeZone, localDay, view: read.holder }) + '\n');
} finally {
  await r.close();
}
process.exit(0);
