/**
 * Scenario files: JSON scripts of simulator actions with waits, for demos and tests.
 *
 *   { "name": "...", "description": "...", "steps": [
 *       { "do": "idreader.placeCard", "args": { "holder": "..." } },   // <device id or kind>.<action>
 *       { "wait": 1500 },                                               // milliseconds
 *       { "expect": { "printer.paper": "out" }, "within": 3000 },       // snapshot fields (dotted paths) to equal
 *       { "say": "the citizen walks away" }                             // a line in the log / CLI output
 *   ] }
 *
 * A bare array of steps is accepted too. `expect` paths start with a device id (or kind); `<id>.link.<field>` looks
 * at the link snapshot (e.g. "idreader.link.up"). `within` (default 0) keeps re-checking until it holds or time is up.
 * The run stops at the first failing step.
 */
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { SimulatorHub } from '../hub.ts';

export type ScenarioStep =
  | { do: string; args?: Record<string, unknown> }
  | { wait: number }
  | { expect: Record<string, unknown>; within?: number }
  | { say: string };

export interface Scenario {
  name: string;
  description?: string;
  steps: ScenarioStep[];
}

export interface StepReport {
  index: number;
  step: ScenarioStep;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface ScenarioReport {
  name: string;
  ok: boolean;
  steps: StepReport[];
  error?: string;
}

export interface RunScenarioOptions {
  /** Called after each step (the CLI prints them). */
  onStep?: (r: StepReport) => void;
  /** Multiplies every "wait" (0.5 = twice as fast, 0 = no pauses, for tests); "within" is not scaled. Default 1. */
  waitScale?: number;
}

const EXPECT_POLL_MS = 20;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkStep(s: unknown, i: number): ScenarioStep {
  const where = `step ${i + 1}`;
  if (!isObject(s)) throw new Error(`${where}: must be an object, got ${JSON.stringify(s)}`);
  const keys = ['do', 'wait', 'expect', 'say'].filter((k) => k in s);
  if (keys.length !== 1) {
    throw new Error(`${where}: must have exactly one of "do", "wait", "expect", "say", got keys ${Object.keys(s).join(', ')}`);
  }
  if ('do' in s) {
    if (typeof s.do !== 'string' || !/^[^.\s]+\.[^.\s]+$/.test(s.do)) {
      throw new Error(`${where}: "do" must be "<device>.<action>", got ${JSON.stringify(s.do)}`);
    }
    if (s.args !== undefined && !isObject(s.args)) throw new Error(`${where}: "args" must be an object`);
    return { do: s.do, args: s.args as Record<string, unknown> | undefined };
  }
  if ('wait' in s) {
    if (typeof s.wait !== 'number' || !Number.isFinite(s.wait) || s.wait < 0) {
      throw new Error(`${where}: "wait" must be milliseconds >= 0, got ${JSON.stringify(s.wait)}`);
    }
    return { wait: s.wait };
  }
  if ('expect' in s) {
    if (!isObject(s.expect) || Object.keys(s.expect).length === 0) {
      throw new Error(`${where}: "expect" must be an object of "<device>.<field>": value`);
    }
    for (const k of Object.keys(s.expect)) {
      if (!/^[^.\s]+\.\S+$/.test(k)) throw new Error(`${where}: expect key must be "<device>.<field>", got "${k}"`);
    }
    const within = s.within ?? 0;
    if (typeof within !== 'number' || !Number.isFinite(within) || within < 0) {
      throw new Error(`${where}: "within" must be milliseconds >= 0`);
    }
    return { expect: s.expect, within };
  }
  if (typeof s.say !== 'string') throw new Error(`${where}: "say" must be a string`);
  return { say: s.say };
}

/** Validate a parsed scenario (object with steps, or a bare array); throws naming the bad step. */
export function parseScenario(json: unknown, name = 'scenario'): Scenario {
  const body = Array.isArray(json) ? { steps: json } : json;
  if (!isObject(body) || !Array.isArray(body.steps)) {
    throw new Error('a scenario must be {"steps": [...]} or an array of steps');
  }
  return {
    name: typeof body.name === 'string' ? body.name : name,
    description: typeof body.description === 'string' ? body.description : undefined,
    steps: body.steps.map(checkStep),
  };
}

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read scenario ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`scenario ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, file.replace(/^.*\//, '').replace(/\.json$/, ''));
}

/** Read `<device>.<path>` from the hub: `link.` paths from the link snapshot, the rest from the device snapshot. */
export function readSimPath(hub: SimulatorHub, key: string): unknown {
  const [device, ...path] = key.split('.');
  const info = hub.info(device);
  let v: unknown = path[0] === 'link' ? info.link : info.snapshot;
  for (const p of path[0] === 'link' ? path.slice(1) : path) {
    v = isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
  }
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectStep(hub: SimulatorHub, step: { expect: Record<string, unknown>; within?: number }) {
  const deadline = Date.now() + (step.within ?? 0);
  for (;;) {
    const wrong = Object.entries(step.expect)
      .map(([k, want]) => ({ k, want, got: readSimPath(hub, k) }))
      .filter((x) => !isDeepStrictEqual(x.got, x.want));
    if (wrong.length === 0) return { checked: Object.keys(step.expect) };
    if (Date.now() >= deadline) {
      throw new Error(
        wrong.map((w) => `${w.k} is ${JSON.stringify(w.got)}, expected ${JSON.stringify(w.want)}`).join('; ') +
          (step.within ? ` (after ${step.within} ms)` : ''),
      );
    }
    await sleep(EXPECT_POLL_MS);
  }
}

async function runStep(hub: SimulatorHub, step: ScenarioStep, waitScale: number): Promise<unknown> {
  if ('do' in step) {
    const dot = step.do.indexOf('.');
    return hub.act(step.do.slice(0, dot), step.do.slice(dot + 1), step.args ?? {});
  }
  if ('wait' in step) return sleep(step.wait * waitScale);
  if ('expect' in step) return expectStep(hub, step);
  hub.emit('log', { id: 'scenario', at: new Date().toISOString(), dir: 'say', note: step.say });
  return step.say;
}

/** Run a scenario (a file path, a parsed Scenario, or raw JSON) against the hub; stops at the first failing step. */
export async function runScenario(
  hub: SimulatorHub,
  scenario: string | Scenario | unknown,
  opts: RunScenarioOptions = {},
): Promise<ScenarioReport> {
  const waitScale = opts.waitScale ?? 1;
  if (!Number.isFinite(waitScale) || waitScale < 0) throw new Error(`waitScale must be a number >= 0, got ${waitScale}`);
  const sc = typeof scenario === 'string' ? await loadScenario(scenario) : parseScenario(scenario);
  const report: ScenarioReport = { name: sc.name, ok: true, steps: [] };
  for (const [index, step] of sc.steps.entries()) {
    let r: StepReport;
    try {
      const result = await runStep(hub, step, opts.waitScale ?? 1);
      r = { index, step, ok: true, result: result ?? undefined };
    } catch (err) {
      r = { index, step, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    report.steps.push(r);
    opts.onStep?.(r);
    if (!r.ok) {
      report.ok = false;
      report.error = `step ${index + 1} failed: ${r.error}`;
      break;
    }
  }
  return report;
}
