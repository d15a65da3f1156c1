/**
 * The PostgreSQL store writes the values of statements sent together as SQL literals (hallPostgres.ts togetherQuery):
 * its own quoting must write what the driver's `escapeLiteral` writes, and the server must read back the very value.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/store/hallPostgres.ts';
import { TEST_PG_URL } from './backends.ts';

const VALUES = [
  '', 'A001', '测试', "it's", "''", '\\', 'a\\b', "O'Brien \\ path", '\\\'', 'E\'x\'', '"quoted"', '{"a":"b\\"c"}',
  JSON.stringify({ requestId: 'r1', ok: true, result: { number: 'A001', name: "户籍 's", note: 'C:\\dir' } }),
  '{"\\"x\\"","y"}', 'line\nbreak\ttab', '😀 emoji', ' E\'', "'; DROP TABLE tickets; --",
];

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
  });
});
