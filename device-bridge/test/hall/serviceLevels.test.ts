// Service levels (README "Running the hall floor") on both real hall stores: the queue figures of a morning crossed
// against per-category and per-window limits give yellow and red, an alert per crossed limit, and the CSV rows of
// the day's figures against the limits.
import { afterEach, describe, expect, it } from 'vitest';
import type { Citizen } from '../../src/hall/citizen.ts';
import { dashboardCsv } from '../../src/hall/dashboardCsv.ts';
import { queueFigures } from '../../src/hall/dashboardFigures.ts';
import { evaluateServiceLevels, serviceLevelAlerts, serviceLevelRows, serviceLevelsSchema } from '../../src/hall/serviceLevels.ts';
import { BUS, openWorkflowRig, type WorkflowRig } from '../counter/workflowRig.ts';
import { STORE_BACKENDS } from './fixture.ts';

const person = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });
const MINUTE = 60_000;

describe.each(STORE_BACKENDS)('service levels on $name', (backend) => {
  let rig: WorkflowRig;
  afterEach(async () => rig?.close());

  it('colours a long wait red, a long queue yellow and an idle window while tickets wait, and raises alerts', async () => {
    rig = await openWorkflowRig({ windows: [{ window: 1, deviceId: BUS, unit: 1, categories: ['A'] }, { window: 2, deviceId: BUS, unit: 2, categories: ['B'] }] },
      undefined, backend);
    const levels = serviceLevelsSchema.parse({
      categories: { default: { queueLength: { yellow: 3, red: 10 } }, A: { longestWaitMinutes: { yellow: 10, red: 20 }, queueLength: { yellow: 3, red: 10 } } },
      windows: { default: { idleMinutes: { yellow: 5, red: 15 } } },
    });
    await rig.press(1, 'pause');
    await rig.press(1, 'resume'); // window 1 idle from now
    for (let i = 1; i <= 3; i++) await rig.take(person(i), 'A'); // a minute apart
    await rig.take(person(9), 'B');
    rig.fx.clock.advance(20 * MINUTE);
    const { store, clock } = rig.fx;
    const windows = (await rig.workflow.board()).windows.map((w) => ({ ...w, categories: w.window === 1 ? ['A'] : ['B'] }));
    const q = await queueFigures(store, clock.today(), clock.now(), windows);
    const crossed = evaluateServiceLevels(q, levels, clock.now());
    const summary = crossed.map((l) => `${l.scope} ${l.key} ${l.measure} ${l.state}`);
    // A: oldest waiting 23 min (red), 3 waiting (yellow); B: 1 waiting (within); window 1 idle 23 min with A waiting
    // (red), window 2 idle but its state changed never (no idle time known: within).
    expect(summary).toEqual(['category A longestWait red', 'window 1 idleWindow red', 'category A queueLength yellow']);
    expect(crossed[0].value).toBe(23);
    const alerts = serviceLevelAlerts(crossed);
    expect(alerts.map((a) => a.severity)).toEqual(['critical', 'critical', 'warning']);
    expect(alerts[0]).toMatchObject({ kind: 'serviceLevel', message: expect.stringContaining('category A') });

    // Serving them clears the queue limits; the CSV shows the day's figures against the limits.
    for (let i = 0; i < 3; i++) {
      await rig.press(1, 'callNext');
      await rig.press(1, 'finish');
    }
    const after = await queueFigures(store, clock.today(), clock.now(), windows);
    expect(evaluateServiceLevels(after, levels, clock.now()).filter((l) => l.key === 'A')).toEqual([]);
    const rows = serviceLevelRows(after, levels);
    expect(rows).toContainEqual(['服务水平 service level', '类别 A', '最长等候 / longest wait', 23, 10, 20, 'red']);
    const csv = dashboardCsv({ day: clock.today(), queue: after, today: { day: clock.today(), tickets: 4, served: 3, noShows: 0, ratings: [0, 0, 0, 0, 0], openBadReviews: [], appointmentsBooked: 0, appointmentsCheckedIn: 0 },
      timeLimits: { yellow: 0, red: 0, items: [] }, serviceLevelRows: rows });
    expect(csv).toContain('服务水平 service level,类别 A,最长等候 / longest wait,23,10,20,red');
  });
});

describe('serviceLevelsSchema', () => {
  it('refuses red below yellow, naming the field', () => {
    const r = serviceLevelsSchema.safeParse({ categories: { A: { queueLength: { yellow: 10, red: 5 } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path.join('.')).toBe('categories.A.queueLength.red');
  });
});
