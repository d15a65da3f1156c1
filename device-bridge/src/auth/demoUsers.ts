/**
 * The demo's staff accounts (`npm start` with simulators): for trying the technician console and the manager
 * dashboard on a demo machine only. Never use them on a real site: a site's config lists its own users with
 * hashes from `tsx device-bridge/src/auth/hash-password.ts`.
 *
 * | user      | password          | role        |
 * |-----------|-------------------|-------------|
 * | `tech`    | `onedoor-tech`    | technician  |
 * | `manager` | `onedoor-manager` | manager     |
 * | `district`| `onedoor-district`| district    |
 * | `clerk`   | `onedoor-clerk`   | clerk       |
 */
import type { StaffUser } from './staffAuth.ts';

export const DEMO_PASSWORDS: Readonly<Record<'tech' | 'manager' | 'district' | 'clerk', string>> = Object.freeze({
  tech: 'onedoor-tech',
  manager: 'onedoor-manager',
  district: 'onedoor-district',
  clerk: 'onedoor-clerk',
});

/** Ready for a bridge config's `users` (hashes of DEMO_PASSWORDS, made once with hash-password.ts). */
export const DEMO_USERS: readonly StaffUser[] = Object.freeze([
  { name: 'tech', role: 'technician', passwordHash: 'scrypt$16384$8$1$vWCqHwpyplTh-pMBKu9VQw$hbgqlsWQn7uZA8L7d73d6Z1yrL-hsSZCN5R4_64CqZI' },
  { name: 'manager', role: 'manager', passwordHash: 'scrypt$16384$8$1$BLLjdhgPrBZxy-JAvav-SA$JHkreOqVR4szRb-FTvkjHRYJ7sw_rfp1mlaHxWfTLBI' },
  { name: 'district', role: 'district', passwordHash: 'scrypt$16384$8$1$numq6xjI45mhpyY_z2_NEg$kcG0l7X_-qMoRgk09-fNqpGZMfhf3Pnlc88a48Uq2Ro' },
  { name: 'clerk', role: 'clerk', passwordHash: 'scrypt$16384$8$1$KbqabOkSXQusFMd_d9Iimg$NGV0_Bl823fKOTNPClpWCXKXtrWvu1-7O_-9GHscSOA' },
]);
