// Window configuration of the counter workflow: in the bridge config (validated with the rest, errors name the
// field), start options first, and the default of one window per counter terminal.
import { describe, expect, it } from 'vitest';
import { configuredBuses, resolveCounterWorkflowConfig } from '../../src/api/hallCounter.ts';
import { ConfigError, parseConfig } from '../../src/config/index.ts';
import { defaultTransferCategories } from '../../src/hall/counterConfig.ts';

const devices = [
  { id: 'lineA', kind: 'counterbus' as const, path: '/tmp/a', options: { units: [1, 2] } },
  { id: 'lineB', kind: 'counterbus' as const, path: '/tmp/b', options: { units: [5] } },
  { id: 'printer', kind: 'printer' as const, path: '/tmp/p' },
];

function problems(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('counter workflow configuration', () => {
  it('defaults to one window per terminal, bus by bus, serving every category; transfer 1 -> A .. 26 -> Z', () => {
    const config = parseConfig({ devices });
    expect(configuredBuses(config)).toEqual([{ deviceId: 'lineA', units: [1, 2] }, { deviceId: 'lineB', units: [5] }]);
    const w = resolveCounterWorkflowConfig(config, undefined);
    expect(w.windows).toEqual([
      { window: 1, deviceId: 'lineA', unit: 1, categories: [] },
      { window: 2, deviceId: 'lineA', unit: 2, categories: [] },
      { window: 3, deviceId: 'lineB', unit: 5, categories: [] },
    ]);
    expect(w.transferCategories).toEqual(defaultTransferCategories());
    expect([w.transferCategories['1'], w.transferCategories['26']]).toEqual(['A', 'Z']);
  });

  it('takes windows and transfer targets from the config file, start options over both', () => {
    const config = parseConfig({
      devices,
      counterWorkflow: { windows: [{ window: 7, deviceId: 'lineB', unit: 5, categories: ['B', 'C'] }], transferCategories: { '1': 'C' } },
    });
    const w = resolveCounterWorkflowConfig(config, undefined);
    expect(w.windows).toEqual([{ window: 7, deviceId: 'lineB', unit: 5, categories: ['B', 'C'] }]);
    expect(w.transferCategories).toEqual({ '1': 'C' });
    expect(resolveCounterWorkflowConfig(config, { windows: [{ window: 1, deviceId: 'lineA', unit: 2 }] }).windows)
      .toEqual([{ window: 1, deviceId: 'lineA', unit: 2, categories: [] }]);
    expect(() => resolveCounterWorkflowConfig(config, { windows: [{ window: 1, deviceId: 'printer', unit: 1 }] }))
      .toThrow(/counterWorkflow\.windows\.0\.deviceId: window 1: "printer" is no enabled counterbus device/);
  });

  it('refuses windows on no polled terminal, twice-used windows or terminals, naming the field', () => {
    expect(problems({ devices, counterWorkflow: { windows: [{ window: 1, deviceId: 'nope', unit: 1 }] } }))
      .toEqual([expect.stringMatching(/^counterWorkflow\.windows\[0\]\.deviceId: .*"nope" is no enabled counterbus device/)]);
    expect(problems({ devices, counterWorkflow: { windows: [{ window: 1, deviceId: 'lineA', unit: 3 }] } }))
      .toEqual([expect.stringMatching(/^counterWorkflow\.windows\[0\]\.unit: .*lineA does not poll unit 3 \(units: 1, 2\)/)]);
    expect(problems({ devices, counterWorkflow: { windows: [{ window: 1, deviceId: 'lineA', unit: 1 }, { window: 2, deviceId: 'lineA', unit: 1 }] } }))
      .toEqual([expect.stringMatching(/^counterWorkflow\.windows\[1\]\.unit: terminal lineA unit 1 serves two windows/)]);
    expect(problems({ devices, counterWorkflow: { windows: [], extra: 1 } })).toHaveLength(1);
  });
});
