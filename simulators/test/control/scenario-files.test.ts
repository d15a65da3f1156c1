import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevice, parseScenario, runScenario, SIM_KINDS, SimulatorHub } from '../../src/index.ts';
import { until } from '../link/echo-device.ts';

const scenarioDir = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(scenarioDir).filter((f) => f.endsWith('.json'));

let hub: SimulatorHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe('example scenarios in simulators/scenarios/', () => {
  it('are there, parse, and only use devices and actions the models really have', async () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const actions = new Map<string, string[]>();
    for (const kind of SIM_KINDS) {
      const d = await createDevice(kind, {});
      actions.set(d.id, d.actions().map((a) => a.name).concat('vanish', 'restore'));
      d.close();
    }
    for (const f of files) {
      const sc = parseScenario(JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')), f);
      expect(sc.description, f).toBeTruthy();
      for (const step of sc.steps) {
        if ('do' in step) {
          const [id, name] = step.do.split('.');
          expect(actions.get(id), `${f}: ${step.do}`).toContain(name);
        }
        if ('expect' in step) {
          for (const k of Object.keys(step.expect)) expect(actions.has(k.split('.')[0]), `${f}: ${k}`).toBe(true);
        }
      }
    }
  });

  it('citizen-places-card runs against the real reader model', async () => {
    hub = new SimulatorHub({ link: 'tcp', portBase: 0 });
    await hub.start('idreader');
    const report = await runScenario(hub, join(scenarioDir, 'citizen-places-card.json'), { waitScale: 0 });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(hub.info('idreader').snapshot.card).toBeNull();
  });

  it('paper-runs-out-mid-ticket runs against the real printer model while a host prints a long ticket', async () => {
    hub = new SimulatorHub({ link: 'tcp', portBase: 0 });
    const h = hub;
    const [printer] = await h.start('printer');
    const host = net.connect(printer.link.port!, '127.0.0.1');
    host.on('data', () => {}); // status bytes (ASB) are not looked at here
    await new Promise<void>((r) => host.once('connect', () => r()));
    // The kiosk's part: once the paper is low, print a ticket much longer than the 40 mm left (ESC @, text, GS V 0).
    void until(() => h.info('printer').snapshot.paper === 'low', 'paper low').then(() => {
      const lines = Array.from({ length: 60 }, (_, i) => `A017 line ${i}\n`).join('');
      host.write(Buffer.concat([Buffer.from([0x1b, 0x40]), Buffer.from(lines, 'ascii'), Buffer.from([0x1d, 0x56, 0x00])]));
    });
    const report = await runScenario(h, join(scenarioDir, 'paper-runs-out-mid-ticket.json'), { waitScale: 0 });
    host.destroy();
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    const tickets = (h.get('printer').device as unknown as { tickets: Array<{ interrupted: boolean }> }).tickets;
    expect(tickets.some((t) => t.interrupted)).toBe(true);
  });
});
