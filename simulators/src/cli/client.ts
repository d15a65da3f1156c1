/** The one-shot subcommands (`act`, `status`, `scenario`) talk to a running instance through its control API. */
import type { SimInfo } from '../hub.ts';
import type { ScenarioReport } from '../control/scenario.ts';
import { DEFAULT_CONTROL_PORT } from './help.ts';

export class ControlClient {
  constructor(readonly url: string) {}

  static fromFlags(control: string | undefined, port: number | undefined): ControlClient {
    const url = control ?? process.env.ONEDOOR_SIM_URL ?? `http://127.0.0.1:${port ?? DEFAULT_CONTROL_PORT}`;
    return new ControlClient(url.replace(/\/+$/, ''));
  }

  async sims(): Promise<SimInfo[]> {
    return ((await this.request('GET', '/api/sims')) as { sims: SimInfo[] }).sims;
  }

  sim(id: string): Promise<SimInfo> {
    return this.request('GET', `/api/sims/${encodeURIComponent(id)}`) as Promise<SimInfo>;
  }

  async act(id: string, name: string, args: Record<string, unknown>): Promise<unknown> {
    const path = `/api/sims/${encodeURIComponent(id)}/actions/${encodeURIComponent(name)}`;
    return ((await this.request('POST', path, args)) as { result: unknown }).result;
  }

  runScenario(scenario: unknown): Promise<ScenarioReport> {
    return this.request('POST', '/api/scenarios/run', scenario, true) as Promise<ScenarioReport>;
  }

  /** JSON request; an error status throws the API's message (or returns the body when `bodyOnError`). */
  private async request(method: string, path: string, body?: unknown, bodyOnError = false): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new Error(`no onedoor-sim control API at ${this.url} (start one with: onedoor-sim start; or pass --control <url>)`);
    }
    const data = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as { error?: string };
    if (!res.ok && !(bodyOnError && 'steps' in data)) throw new Error(data.error ?? `HTTP ${res.status}`);
    return data;
  }
}
