/**
 * Applying at a kiosk linked to a hall (README "Applying at the kiosk (接件受理)", "Several kiosks, one hall").
 *
 * What stays at the kiosk: the card. The commitment's signing act is the applicant's own card placed again on THIS
 * kiosk's reader, so the check that it matches the session's holder runs here, where the card is read; a different
 * card is refused here and nothing reaches the hall (not even its number).
 *
 * What lives at the hall: everything else, including the half-done application's signed commitments. The hall
 * records a commitment with its own clock, the kiosk id it knows from the link token and the catalogue's text
 * version, so it must hold the signature from the signing until the submit. The kiosk session's token never leaves
 * the kiosk; the hall keys a session's signatures by the kiosk id, the token's SHA-256 (the same `origin` the phone
 * hand-offs use, hall/phoneSessions.ts) and the citizen's number, so no other kiosk, session or citizen can submit
 * with them. When the kiosk session ends, the hall is told to forget them (`intake.forget`), as the local
 * IntakeService forgets a session's.
 *
 * The submit is a mutating link op (deduplicated by the link's requestId, its answer persisted at the hall) and the
 * hall's IntakeService dedupes by (kiosk id, the kiosk command's requestId) too, so a double tap, a resend after a
 * reconnect or a second command with the same requestId all get the one application. The 需提交 ticket or slot is
 * issued by the hall inside the submit's own transaction (its queue and appointment rules, the same ones the linked
 * `queue.take` and `appointments.book` run), so an application never exists without its ticket or the reverse.
 */
import type { KioskLinkOp } from '@onedoor/protocol';
import type { z } from 'zod';
import type { KioskIntakeFunctions } from '../api/kioskHall.ts';
import type { Citizen } from '../hall/citizen.ts';
import { HallRuleError } from '../hall/errors.ts';
import { refuseOtherCard } from '../hall/intake.ts';
import { tokenHashOf } from '../hall/phoneSessions.ts';
import { intakeAnswerSchemas } from './intakeLinkSchemas.ts';
import { describeLinkInvalid } from './linkSchemas.ts';

export type LinkAsk = <T>(op: KioskLinkOp, citizen: Citizen | null, ...args: unknown[]) => Promise<T>;

/** The hall's key of a linked kiosk session's signatures for one citizen (see the file comment). */
export function linkedSessionKey(kioskId: string, origin: string, citizenNumber: string): string {
  return `${linkedSessionPrefix(kioskId, origin)}${citizenNumber}`;
}

/** The prefix of every key of one linked kiosk session (its end forgets them all). */
export function linkedSessionPrefix(kioskId: string, origin: string): string {
  return `link\n${kioskId}\n${origin}\n`;
}

/** The kiosk's side: the intake functions asked of the hall, answers parsed (intakeLinkSchemas.ts). */
export function linkedIntake(ask: LinkAsk): KioskIntakeFunctions & { forgetSession(token: string): Promise<void> } {
  // Per session (token hash) that signed something at the hall: `serviceId\nmaterial` of each signature. Only these
  // sessions' ends are told to the hall; the submit names them, so a signature the hall lost (a restart) is refused.
  const signedIn = new Map<string, Set<string>>();
  const parsed = async <S extends z.ZodType>(schema: S, op: KioskLinkOp, c: Citizen | null, ...args: unknown[]): Promise<z.infer<S>> => {
    const r = schema.safeParse(await ask<unknown>(op, c, ...args));
    if (!r.success) throw new Error(`hall answer to ${op}: ${describeLinkInvalid(r.error)}`);
    return r.data;
  };
  return {
    items: () => parsed(intakeAnswerSchemas.items, 'intake.items', null),
    start: (c, serviceId) => parsed(intakeAnswerSchemas.draft, 'intake.start', c, serviceId),
    sign: async (sessionKey, c, serviceId, material, cardNumber) => {
      if (cardNumber !== c.number) refuseOtherCard();
      const origin = tokenHashOf(sessionKey);
      const mine = signedIn.get(origin) ?? new Set<string>();
      signedIn.set(origin, mine);
      const signed = await parsed(intakeAnswerSchemas.signed, 'intake.sign', c, origin, serviceId, material);
      mine.add(`${serviceId}\n${material}`);
      return signed;
    },
    submit: async (req) => {
      const origin = tokenHashOf(req.sessionKey);
      const mine = signedIn.get(origin);
      const forItem = [...(mine ?? [])].filter((k) => k.startsWith(`${req.serviceId}\n`));
      const forget = () => forItem.forEach((k) => mine?.delete(k));
      try {
        const application = await parsed(intakeAnswerSchemas.application, 'intake.submit', req.citizen, origin, req.requestId,
          req.serviceId, req.form, req.bringBy ?? null, forItem.map((k) => k.slice(req.serviceId.length + 1)));
        // The hall drops the item's signatures with the submit; so does the kiosk.
        forget();
        return application;
      } catch (err) {
        // The hall lost them: a new start of the application signs again or hands the material in, not refused again.
        if (err instanceof HallRuleError && err.code === 'commitmentLost') forget();
        throw err;
      }
    },
    listOf: (c) => parsed(intakeAnswerSchemas.applications, 'intake.list', c),
    forgetSession: async (token) => {
      const origin = tokenHashOf(token);
      if (signedIn.delete(origin)) await ask('intake.forget', null, origin);
    },
  };
}
