/**
 * The PostgreSQL store writes the values of statements sent together as SQL literals (hallPostgres.ts togetherQuery):
 * its own quoting must write what the driver's `escapeLiteral` writes, and the server must read back the very value.
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral, sqlLiteral } from '../../src/store/hallPostgres.ts';
import { TEST_PG_URL } from './backends.ts';

const VALUES = [
  '', 'A001', '测试', "it's", "''", '\\', 'a\\b', "O'Brien \\ path", '\\\'', 'E\'x\'', '"quoted"', '{"a":"b\\"c"}',
  JSON.stringify({ requestId: 'r1', ok: true, result: { number: 'A001', name: "户籍 's", note: 'C:\\dir' } }),
  '{"\\"x\\"","y"}', 'line\nbreak\ttab', '😀 emoji', ' E\'', "'; DROP TABLE tickets; --",
];

/** The driver's own text form of a parameter (arrays element by element), which `sqlLiteral` must quote alike. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): string | null };

/** Arrays as a group's statements carry them: texts with and without quotes and backslashes, numbers, NULLs, nesting. */
const ARRAYS: unknown[][] = [
  [], ['A001'], ['A001', null, 'B002'], [1, 2.5, -3], [true, false], ["it's"], ['"quoted"'], ['a\\b'], ["O'Brien \\ \"x\""],
  VALUES, VALUES.map((v, i) => (i % 3 === 0 ? null : v)), [['a', "b'c"], ['d\\e', null]], [["x"], []],
  Array.from({ length: 21 }, (_, i) => JSON.stringify({ requestId: `r${i}`, ok: true, result: { number: `A${String(i).padStart(3, '0')}`, name: '测试', ahead: i } })),
];

describe('sqlLiteral', () => {
  it("writes an array as escapeLiteral writes the driver's text form of it", () => {
    for (const a of ARRAYS) expect(sqlLiteral(a), JSON.stringify(a)).toBe(pg.escapeLiteral(prepareValue(a)!));
  });

  it('refuses what the driver would not send as text: a number that is not finite, an object', () => {
    expect(() => sqlLiteral(['a', Number.NaN])).toThrow(/number array element cannot be sent/);
    expect(() => sqlLiteral([{ a: 1 }])).toThrow(/object array element cannot be sent/);
    expect(() => sqlLiteral([['a'], [Number.POSITIVE_INFINITY]])).toThrow(/number array element/);
  });
});

describe('quoteLiteral', () => {
  it("writes what the driver's escapeLiteral writes", () => {
    for (const v of VALUES) expect(quoteLiteral(v), JSON.stringify(v)).toBe(pg.escapeLiteral(v));
  });

  describe('read back by the server', () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
    });
    afterAll(() => client.end());

    it('each value arrives as it was, in one simple query of them all', async () => {
      const results = (await client.query(VALUES.map((v) => `SELECT ${quoteLiteral(v)}::text AS v`).join('; '))) as unknown as pg.QueryResult[];
      expect(results.map((r) => r.rows[0].v)).toEqual(VALUES);
    });

    it('each array of texts arrives as it was', async () => {
      const texts = ARRAYS.filter((a) => a.every((e) => e === null || typeof e === 'string'));
      const results = (await client.query(texts.map((a) => `SELECT ${sqlLiteral(a)}::text[] AS v`).join('; '))) as unknown as pg.QueryResult[];
      expect(results.map((r) => r.rows[0].v)).toEqual(texts);
    });
  });
});
