/**
 * Generic access to a device's printed-ticket history, so the control API needs no import of the printer model: a
 * device is a ticket source when it has a `tickets` property (an array, or a method returning one). Each ticket has
 * a `seq` number (else its position, from 1), its text rendering (`text` string or method) and its PNG (`png` bytes or
 * a method returning bytes or a promise of them).
 */
import type { SimDevice } from '../core/device.ts';

export interface TicketSummary {
  seq: number;
  /** First non-empty line of the text rendering, for lists. */
  title: string;
  [extra: string]: unknown;
}

type Bytes = Uint8Array;
type RawTicket = Record<string, unknown>;

function rawTickets(device: SimDevice): RawTicket[] | null {
  const t = (device as unknown as Record<string, unknown>).tickets;
  const list = typeof t === 'function' ? (t as () => unknown).call(device) : t;
  return Array.isArray(list) ? (list as RawTicket[]) : null;
}

export function hasTickets(device: SimDevice): boolean {
  return rawTickets(device) !== null;
}

function seqOf(t: RawTicket, index: number): number {
  return typeof t.seq === 'number' ? t.seq : index + 1;
}

async function value(t: RawTicket, ...names: string[]): Promise<unknown> {
  for (const n of names) {
    const v = t[n];
    if (typeof v === 'function') return await (v as () => unknown).call(t);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function ticketText(t: RawTicket): Promise<string | undefined> {
  return value(t, 'text', 'toText').then((v) => (typeof v === 'string' ? v : undefined));
}

/** Summaries (no PNG, no full text) of every ticket of a source device; null when the device keeps no tickets. */
export async function listTickets(device: SimDevice): Promise<TicketSummary[] | null> {
  const list = rawTickets(device);
  if (!list) return null;
  const out: TicketSummary[] = [];
  for (const [i, t] of list.entries()) {
    const text = (await ticketText(t)) ?? '';
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) {
      // Scalars only: the list stays small and never carries image bytes.
      if (typeof v === 'string' && k !== 'text') extra[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') extra[k] = v;
    }
    out.push({ ...extra, seq: seqOf(t, i), title: text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '' });
  }
  return out;
}

export async function findTicket(device: SimDevice, seq: number): Promise<RawTicket | undefined> {
  const list = rawTickets(device) ?? [];
  return list.find((t, i) => seqOf(t, i) === seq);
}

export async function ticketPng(t: RawTicket): Promise<Bytes | undefined> {
  const v = await value(t, 'png', 'toPng', 'renderPng');
  return v instanceof Uint8Array ? v : undefined;
}
