/**
 * Behaviours a test (or a scenario) adds to a simulated device, or that override its model, without a new fault
 * kind in the device's code: "unit 2 answers every read with exception 04", "apply the ack but lose its echo",
 * "answer with these raw bytes". Modelled on zwave-js's mock controller behaviours.
 *
 * A behaviour sees each request the device would answer and decides: pass (the model, or an older behaviour,
 * answers), stay silent, answer with another reply, or put raw bytes on the wire. `model()` runs the device's own
 * reaction (which may change its state: an ack removes events) and returns its reply, so a behaviour can keep the
 * effect and change only the answer. Behaviours defined later are asked first; defining one with a name in use
 * replaces it.
 */

export type BehaviorAnswer<R> =
  | { kind: 'pass' }
  | { kind: 'silent' }
  | { kind: 'reply'; reply: R; delayMs?: number }
  | { kind: 'bytes'; bytes: Uint8Array; delayMs?: number };

export interface Behavior<Q, R> {
  name: string;
  /** `model()` may be called at most once per request; later calls return the same reply. */
  answer(request: Q, model: () => R | null): BehaviorAnswer<R>;
}

export class BehaviorSet<Q, R> {
  private list: Behavior<Q, R>[] = [];

  /** Adds (or replaces, by name) a behaviour; returns a function that removes it. */
  define(behavior: Behavior<Q, R>): () => void {
    this.list = [behavior, ...this.list.filter((b) => b.name !== behavior.name)];
    return () => this.remove(behavior.name);
  }

  remove(name: string): void {
    this.list = this.list.filter((b) => b.name !== name);
  }

  names(): string[] {
    return this.list.map((b) => b.name);
  }

  /**
   * What to do with `request`: the first answer that is not `pass`, else the model's reply (`null`: the model stays
   * silent). The model runs at most once whoever asks for it.
   */
  decide(request: Q, model: () => R | null): Exclude<BehaviorAnswer<R>, { kind: 'pass' }> {
    let ran = false;
    let reply: R | null = null;
    const once = () => {
      if (!ran) {
        ran = true;
        reply = model();
      }
      return reply;
    };
    for (const b of this.list) {
      const a = b.answer(request, once);
      if (a.kind !== 'pass') return a;
    }
    const r = once();
    return r === null ? { kind: 'silent' } : { kind: 'reply', reply: r };
  }
}
