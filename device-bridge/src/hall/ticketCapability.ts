/**
 * The ticket capability a phone holds (README "The phone channel"): the one secret in `/m#c=<capability>` that lets
 * a phone read one ticket's position and calls, that day, at this hall, and nothing else.
 *
 *   `T1.<ticketId base36>.<YYYYMMDD>.<mac>`
 * - `mac` = base64url of the first 16 bytes of HMAC-SHA256(key, "T1|<hallId>|<ticketId>|<YYYYMMDD>"): 128 bits, so
 *   guessing one is hopeless (at the phone routes' rate limit of 10 wrong tries a minute per address, 2^128 tries),
 *   and the ticket ID or the day cannot be changed without it;
 * - `key` is derived (HKDF-SHA256) from the hall's signing key (hall/signing.ts), so no new secret file is needed and
 *   a capability of another hall (another key, another hall id) is refused as unknown;
 * - stateless: nothing is stored; a capability of another day is refused (the queue is daily, hall-rules.md).
 * It carries no ID number and no name.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { HallSigningKeys } from './signing.ts';
import type { HallDay } from '../store/hallStore.ts';

export const TICKET_CAPABILITY_TAG = 'T1';
/**
 * The appointment code printed on the appointment slip (docs/mobile-codes.md): the same form with tag `A1` and the
 * appointment's id and day; the tag is inside the MAC, so neither kind passes for the other.
 */
export const APPOINTMENT_CODE_TAG = 'A1';
/** The whole shape of a code with `tag`, for zod at the boundary (api/phoneRoutes.ts, api/scannedCodes.ts). */
export const capabilityPattern = (tag: string): RegExp => new RegExp(`^${tag}\\.[0-9a-z]{1,8}\\.\\d{8}\\.[A-Za-z0-9_-]{22}$`);
export const TICKET_CAPABILITY_PATTERN = capabilityPattern(TICKET_CAPABILITY_TAG);

export type CapabilityCheck = { ok: true; ticketId: number; day: HallDay } | { ok: false; reason: 'malformed' | 'unknown' | 'otherDay' };

/** The capability key of a hall: HKDF over its Ed25519 private key, bound to this use. */
export function capabilityKeyOf(keys: Pick<HallSigningKeys, 'privateKey' | 'salt'>): Buffer {
  const ikm = keys.privateKey.export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', ikm, keys.salt, 'onedoor ticket capability v1', 32));
}

/** Capabilities of one kind (`tag`): tickets (`T1`, the default) or appointments (`A1`). */
export class TicketCapabilities {
  private readonly pattern: RegExp;

  constructor(private readonly key: Buffer, private readonly hallId: string, private readonly tag = TICKET_CAPABILITY_TAG) {
    this.pattern = capabilityPattern(tag);
  }

  issue(ticket: { id: number; day: HallDay }): string {
    const day = ticket.day.replace(/-/g, '');
    const id = ticket.id.toString(36);
    return `${this.tag}.${id}.${day}.${this.mac(id, day).toString('base64url')}`;
  }

  /** True for text of this kind's shape (whether it is genuine is `check`'s answer). */
  matches(text: string): boolean {
    return this.pattern.test(text);
  }

  /** Which ticket a capability opens, if it is genuine and of `today`. */
  check(capability: string, today: HallDay): CapabilityCheck {
    if (!this.pattern.test(capability)) return { ok: false, reason: 'malformed' };
    const [, id, day, mac] = capability.split('.') as [string, string, string, string];
    // Compared as text: 22 base64url characters carry 132 bits, so decoding would accept 16 spellings of one MAC.
    const given = Buffer.from(mac, 'ascii');
    const expected = Buffer.from(this.mac(id, day).toString('base64url'), 'ascii');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'unknown' };
    const hallDay = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`;
    if (hallDay !== today) return { ok: false, reason: 'otherDay' };
    return { ok: true, ticketId: parseInt(id, 36), day: hallDay };
  }

  private mac(id: string, day: string): Buffer {
    return createHmac('sha256', this.key).update(`${this.tag}|${this.hallId}|${id}|${day}`).digest().subarray(0, 16);
  }
}
