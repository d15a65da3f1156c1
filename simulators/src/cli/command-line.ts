/**
 * Turns a technician's line (`place card zhang-san`, `paper out`, `press 3 callNext`, `rate 3 1`,
 * `counterbus fault-late 3 500`, `idreader vanish 2000`) into a device action, using only what each simulator
 * reports through `actions()`; no device is special-cased, so a new action works in the CLI the day it exists.
 *
 * Matching: the words of an action name (`place-card`, `placeCard` -> place, card) must start the line (or the name is
 * typed as is). A leading device id or kind picks the device; otherwise the action must be unique across devices, or
 * the word after it must name one (`vanish printer`). Remaining words fill the action's args in order (the last one
 * takes the rest of the line, so holder names may contain spaces); `name=value` words set args by name.
 */
import type { SimActionInfo } from '../core/device.ts';

export interface SimSummary {
  id: string;
  kind: string;
  actions: SimActionInfo[];
}

export interface ResolvedAction {
  id: string;
  name: string;
  args: Record<string, string>;
}

/** Split on spaces, keeping quoted parts ("JOHN SMITH", holder='A B') together, quotes removed. */
export function tokenize(line: string): string[] {
  const words = line.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  return words.map((w) => w.replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

/** `place-card`, `place_card`, `placeCard` -> ['place', 'card']. */
export function actionWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** How many leading tokens name this action (0 = no match). */
function matchLength(tokens: string[], action: string): number {
  if (tokens.length > 0 && tokens[0].toLowerCase() === action.toLowerCase()) return 1;
  const words = actionWords(action);
  if (words.length === 0 || tokens.length < words.length) return 0;
  return words.every((w, i) => tokens[i].toLowerCase() === w) ? words.length : 0;
}

function findSim(sims: SimSummary[], token: string | undefined): SimSummary | undefined {
  if (token === undefined) return undefined;
  const t = token.toLowerCase();
  return sims.find((s) => s.id.toLowerCase() === t) ?? sims.find((s) => s.kind === t);
}

function fillArgs(action: SimActionInfo, rest: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  const positional: string[] = [];
  for (const tok of rest) {
    const eq = /^([A-Za-z_][\w-]*)=(.*)$/.exec(tok);
    if (eq) args[eq[1]] = eq[2];
    else positional.push(tok);
  }
  const free = action.args.filter((a) => !(a in args));
  if (positional.length > 0 && free.length === 0) {
    throw new Error(`${action.name} takes no more arguments, got "${positional.join(' ')}"`);
  }
  free.forEach((name, i) => {
    if (i >= positional.length) return;
    args[name] = i === free.length - 1 ? positional.slice(i).join(' ') : positional[i];
  });
  return args;
}

/** Resolve a line against the running simulators; throws an Error saying what is unknown or ambiguous. */
export function resolveAction(line: string, sims: SimSummary[]): ResolvedAction {
  let tokens = tokenize(line);
  if (tokens.length === 0) throw new Error('empty command');
  let pool = sims;
  const named = findSim(sims, tokens[0]);
  if (named && tokens.length > 1) {
    pool = [named];
    tokens = tokens.slice(1);
  }
  let best = 0;
  let hits: Array<{ sim: SimSummary; action: SimActionInfo }> = [];
  for (const sim of pool) {
    for (const action of sim.actions) {
      const n = matchLength(tokens, action.name);
      if (n === 0 || n < best) continue;
      if (n > best) hits = [];
      best = n;
      hits.push({ sim, action });
    }
  }
  if (hits.length === 0) {
    const where = pool.length === 1 ? `${pool[0].id} has` : 'no simulator has';
    throw new Error(`${where} an action "${tokens.join(' ')}"; type help for the list`);
  }
  let rest = tokens.slice(best);
  if (hits.length > 1) {
    // `vanish printer`: the device named right after the action settles it.
    const after = findSim(
      hits.map((h) => h.sim),
      rest[0],
    );
    const hit = after && hits.find((h) => h.sim === after);
    if (!hit) {
      throw new Error(
        `"${tokens.slice(0, best).join(' ')}" exists on ${hits.map((h) => h.sim.id).join(', ')}: ` +
          `put the device first, e.g. "${hits[0].sim.id} ${hits[0].action.name}"`,
      );
    }
    hits = [hit];
    rest = rest.slice(1);
  }
  const { sim, action } = hits[0];
  return { id: sim.id, name: action.name, args: fillArgs(action, rest) };
}
