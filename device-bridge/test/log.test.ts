// Personal fields never reach a log line in clear.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { censorPersonalField, createLogger } from '../src/log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger({ destination, level: 'debug' }) };
}

describe('log redaction', () => {
  it('masks ID numbers and names, redacts addresses and drops the photo at any of the first levels', async () => {
    const { lines, log } = capture();
    const holder = { idNumber: '440106199001011231', name: '张三丰', address: '广东省广州市天河区', photo: [1, 2, 3] };
    log.info({ holder, session: { card: { holder } }, idNumber: '440106199001011231' }, 'card read');
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines);
    expect(text).not.toContain('440106199001011231');
    expect(text).not.toContain('张三丰');
    expect(text).not.toContain('天河区');
    const l = lines[0] as any;
    expect(l.idNumber).toBe('4401**********1231');
    expect(l.holder).toEqual({ idNumber: '4401**********1231', name: '张**', address: '[redacted]' });
    expect(l.session.card.holder.name).toBe('张**');
    expect(l.msg).toBe('card read');
  });

  it('censors by key', () => {
    expect(censorPersonalField('permitNumber', 'ABC123456789012')).toBe('ABC*********012');
    expect(censorPersonalField('englishName', 'ZHANG')).toBe('Z****');
    expect(censorPersonalField('fingerprint', 'x')).toBeUndefined();
    expect(censorPersonalField('birthDate', '1990-01-01')).toBe('[redacted]');
    expect(censorPersonalField('idNumber', 12345)).toBe('[redacted]');
  });
});

describe('log line bounds', () => {
  it('cuts a 200 KB string field, the message and deep nesting, keeping the masking', async () => {
    const { lines, log } = capture();
    const huge = 'x'.repeat(200 * 1024);
    let deep: Record<string, unknown> = { idNumber: '440106199001011231' };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    log.warn({ requestId: huge, nested: { list: Array.from({ length: 500 }, (_, i) => i), deep }, holder: { idNumber: '440106199001011231', note: huge } }, huge);
    await new Promise((r) => setImmediate(r));
    const l = lines[0] as any;
    const text = JSON.stringify(l);
    expect(text.length).toBeLessThan(8 * 1024);
    expect(l.requestId).toMatch(/^x{512}…\[204288 more chars cut\]$/);
    expect(l.msg).toMatch(/^x{512}…\[/);
    expect(l.holder.idNumber).toBe('4401**********1231');
    expect(l.nested.list).toHaveLength(51);
    expect(text).toContain('[nested too deep]');
    expect(text).not.toContain('440106199001011231');
  });

  it('keeps an error readable (type, message, stack) and a __proto__ key as a plain field', async () => {
    const { lines, log } = capture();
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
    log.error({ err: new Error('boom ' + 'y'.repeat(2000)), payload }, 'failed');
    await new Promise((r) => setImmediate(r));
    const l = lines[0] as any;
    expect(l.err.type).toBe('Error');
    expect(l.err.message).toMatch(/^boom y+…\[\d+ more chars cut\]$/);
    expect(l.err.stack).toContain('log.test.ts');
    expect(l.payload.ok).toBe(1);
    expect(({} as any).polluted).toBeUndefined();
  });
});
