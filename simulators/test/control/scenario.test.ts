import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorHub, parseScenario, runScenario, startControlServer } from '../../src/index.ts';
import { EchoDevice } from '../link/echo-device.ts';
import { FakePrinter } from './fake-printer.ts';

const dir = mkdtempSync(join(tmpdir(), 'onedoor-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let hub: SimulatorHub;
let reader: EchoDevice;
beforeEach(async () => {
  hub = new SimulatorHub({ dir, link: 'tcp', portBase: 0 });
  reader = new EchoDevice('idreader', 'idreader');
  await hub.add(reader);
  await hub.add(new FakePrinter());
});
afterEach(() => hub.close());

describe('scenarios', () => {
  it('runs do / wait / expect / say steps in order from a file', async () => {
    const file = join(dir, 'grumpy.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'grumpy then calm',
        steps: [
          { say: 'the reader gets grumpy' },
          { do: 'idreader.mood', args: { mood: 'grumpy' } },
          { expect: { 'idreader.mood': 'grumpy', 'idreader.link.up': true } },
          { do: 'printer.cut', args: { text: 'A001' } },
          { wait: 10 },
          { do: 'idreader.vanish' },
          { expect: { 'idreader.link.up': false } },
          { do: 'idreader.restore' },
          { do: 'idreader.mood', args: { mood: 'calm' } },
        ],
      }),
    );
    const seen: number[] = [];
    const report = await runScenario(hub, file, { onStep: (r) => seen.push(r.index) });
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ name: 'grumpy then calm', ok: true });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(report.steps[3].result).toEqual({ seq: 1 });
    expect(reader.mood).toBe('calm');
    expect(hub.info('idreader').link.up).toBe(true);
  });

  it('expect with "within" waits for the state to change', async () => {
    setTimeout(() => void hub.act('idreader', 'mood', { mood: 'grumpy' }), 50);
    const report = await runScenario(hub, [{ expect: { 'idreader.mood': 'grumpy' }, within: 20_000 }]);
    expect(report.ok).toBe(true);
  });

  it('stops at the first failing step and says why', async () => {
    const report = await runScenario(hub, {
      steps: [
        { do: 'idreader.mood', args: { mood: 'grumpy' } },
        { expect: { 'idreader.mood': 'calm' } },
        { do: 'idreader.mood', args: { mood: 'calm' } },
      ],
    });
    expect(report.ok).toBe(false);
    expect(report.steps).toHaveLength(2);
    expect(report.error).toBe('step 2 failed: idreader.mood is "grumpy", expected "calm"');
    const unknown = await runScenario(hub, [{ do: 'toaster.toast' }]);
    expect(unknown.error).toMatch(/step 1 failed: no simulator "toaster"/);
  });

  it('rejects malformed scenarios naming the step', async () => {
    expect(() => parseScenario({ steps: [{ wait: 5 }, { do: 'printer' }] })).toThrow(/step 2: "do" must be "<device>.<action>"/);
    expect(() => parseScenario([{ wait: -1 }])).toThrow(/step 1: "wait" must be milliseconds >= 0/);
    expect(() => parseScenario([{ wait: 1, say: 'x' }])).toThrow(/exactly one of/);
    expect(() => parseScenario({ nope: true })).toThrow(/must be \{"steps": \[...\]\}/);
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{ steps: ');
    await expect(runScenario(hub, badJson)).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(runScenario(hub, join(dir, 'missing.json'))).rejects.toThrow(/cannot read scenario/);
  });

  it('runs through POST /api/scenarios/run (400 with the report when a step fails)', async () => {
    const server = await startControlServer(hub);
    try {
      const post = (body: unknown) =>
        fetch(`${server.url}/api/scenarios/run`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, data: (await r.json()) as any }));
      const good = await post({ steps: [{ do: 'printer.cut', args: { text: 'Z9' } }] });
      expect(good).toMatchObject({ status: 200, data: { ok: true } });
      const failing = await post([{ do: 'printer.cut', args: {} }]);
      expect(failing.status).toBe(400);
      expect(failing.data.error).toMatch(/step 1 failed: printer\.cut: cut needs a text string/);
      const malformed = await post({ steps: 'all of them' });
      expect(malformed.status).toBe(400);
      expect(malformed.data.error).toMatch(/a scenario must be/);
    } finally {
      await server.close();
    }
  });
});
