/**
 * Phone sessions in the hall database (README "The phone channel", docs/mobile-codes.md "The hand-off token" and
 * "The phone session"): a kiosk's one-time hand-off and the phone session it opens, stored so any instance of the
 * hall can serve the phone (README "Many instances"). Only the SHA-256 of each token is stored, never the token.
 *
 * The holder (number, name, birth date, card expiry) is personal data held only while the row is live
 * (hall-rules.md "Privacy": a session's personal data is wiped when it ends): a used hand-off keeps no holder, and
 * rows are deleted at logout and when they expire (`purgePhoneSessions`).
 */
import type { Citizen } from '../hall/citizen.ts';

export type PhoneSessionKind = 'handoff' | 'session';

export interface PhoneSessionRecord {
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  kind: PhoneSessionKind;
  /** The citizen the phone acts for; null once a hand-off is used (wiped). */
  holder: Citizen | null;
  /** Where it came from: a hand-off's kiosk session (hashed), a session's hand-off (hashed). */
  origin: string;
  /** The kiosk that handed off (the audit and the log say where a phone session came from). */
  kioskId: string;
  createdAt: number;
  /** Epoch ms; a session's slides forward on use. */
  expiresAt: number;
  /** A hand-off's first (and only) use; null while unused and for sessions. */
  usedAt: number | null;
}

/** Why a hand-off could not be taken: never issued (or another hall's), used before, or past its expiry. */
export type PhoneHandoffTake = { ok: true; record: PhoneSessionRecord } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** The stored form of the holder, and back (the columns: holder_number for lookup and wiping, holder as JSON). */
export function holderColumns(holder: Citizen | null): { number: string | null; json: string | null } {
  return holder ? { number: holder.number, json: JSON.stringify(holder) } : { number: null, json: null };
}

export function phoneSessionFromRow(r: Record<string, unknown>): PhoneSessionRecord {
  return {
    tokenHash: String(r.token_hash),
    kind: String(r.kind) as PhoneSessionKind,
    holder: r.holder == null ? null : (JSON.parse(String(r.holder)) as Citizen),
    origin: String(r.origin),
    kioskId: String(r.kiosk_id),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at == null ? null : Number(r.used_at),
  };
}

/** The answer to a hand-off that could not be taken, from its row as it is now (or none). */
export function handoffRefusalOf(row: PhoneSessionRecord | undefined, now: number): PhoneHandoffTake {
  if (!row || row.kind !== 'handoff') return { ok: false, reason: 'unknown' };
  if (row.usedAt !== null) return { ok: false, reason: 'used' };
  return { ok: false, reason: row.expiresAt <= now ? 'expired' : 'unknown' };
}

/** Migration 18's table, the same text on both backends (BIGINT is an INTEGER on SQLite). */
export const PHONE_SESSIONS_SQL = `
      CREATE TABLE phone_sessions (
        hall_id       TEXT NOT NULL DEFAULT '',
        token_hash    TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('handoff', 'session')),
        holder_number TEXT,
        holder        TEXT,
        origin        TEXT NOT NULL,
        kiosk_id      TEXT NOT NULL,
        created_at    BIGINT NOT NULL,
        expires_at    BIGINT NOT NULL,
        used_at       BIGINT,
        PRIMARY KEY (hall_id, token_hash)
      );
      CREATE INDEX phone_sessions_expiry ON phone_sessions (hall_id, expires_at);
      CREATE INDEX phone_sessions_origin ON phone_sessions (hall_id, origin);
    `;

export const PHONE_SESSIONS_MIGRATION = {
  version: 18,
  name: 'phone sessions: kiosk hand-off tokens and phone sessions (hashes only), any instance serves them',
  sql: PHONE_SESSIONS_SQL,
};
