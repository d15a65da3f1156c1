/**
 * The counter workflow over a real SQLite hall (fixture.ts) with terminals recorded in memory (a double of the
 * bus driver's four writes: pure workflow logic, no line). `press` feeds an event as the driver would.
 */
import type { CounterKeyName, CounterLed, CounterRating, CounterTerminalEvent } from '@onedoor/protocol';
import { silentLogger } from '../../src/log.ts';
import type { Citizen } from '../../src/hall/citizen.ts';
import { parseCounterWorkflowConfig, type CounterWorkflowConfigInput } from '../../src/hall/counterConfig.ts';
import type { CounterTerminalPort } from '../../src/hall/counterOutputs.ts';
import { CounterWorkflow, type AppliedCounterEvent } from '../../src/hall/counterWorkflow.ts';
import { QueueService } from '../../src/hall/queue.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { openHallFixture, type HallFixture, type StoreBackend } from '../hall/fixture.ts';
import { sqliteBackend } from '../store/backends.ts';

export const BUS = 'counters';

export interface TerminalRecord {
  text: string;
  mode: number;
  led: CounterLed;
  beeps: number;
  ratingPad: boolean;
  texts: string[];
}

export class RecordingTerminals implements CounterTerminalPort {
  readonly units = new Map<number, TerminalRecord>();

  of(unit: number): TerminalRecord {
    let r = this.units.get(unit);
    if (!r) this.units.set(unit, (r = { text: '', mode: 0, led: 'off', beeps: 0, ratingPad: false, texts: [] }));
    return r;
  }

  async showText(unit: number, text: string, mode = 0): Promise<void> {
    const r = this.of(unit);
    r.text = text;
    r.mode = mode;
    r.texts.push(text);
  }

  async beep(unit: number, times: number): Promise<void> {
    this.of(unit).beeps += times;
  }

  async setRatingPad(unit: number, on: boolean): Promise<void> {
    this.of(unit).ratingPad = on;
  }

  async setLed(unit: number, led: CounterLed): Promise<void> {
    this.of(unit).led = led;
  }
}

/** A store whose every call fails while `down` (the hall database unreachable), else the real one. */
export function failableStore(real: HallStore): { store: HallStore; setDown(down: boolean): void } {
  let down = false;
  const store = new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (down ? Promise.reject(new Error('SQLITE_IOERR: disk I/O error (test: database down)')) : (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { store, setDown: (d) => (down = d) };
}

export interface WorkflowRig {
  fx: HallFixture;
  queue: QueueService;
  workflow: CounterWorkflow;
  terminals: RecordingTerminals;
  applied: AppliedCounterEvent[];
  calls: Array<{ text: string; recall: number; callId: string; reason?: string }>;
  /** Feeds one event and waits until it was applied (or deferred when the store is down). */
  press(unit: number, key: CounterKeyName, arg?: number, eventId?: string): Promise<AppliedCounterEvent | undefined>;
  rate(unit: number, rating: CounterRating, eventId?: string): Promise<AppliedCounterEvent | undefined>;
  take(c: Citizen | null, category: string, flags?: { disabled?: boolean }): Promise<{ id: number; number: string }>;
  close(): Promise<void>;
}

let seq = 0;

export async function openWorkflowRig(config: CounterWorkflowConfigInput, store?: (real: HallStore) => HallStore,
  backend: StoreBackend = sqliteBackend): Promise<WorkflowRig> {
  const fx = await openHallFixture('2026-11-25', '09:00', true, backend);
  const terminals = new RecordingTerminals();
  const workflow = new CounterWorkflow({
    store: store ? store(fx.store) : fx.store,
    clock: fx.clock,
    config: parseCounterWorkflowConfig({ refusalShowMs: 60_000, retryMs: 50, ...config }),
    terminals: (id) => (id === BUS ? terminals : undefined),
    log: silentLogger(),
  });
  const applied: AppliedCounterEvent[] = [];
  const calls: WorkflowRig['calls'] = [];
  workflow.events.on('applied', (a) => applied.push(a));
  workflow.events.on('call', (c) => calls.push(c));
  const queue = new QueueService(fx.store, fx.clock);
  const feed = async (ev: CounterTerminalEvent & { eventId?: string }) => {
    const before = applied.length;
    const id = workflow.receive(ev);
    await workflow.settled();
    return applied.slice(before).find((a) => a.eventId === id);
  };
  return {
    fx, queue, workflow, terminals, applied, calls,
    press: (unit, key, arg = 0, eventId) =>
      feed({ deviceId: BUS, unit, key, arg, at: fx.clock.now(), eventId: eventId ?? `test-${++seq}` } as CounterTerminalEvent & { eventId: string }),
    rate: (unit, rating, eventId) => feed({ deviceId: BUS, unit, key: 'rating', rating, at: fx.clock.now(), eventId: eventId ?? `test-${++seq}` }),
    take: async (c, category, flags) => {
      fx.clock.advance(60_000); // issue times one minute apart
      return queue.takeTicket(c, category, flags);
    },
    close: async () => {
      workflow.close();
      await fx.cleanup();
    },
  };
}
