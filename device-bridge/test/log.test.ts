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
