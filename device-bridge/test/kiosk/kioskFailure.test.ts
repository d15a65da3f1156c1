/**
 * How a kiosk command's failure becomes its completion (api/kioskCommands.ts): a hall rule -> userError with the
 * citizen's words, the store failing -> deviceNotReady "暂停服务", anything else -> invalidRequest; and the command
 * envelope's validation before any hall call.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { HallRuleError } from '../../src/hall/errors.ts';
import { SERVICE_PAUSED, kioskCommandSchema, kioskFailure } from '../../src/api/kioskCommands.ts';

describe('kiosk command failures', () => {
  it('a hall rule refuses with its code and both languages', () => {
    const f = kioskFailure(new HallRuleError('slotFull', '该时段已约满，请选择其他时段', 'this slot is full; please choose another'));
    expect(f).toEqual({ code: 'userError', message: 'this slot is full; please choose another',
      refusal: { code: 'slotFull', zh: '该时段已约满，请选择其他时段', en: 'this slot is full; please choose another' } });
  });

  it('a closed or failing store pauses the function (暂停服务)', () => {
    expect(kioskFailure(new Error('hall store is closed'))).toMatchObject({ code: 'deviceNotReady', refusal: SERVICE_PAUSED });
    const db = new Database(':memory:');
    let sqliteError: unknown;
    try {
      db.prepare('SELECT * FROM no_such_table').all();
    } catch (err) {
      sqliteError = err;
    }
    db.close();
    expect(kioskFailure(sqliteError)).toMatchObject({ code: 'deviceNotReady', refusal: { code: 'servicePaused' } });
    expect(SERVICE_PAUSED.zh).toContain('暂停服务');
  });

  it("anything else is the caller's mistake, without refusal words", () => {
    expect(kioskFailure(new Error('appointment slot 99 does not exist'))).toEqual({ code: 'invalidRequest', message: 'appointment slot 99 does not exist' });
  });

  it('the envelope needs requestId, token and a known command', () => {
    expect(kioskCommandSchema.safeParse({ requestId: 'r1', token: 't', command: 'queue.take', args: { category: 'A' } }).success).toBe(true);
    expect(kioskCommandSchema.safeParse({ requestId: 'r1', token: 't', command: 'queue.delete' }).success).toBe(false);
    expect(kioskCommandSchema.safeParse({ requestId: 'r1', command: 'queue.take' }).success).toBe(false);
    expect(kioskCommandSchema.safeParse({ requestId: '', token: 't', command: 'queue.take' }).success).toBe(false);
    expect(kioskCommandSchema.safeParse({ requestId: 'r1', token: 't', command: 'queue.take', timeout: 0 }).success).toBe(false);
  });
});
