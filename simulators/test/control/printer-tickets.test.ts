import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorHub, startControlServer, type ControlServer } from '../../src/index.ts';
import { until } from '../link/echo-device.ts';

let hub: SimulatorHub | null = null;
let server: ControlServer | null = null;
afterEach(async () => {
  await server?.close();
  await hub?.close();
  server = null;
  hub = null;
});

describe('control API with the real printer model', () => {
  it('lists the tickets a host printed and serves their text and 576-dot PNG', async () => {
    hub = new SimulatorHub({ link: 'tcp', portBase: 0 });
    const [printer] = await hub.start('printer');
    server = await startControlServer(hub);
    const host = net.connect(printer.link.port!, '127.0.0.1');
    host.on('data', () => {});
    await new Promise<void>((r) => host.once('connect', () => r()));
    // ESC @, two lines, GS V 0 (full cut): spec escpos.md, the smallest ticket there is.
    host.write(Buffer.concat([Buffer.from([0x1b, 0x40]), Buffer.from('QUEUE A017\nPLEASE WAIT\n', 'ascii'), Buffer.from([0x1d, 0x56, 0x00])]));
    const h = hub;
    await until(() => h.info('printer').snapshot.tickets === 1, 'ticket cut');
    host.destroy();

    const list = (await (await fetch(`${server.url}/api/sims/printer/tickets`)).json()) as any;
    expect(list.id).toBe('printer');
    expect(list.tickets).toHaveLength(1);
    expect(list.tickets[0]).toMatchObject({ seq: 1, cut: 'full', interrupted: false });
    expect(list.tickets[0].title).toContain('QUEUE A017');
    expect(list.tickets[0]).not.toHaveProperty('png');
    expect(list.tickets[0]).not.toHaveProperty('bytes');

    const txt = await fetch(`${server.url}/api/sims/printer/tickets/1.txt`);
    expect(txt.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await txt.text();
    expect(text).toContain('QUEUE A017');
    expect(text).toContain('PLEASE WAIT');

    const pngRes = await fetch(`${server.url}/api/sims/printer/tickets/1.png`);
    expect(pngRes.headers.get('content-type')).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await pngRes.arrayBuffer()));
    expect(png.width).toBe(576);
  });
});

describe('hub without socat', () => {
  it('falls back to TCP links and says why', () => {
    const script = `
      import { SimulatorHub } from './simulators/src/index.ts';
      import { EchoDevice } from './simulators/test/link/echo-device.ts';
      const hub = new SimulatorHub({ portBase: 0 });
      const info = await hub.add(new EchoDevice('idreader', 'idreader'));
      console.log(JSON.stringify({ kind: info.link.kind, notes: hub.notes }));
      await hub.close();
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../../..'),
      env: { ...process.env, PATH: '/nonexistent-bin' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.kind).toBe('tcp');
    expect(out.notes[0]).toMatch(/socat is not installed \(apt-get install socat\): using TCP links/);
  });
});
