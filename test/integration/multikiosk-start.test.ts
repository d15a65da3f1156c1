/**
 * `npm start -- --kiosks N` (README "Several kiosks, one hall"), in-process through `launch()`: a
 * hall bridge with the counter bus simulator and N kiosk bridges, each with its own reader and
 * printer simulators on PTYs, linked to the hall; every URL printed; close() leaves no PTY path
 * behind. And the flag's parsing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLaunch, launch, type Launched } from '../../scripts/launcher/launch.ts';
import { parseStartArgs, StartUsageError } from '../../scripts/launcher/options.ts';
import { until } from './multikiosk-rig.ts';

const dir = mkdtempSync(join(tmpdir(), 'od-mk-start-'));
let launched: Launched | undefined;

afterAll(async () => {
  await launched?.close();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('npm start -- --kiosks', () => {
  it('parses 1-9 and refuses anything else, and with --config', () => {
    expect(parseStartArgs(['--kiosks', '3']).kiosks).toBe(3);
    expect(parseStartArgs([]).kiosks).toBeUndefined();
    for (const bad of ['0', '10', 'x', '-1']) expect(() => parseStartArgs(['--kiosks', bad])).toThrow(/--kiosks must be a number 1-9/);
    expect(() => parseStartArgs(['--config', 'site.json', '--kiosks', '2'])).toThrow(StartUsageError);
  });

  it('starts a hall and two linked kiosks with their own simulators, prints every URL, and stops cleanly', async () => {
    const simDir = join(dir, 'sims');
    const printed: string[] = [];
    launched = await launch({
      ...parseStartArgs(['--kiosks', '2', '--port', '0', '--control-port', '0', '--no-build', '--log-level', 'silent',
        '--sim-dir', simDir, '--data-dir', join(dir, 'data'), '--ui-dir', join(dir, 'ui')]),
    }, (l) => printed.push(l));
    const l = launched;
    expect(l.bridge.config.devices.map((d) => d.kind)).toEqual(['counterbus']);
    expect(l.kiosks!.map((k) => k.id)).toEqual(['kiosk-a', 'kiosk-b']);
    for (const k of l.kiosks!) {
      expect(k.bridge.config.devices.map((d) => d.kind)).toEqual(['idreader', 'printer', 'qrscanner']);
      expect(k.bridge.config.devices.every((d) => d.path.startsWith(join(simDir, k.id)))).toBe(true);
    }
    const registry = l.bridge.kioskLink!.registry;
    await until('both kiosks linked with online devices', () =>
      registry.list().length === 2 && registry.list().every((k) => k.connected && k.devices.length === 3 && k.devices.every((d) => d.state === 'online')), 90_000);

    const lines = describeLaunch(l).join('\n');
    for (const url of [l.urls.hall, l.urls.display, ...l.kiosks!.flatMap((k) => [k.urls.kiosk, k.urls.tech, k.sims.control.url])]) {
      expect(lines).toContain(url);
    }

    // QR codes on one machine: the hall's own URL (start option publicUrl 'own'), and the kiosks print the hall's.
    const site = async (base: string) => ((await (await fetch(`${base}/api/site`)).json()) as { publicUrl: string | null }).publicUrl;
    expect(await site(l.bridge.url)).toBe(l.bridge.url);
    for (const k of l.kiosks!) expect(await site(k.bridge.url)).toBe(l.bridge.url);

    const ptys = l.kiosks!.flatMap((k) => k.bridge.config.devices.map((d) => d.path));
    expect(ptys.every((p) => existsSync(p))).toBe(true);
    await l.close();
    launched = undefined;
    expect(ptys.filter((p) => existsSync(p))).toEqual([]);
  }, 240_000);
});
