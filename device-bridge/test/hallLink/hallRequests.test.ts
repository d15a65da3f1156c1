/**
 * The hall side of kiosk requests (hallLink/hallRequests.ts) over a real hall database (SQLite and PostgreSQL): a mutating request is
 * applied once per (kiosk, requestId), concurrently and after a restart (the answer is persisted in kiosk_requests);
 * reads are not recorded; refusals, a missing database and bad requests are answered, never thrown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskFinder, KioskLinkAnswer, KioskLinkCitizen, KioskLinkRequest } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { idNumberCheckChar } from '@onedoor/protocol';
import { CertificateService } from '../../src/hall/certificates.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { KioskRateLimiter, TokenBucket } from '../../src/hallLink/kioskRateLimits.ts';
import { libraryHolder, seedBasics, STORE_BACKENDS } from '../hall/fixture.ts';
import type { StoreTarget } from '../store/backends.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  let target: StoreTarget;
  let hall: KioskHall;
const citizen = citizenFromHolder(libraryHolder('zhang-sanfeng')) as KioskLinkCitizen;
  const take = (requestId: string, category = 'A'): KioskLinkRequest => ({ requestId, op: 'queue.take', citizen, args: [category] });

  beforeEach(async () => {
    target = await backend.create();
    hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: (store) => seedBasics(store) });
  });

  afterEach(async () => {
    await hall.close();
    await target.destroy();
  });

  const ticketsToday = async () => hall.store!.listTickets(hall.clock.today());

  describe('hall requests from linked kiosks', () => {
    it('applies a ticket request once: concurrent resends wait for it, later resends get the recorded answer', async () => {
      const applied: string[] = [];
      const handle = hallRequestHandler({ hall, onApplied: (_k, req) => applied.push(req.requestId) });
      const [a, b] = await Promise.all([handle('kiosk-1', take('r1')), handle('kiosk-1', take('r1'))]);
      expect(a.ok && b.ok).toBe(true);
      expect(applied).toEqual(['r1']);
      const again = await handle('kiosk-1', take('r1'));
      expect(again.replayed).toBe(true);
      expect(again.ok && (again.result as { number: string }).number).toBe(a.ok && (a.result as { number: string }).number);
      expect(await ticketsToday()).toHaveLength(1);
      expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(1);
    });

    it('a walk-in ticket and its record and audit entry are committed together: a write that fails leaves neither', async () => {
      // An audit whose entry the database refuses (a day not of the form YYYY-MM-DD: the table's CHECK), written with
      // the ticket's COMMIT: nothing is committed, the answer is not final, nothing is recorded.
      const refused = Object.assign(async () => undefined, {
        into: async (repo: Pick<NonNullable<KioskHall['store']>, 'appendAccessAudit'>) => void await repo.appendAccessAudit({
          at: Date.now(), day: '25/11/2026', actorKind: 'kiosk', actor: 'kiosk-1', role: null, function: 'queue.take', maskedNumber: null,
          result: 'success', code: null, detail: null }),
      });
      const failing = await hallRequestHandler({ hall, audit: refused })('kiosk-1', take('atomic'));
      expect(failing.ok).toBe(false);
      expect(!failing.ok && failing.failure.kind).not.toBe('rule');
      expect(await ticketsToday()).toEqual([]);
      expect(await hall.store!.getKioskRequest('kiosk-1', 'atomic')).toBeUndefined();
      // The resend, with an audit that can be written: applied once, recorded, audited.
      const entries: string[] = [];
      const fine = Object.assign(async () => undefined, {
        into: async (repo: Pick<NonNullable<KioskHall['store']>, 'appendAccessAudit'>) => {
          const e = await repo.appendAccessAudit({ at: Date.now(), day: hall.clock.today(), actorKind: 'kiosk', actor: 'kiosk-1', role: null,
            function: 'queue.take', maskedNumber: null, result: 'success', code: null, detail: null });
          entries.push(String(e.id));
        },
      });
      const resent = await hallRequestHandler({ hall, audit: fine })('kiosk-1', take('atomic'));
      expect(resent.ok).toBe(true);
      expect(resent.replayed).toBeUndefined();
      expect(await ticketsToday()).toHaveLength(1);
      expect(JSON.parse((await hall.store!.getKioskRequest('kiosk-1', 'atomic'))!.answer)).toEqual(resent);
      expect(entries).toHaveLength(1);
      expect((await hall.store!.queryAccessAudit({ limit: 10, offset: 0 })).entries).toHaveLength(1);
    });

    it('a resend of an applied ticket request gets its answer again even when the card no longer passes the checks', async () => {
      const handle = hallRequestHandler({ hall });
      const today = hall.clock.today();
      const first = await handle('kiosk-1', { requestId: 'midnight', op: 'queue.take', citizen: { ...citizen, validUntil: today }, args: ['A'] });
      expect(first.ok).toBe(true);
      // The kiosk resends after a reconnect past midnight: the card's last valid day is now yesterday.
      const expired = { ...citizen, validUntil: new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10) };
      expect(ruleCode(await handle('kiosk-1', { requestId: 'other', op: 'queue.take', citizen: expired, args: ['B'] }))).toBe('cardRefused');
      const again = await handle('kiosk-1', { requestId: 'midnight', op: 'queue.take', citizen: expired, args: ['A'] });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await ticketsToday()).toHaveLength(1);
    });

    it('walk-ins asked at once: each one\'s ticket, record and audit entry committed together', async () => {
      const audited: string[] = [];
      const audit = Object.assign(async () => undefined, {
        into: async (repo: Pick<NonNullable<KioskHall['store']>, 'appendAccessAudit'>, _k: string, _p: unknown, answer: KioskLinkAnswer) => {
          await repo.appendAccessAudit({ at: Date.now(), day: hall.clock.today(), actorKind: 'kiosk', actor: 'kiosk-1', role: null,
            function: 'queue.take', maskedNumber: null, result: 'success', code: null, detail: answer.requestId });
          audited.push(answer.requestId);
        },
      });
      const handle = hallRequestHandler({ hall, audit });
      const people = Array.from({ length: 6 }, (_, i) => {
        const body = `44010619800101${String(100 + i).padStart(3, '0')}`;
        return { ...citizen, number: body + idNumberCheckChar(body), birthDate: '1980-01-01' };
      });
      // One of them refused by a rule (no such category): its refusal recorded and audited with the others.
      const answers = await Promise.all(people.map((c, i) => handle('kiosk-1', { requestId: `g${i}`, op: 'queue.take', citizen: c, args: [i === 3 ? 'Q' : 'A'] })));
      expect(answers.map(ruleCode)).toEqual(['ok', 'ok', 'ok', 'unknownCategory', 'ok', 'ok']);
      expect((await ticketsToday()).map((t) => t.number).sort()).toEqual(['A001', 'A002', 'A003', 'A004', 'A005']);
      for (const [i, a] of answers.entries()) expect(JSON.parse((await hall.store!.getKioskRequest('kiosk-1', `g${i}`))!.answer)).toEqual(a);
      expect(audited.sort()).toEqual(people.map((_, i) => `g${i}`));
      expect((await hall.store!.queryAccessAudit({ limit: 20, offset: 0 })).entries.map((e) => e.detail).sort()).toEqual(people.map((_, i) => `g${i}`));
    });

    it('a name that does not match the hall\'s records is counted against the kiosk once, also when its group is retried', async () => {
      await new CertificateService(hall.store!, hall.keys, hall.clock).issue({
        typeName: '结婚证', typeCode: '11100000000013338W009', issuerName: '广州市天河区民政局', issuerCode: '11330105002500287C',
        holderNumber: citizen.number, holderName: citizen.name, issuedOn: '2020-05-20', expiresOn: null,
      });
      // Two walk-ins asked at once go in one group (hall/queue.ts); the audit entry of 'bad' is refused at the COMMIT,
      // so the group's transaction fails and each request is tried again alone (its checks run again).
      const refusals: string[] = [];
      const audit = Object.assign(async () => undefined, {
        into: async (repo: Pick<NonNullable<KioskHall['store']>, 'appendAccessAudit'>, _k: string, _p: unknown, answer: KioskLinkAnswer) => {
          await repo.appendAccessAudit({ at: Date.now(), day: answer.requestId === 'bad' ? '25/11/2026' : hall.clock.today(), actorKind: 'kiosk',
            actor: 'kiosk-1', role: null, function: 'queue.take', maskedNumber: null, result: 'success', code: null, detail: answer.requestId });
        },
      });
      const handle = hallRequestHandler({ hall, audit, onRefused: (k, kind, detail) => refusals.push(`${k} ${kind}: ${detail}`) });
      const other = citizenFromHolder(libraryHolder('smith-john')) as KioskLinkCitizen;
      const [mismatch, bad] = await Promise.all([
        handle('kiosk-1', { requestId: 'mm', op: 'queue.take', citizen: person({ name: '王五' }), args: ['A'] }),
        handle('kiosk-1', { requestId: 'bad', op: 'queue.take', citizen: other, args: ['B'] }),
      ]);
      expect(ruleCode(mismatch)).toBe('cardRefused');
      expect(bad.ok).toBe(false);
      expect(refusals.filter((r) => r.includes('does not match'))).toEqual([expect.stringMatching(/^kiosk-1 invalid: queue\.take: .*\*/)]);
      // Its refusal recorded once, as its answer; the failed one not at all; no ticket.
      expect(JSON.parse((await hall.store!.getKioskRequest('kiosk-1', 'mm'))!.answer)).toEqual(mismatch);
      expect(await hall.store!.getKioskRequest('kiosk-1', 'bad')).toBeUndefined();
      expect(await ticketsToday()).toEqual([]);
    });

    it('a linked kiosk asks for a visit of several services: one ticket with its steps; a bad list is invalid', async () => {
      const handle = hallRequestHandler({ hall });
      const visit = await handle('kiosk-1', { requestId: 'v1', op: 'queue.take', citizen, args: ['A', ['B', 'C']] });
      expect(visit.ok && (visit.result as { visit?: { steps: Array<{ category: string }> } }).visit?.steps.map((x) => x.category)).toEqual(['A', 'B', 'C']);
      expect(await ticketsToday()).toHaveLength(1);
      const bad = await handle('kiosk-1', { requestId: 'v2', op: 'queue.take', citizen, args: ['A', ['BB']] });
      expect(!bad.ok && bad.failure.kind).toBe('invalid');
    });

    it('answers a resend after a hall restart from the database, not by applying it again', async () => {
      const first = await hallRequestHandler({ hall })('kiosk-2', take('r-restart', 'B'));
      await hall.close();
      hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open() });
      const applied: string[] = [];
      const resent = await hallRequestHandler({ hall, onApplied: (_k, r) => applied.push(r.requestId) })('kiosk-2', take('r-restart', 'B'));
      expect(resent).toEqual({ ...first, replayed: true });
      expect(applied).toEqual([]);
      expect(await ticketsToday()).toHaveLength(1);
    });

    it('keeps request ids apart per kiosk', async () => {
      const handle = hallRequestHandler({ hall });
      await handle('kiosk-1', take('same', 'A'));
      const other = await handle('kiosk-2', take('same', 'C'));
      expect(other.replayed).toBeUndefined();
      expect((await ticketsToday()).map((t) => t.category).sort()).toEqual(['A', 'C']);
    });

    it('records reads nowhere and answers them again each time', async () => {
      const handle = hallRequestHandler({ hall });
      const a = await handle('kiosk-1', { requestId: 'q', op: 'queue.categories', args: [] });
      const b = await handle('kiosk-1', { requestId: 'q', op: 'queue.categories', args: [] });
      expect(a.ok && (a.result as Array<{ letter: string }>).map((c) => c.letter)).toEqual(['A', 'B', 'C']);
      expect(b.replayed).toBeUndefined();
      expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(0);
    });

    it('answers the finder for a linked kiosk: the services with their pinyin, unrecorded', async () => {
      const handle = hallRequestHandler({ hall });
      const a = await handle('kiosk-1', { requestId: 'f', op: 'guidance.finder', args: [] });
      const finder = a.ok ? (a.result as KioskFinder) : null;
      expect(finder?.services.find((s) => s.name === '测试事项甲')?.namePinyin).toEqual(['ce', 'shi', 'shi', 'xiang', 'jia']);
      expect(finder?.lifeEvents).toEqual([]);
      expect(await handle('kiosk-1', { requestId: 'g', op: 'guidance.finder', args: ['extra'] })).toMatchObject({ ok: false });
      expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(0);
    });

    it('tells a linked kiosk the hall\'s intake state (paused with the manager\'s words), unrecorded', async () => {
      const handle = hallRequestHandler({ hall });
      expect(await handle('kiosk-1', { requestId: 'i1', op: 'intake.state', args: [] })).toMatchObject({ ok: true, result: { mode: 'open' } });
      await hall.boundaries!.apply({ action: 'pause', message: '系统维护，暂停取号，请到咨询台' }, 'mgr');
      expect(await handle('kiosk-1', { requestId: 'i2', op: 'intake.state', args: [] }))
        .toMatchObject({ ok: true, result: { mode: 'paused', message: '系统维护，暂停取号，请到咨询台' } });
      expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(0);
      const refused = await handle('kiosk-1', take('r-paused'));
      expect(refused).toMatchObject({ ok: false, failure: { kind: 'rule', code: 'intakePaused', zh: '系统维护，暂停取号，请到咨询台' } });
    });

    it('answers a rule refusal with its words, a bad request as invalid, and a missing database as paused', async () => {
      const handle = hallRequestHandler({ hall });
      const refused = await handle('kiosk-1', take('r-z', 'Z'));
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.failure.kind).toBe('rule');
      expect(!refused.ok && refused.failure.kind === 'rule' && refused.failure.zh.length > 0).toBe(true);

      const noCitizen = await handle('kiosk-1', { requestId: 'x1', op: 'queue.take', args: ['A'] });
      expect(!noCitizen.ok && noCitizen.failure).toMatchObject({ kind: 'invalid', message: expect.stringContaining('citizen') });
      const badOp: KioskLinkAnswer = await handle('kiosk-1', { requestId: 'x2', op: 'queue.drop', args: [] });
      expect(!badOp.ok && badOp.failure.kind).toBe('invalid');
      expect(badOp.requestId).toBe('x2');
      const badArgs = await handle('kiosk-1', { requestId: 'x3', op: 'queue.take', citizen, args: [42] });
      expect(!badArgs.ok && badArgs.failure.kind).toBe('invalid');
      expect((await handle('kiosk-1', null)).ok).toBe(false);

      await hall.store!.close();
      const paused = await handle('kiosk-1', take('r-down'));
      expect(!paused.ok && paused.failure.kind).toBe('paused');
    });
  });

