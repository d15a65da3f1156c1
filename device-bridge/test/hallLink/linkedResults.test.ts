/**
 * Collecting results from a kiosk linked to a hall (README "Several kiosks, one hall", "Collecting results (领取结果)"):
 * the linked kiosk's `results` asks the hall over the link (the hall's request handler, hallRequests.ts, on a real
 * hall database: SQLite and PostgreSQL), so the citizen sees the same offers and gets the hall's pickup ticket; a
 * resend of the same request is answered from the record, not applied twice; the hall's refusals come back as the
 * same rule with its words.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskLinkCitizen, KioskLinkOp } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { HallLinkAnswerError } from '../../src/hallLink/hallLinkClient.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { linkedKioskHall } from '../../src/hallLink/linkedKioskHall.ts';
import { libraryHolder, seedBasics, SERVICE_A, STORE_BACKENDS } from '../hall/fixture.ts';
import type { StoreTarget } from '../store/backends.ts';

describe.each(STORE_BACKENDS)('linked kiosk results on $name', (backend) => {
  let target: StoreTarget;
  let hall: KioskHall;
  let kiosk: KioskHall;
  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  let requestIds: string[];
  /** The next request is a resend of the last one (the same request id). */
  let resend = false;

  beforeEach(async () => {
    target = await backend.create();
    hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: async (store) => {
      await seedBasics(store);
      await store.upsertQueueCategory({ letter: 'R', name: '领取结果', defaultServiceMinutes: 2 });
    } });
    const now = hall.clock.now();
    await hall.store!.insertApplication({ serial: 'GD20261101000001', serviceId: SERVICE_A, applicantNumber: zhang.number, status: 'done',
      acceptedAt: now - 10 * 86_400_000, acceptedDay: hall.clock.dayOf(now - 10 * 86_400_000), result: '准予', commitments: [], updatedAt: now - 86_400_000 });
    const handle = hallRequestHandler({ hall });
    requestIds = [];
    resend = false;
    // The link as the kiosk's client uses it: one request id per call (a resend reuses the last one).
    const link = {
      request: async (op: KioskLinkOp, citizen: unknown, args: unknown[]) => {
        const requestId = resend ? requestIds.at(-1)! : randomUUID();
        requestIds.push(requestId);
        const answer = await handle('kiosk-2', { requestId, op, ...(citizen ? { citizen: citizen as KioskLinkCitizen } : {}), args });
        if (!answer.ok) throw new HallLinkAnswerError(answer);
        return answer.result;
      },
    };
    kiosk = linkedKioskHall(link, target.dir, silentLogger());
  });

  afterEach(async () => {
    await kiosk.close();
    await hall.close();
    await target.destroy();
  });

  it('offers the hall\'s finished applications and takes the pickup ticket at the hall, once per request', async () => {
    const offers = await kiosk.results!.offers(zhang);
    expect(offers.map((o) => [o.serial, o.modes, o.state])).toEqual([['GD20261101000001', ['counter'], null]]);
    const out = await kiosk.results!.collect({ citizen: zhang, serial: 'GD20261101000001', mode: 'counter' });
    expect(out.ticket).toMatchObject({ number: 'R001', category: 'R' });
    expect(out.offer).toMatchObject({ state: 'ticketIssued', ticketNumber: 'R001' });
    resend = true;
    const resent = await kiosk.results!.collect({ citizen: zhang, serial: 'GD20261101000001', mode: 'counter' });
    expect(resent.ticket?.number).toBe('R001');
    expect(await hall.store!.countKioskRequests('kiosk-2')).toBe(1);
    expect(await hall.store!.getResultCollection('GD20261101000001')).toMatchObject({ mode: 'counter', state: 'ticketIssued' });
    expect(kiosk.results!.pickupCategory).toBe('R');
  });

  it('the hall\'s refusal comes back as the same rule with its words', async () => {
    const err = await kiosk.results!.collect({ citizen: zhang, serial: 'GD20261101000001', mode: 'post', address: '广州市天河区体育西路1号', phone: '13800138000' })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(HallRuleError);
    expect(err).toMatchObject({ code: 'resultModeNotOffered', zh: '该事项不提供这种领取方式，请重新选择' });
    expect(await hall.store!.getResultCollection('GD20261101000001')).toBeUndefined();
  });
});