/** An 18-digit number with a correct check character: region 440106, the birth date, sequence 123. */
const numberBornOn = (yyyymmdd: string, seq = '123') => {
  const body = `440106${yyyymmdd}${seq}`;
  return body + idNumberCheckChar(body);
};
const person = (over: Partial<KioskLinkCitizen>): KioskLinkCitizen => ({ ...citizen, ...over });
const ruleCode = (a: KioskLinkAnswer) => (!a.ok && a.failure.kind === 'rule' ? a.failure.code : a.ok ? 'ok' : a.failure.kind);

describe('the hall re-checks the citizen a kiosk sends', () => {
  it('refuses numbers that are not numbers: 15 zeros, letters, a wrong check character; no ticket is issued', async () => {
    const refusals: string[] = [];
    const handle = hallRequestHandler({ hall, onRefused: (_k, kind, detail) => refusals.push(`${kind}: ${detail}`) });
    for (const [i, number] of ['000000000000000', 'abcdefghijklmnop', '440106199003071232', '44010619900307123X'].entries()) {
      const a = await handle('kiosk-1', { requestId: `n${i}`, op: 'queue.take', citizen: person({ number }), args: ['A'] });
      expect(ruleCode(a), number).toBe('cardRefused');
    }
    expect(await ticketsToday()).toHaveLength(0);
    expect(refusals).toHaveLength(4);
    // The refusal is logged with the masked number only.
    expect(refusals.join('\n')).not.toContain('440106199003071232');
    expect(refusals[2]).toContain('4401**********1232');
  });

  it('derives priority from the number: a made-up old birth date is refused, a real elderly number gets the green channel', async () => {
    const handle = hallRequestHandler({ hall });
    const fakeElderly = await handle('kiosk-1', { requestId: 'e1', op: 'queue.take', citizen: person({ birthDate: '1940-01-01' }), args: ['A'] });
    expect(!fakeElderly.ok && fakeElderly.failure).toMatchObject({ kind: 'rule', code: 'cardRefused', en: expect.stringContaining('birth date') });
    expect(await ticketsToday()).toHaveLength(0);

    const young = await handle('kiosk-1', take('y1'));
    expect(young.ok && (young.result as { priority: unknown }).priority).toBeNull();
    const elderlyNumber = numberBornOn('19400101');
    const old = await handle('kiosk-1', { requestId: 'e2', op: 'queue.take', citizen: person({ number: elderlyNumber, birthDate: '1940-01-01', name: '李老伯' }), args: ['B'] });
    expect(old.ok && (old.result as { priority: unknown }).priority).toBe('elderly');
    // A priority claimed by the kiosk is no part of the contract: the request is refused as malformed.
    const claimed = await handle('kiosk-1', { requestId: 'c1', op: 'queue.take', citizen, args: ['C'], priority: 'elderly' } as KioskLinkRequest);
    expect(!claimed.ok && claimed.failure.kind).toBe('invalid');
    const claimedInCitizen = await handle('kiosk-1', { requestId: 'c2', op: 'queue.take', citizen: { ...citizen, priority: 'elderly' } as KioskLinkCitizen, args: ['C'] });
    expect(!claimedInCitizen.ok && claimedInCitizen.failure.kind).toBe('invalid');
    expect((await ticketsToday()).map((t) => t.priority).sort()).toEqual(['elderly', null]);
  });

  it('checks expiry in the hall clock and the name; accepts 长期 and the old foreign permit', async () => {
    const handle = hallRequestHandler({ hall });
    const ask = (over: Partial<KioskLinkCitizen>, id: string) => handle('kiosk-1', { requestId: id, op: 'appointments.upcoming', citizen: person(over), args: [] });
    const yesterday = new Date(Date.parse(`${hall.clock.today()}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(ruleCode(await ask({ validUntil: yesterday }, 'x1'))).toBe('cardRefused');
    expect(ruleCode(await ask({ validUntil: hall.clock.today() }, 'x2'))).toBe('ok');
    expect(ruleCode(await ask({ validUntil: '长期' }, 'x3'))).toBe('ok');
    expect(ruleCode(await ask({ validUntil: 'someday' }, 'x4'))).toBe('cardRefused');
    const noExpiry = await handle('kiosk-1', { requestId: 'x5', op: 'appointments.upcoming', citizen: { number: citizen.number, name: citizen.name, birthDate: citizen.birthDate } as KioskLinkCitizen, args: [] });
    expect(!noExpiry.ok && noExpiry.failure.kind).toBe('invalid');
    for (const [i, name] of ['   ', '<script>', 'a\u202Eb', '张三\u0000', '1234', '张'.repeat(65)].entries()) {
      expect(ruleCode(await ask({ name }, `name-${i}`)), JSON.stringify(name)).toBe('cardRefused');
    }
    for (const [i, name] of ['阿依古丽·买买提', "O'BRIEN, SEAN", 'Smith John'].entries()) {
      expect(ruleCode(await ask({ name }, `ok-name-${i}`)), name).toBe('ok');
    }
    const smith = citizenFromHolder(libraryHolder('smith-john')) as KioskLinkCitizen;
    expect(ruleCode(await handle('kiosk-1', { requestId: 'old', op: 'appointments.upcoming', citizen: smith, args: [] }))).toBe('ok');
  });

  it('returns a person\'s certificates only when the name matches the hall\'s records for that number', async () => {
    await new CertificateService(hall.store!, hall.keys, hall.clock).issue({
      typeName: '结婚证', typeCode: '11100000000013338W009', issuerName: '广州市天河区民政局', issuerCode: '11330105002500287C',
      holderNumber: citizen.number, holderName: citizen.name, issuedOn: '2020-05-20', expiresOn: null,
    });
    const handle = hallRequestHandler({ hall });
    const list = (c: KioskLinkCitizen, id: string) => handle('kiosk-1', { requestId: id, op: 'certificates.list', citizen: c, args: [] });
    const mine = await list(citizen, 'l1');
    expect(mine.ok && (mine.result as unknown[]).length).toBe(1);
    const stranger = await list(person({ name: '王五' }), 'l2');
    expect(!stranger.ok && stranger.failure).toMatchObject({ kind: 'rule', code: 'cardRefused' });
    expect(JSON.stringify(stranger)).not.toContain('结婚证');
    const wrongBirth = await list(person({ name: '王五', birthDate: '1991-03-07' }), 'l3');
    expect(ruleCode(wrongBirth)).toBe('cardRefused');
    // Its progress too (applications.list), and a ticket by someone claiming the number under another name.
    expect(ruleCode(await handle('kiosk-1', { requestId: 'l4', op: 'applications.list', citizen: person({ name: '王五' }), args: [] }))).toBe('cardRefused');
    // Spaces and case do not make a mismatch.
    expect(ruleCode(await list(person({ name: ' 张三丰 ' }), 'l5'))).toBe('ok');
  });
});

describe('per-kiosk rate limits', () => {
  it('refuses tickets and lookups over the limit with a clear reason, counts them per kiosk, and does not record the refusal', async () => {
    let now = 1_000_000;
    const counted: string[] = [];
    const handle = hallRequestHandler({
      hall,
      limiter: new KioskRateLimiter({ ticketsPerMinute: 6, ticketBurst: 2, lookupsPerMinute: 60, lookupBurst: 3 }, () => now),
      onRefused: (k, kind) => counted.push(`${k}:${kind}`),
    });
    expect((await handle('kiosk-1', take('t1', 'A'))).ok).toBe(true);
    expect((await handle('kiosk-1', take('t2', 'B'))).ok).toBe(true);
    const over = await handle('kiosk-1', take('t3', 'C'));
    expect(!over.ok && over.failure).toMatchObject({ kind: 'rule', code: 'rateLimited', zh: expect.stringContaining('频繁'), en: expect.stringContaining('too many') });
    // Another kiosk has its own bucket.
    expect((await handle('kiosk-2', take('t3', 'C'))).ok).toBe(true);
    // Not recorded: the same request after the bucket refilled (10 s at 6 a minute) is applied.
    now += 10_000;
    const resent = await handle('kiosk-1', take('t3', 'C'));
    expect(resent.ok && resent.replayed).toBeUndefined();
    expect(resent.ok).toBe(true);

    const lookup = (id: string) => handle('kiosk-1', { requestId: id, op: 'certificates.list', citizen, args: [] });
    for (const id of ['l1', 'l2', 'l3']) expect((await lookup(id)).ok).toBe(true);
    expect(ruleCode(await lookup('l4'))).toBe('rateLimited');
    // Reads that hold nobody's data are not limited.
    for (let i = 0; i < 5; i++) expect((await handle('kiosk-1', { requestId: `q${i}`, op: 'queue.categories', args: [] })).ok).toBe(true);
    expect(counted).toEqual(['kiosk-1:tickets', 'kiosk-1:lookups']);
  });

  it('token bucket: burst, then the refill rate', () => {
    let now = 0;
    const b = new TokenBucket(30, 10, () => now);
    let taken = 0;
    while (b.take()) taken++;
    expect(taken).toBe(10);
    now += 2000;
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    now += 60_000;
    taken = 0;
    while (b.take()) taken++;
    expect(taken).toBe(10);
  });
});
});
