import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/app.ts';
import { jsonRecordset } from '../src/store/json-rows.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe('jsonRecordset', () => {
  it('gives back every row in order with its text, numbers, times, JSON values and NULLs as sent', async () => {
    const rows = [
      { s: 'plain', n: 3, at: '2022-06-23T07:00:00.000Z', j: { answer: ['a', 'b'], quote: 'say "hi" \\ there' } },
      { s: 'quotes " and \\ and , { } and 中文', n: -7, at: '2022-06-23T08:00:00.000Z', j: [1, 2] },
      { s: null, n: undefined, at: null, j: null },
    ];
    const r = await sql<any>`SELECT s, n, at, j, j IS NULL AS j_null FROM ${jsonRecordset(rows, 't', 's text, n int, at timestamptz, j jsonb')}`.execute(t.db);
    expect(r.rows.map((x) => x.s)).toEqual(rows.map((x) => x.s));
    expect(r.rows.map((x) => x.n)).toEqual([3, -7, null]);
    expect(r.rows.map((x) => (x.at ? new Date(x.at).toISOString() : null))).toEqual(rows.map((x) => x.at));
    const parsed = r.rows.map((x) => (typeof x.j === 'string' ? JSON.parse(x.j) : x.j));
    expect(parsed).toEqual(rows.map((x) => x.j));
    expect(r.rows.map((x) => x.j_null)).toEqual([false, false, true]);
  });

  it('keeps JSON sent as text a JSON value once cast, null included (not SQL NULL)', async () => {
    const r = await sql<any>`SELECT a::jsonb IS NULL AS sql_null, jsonb_typeof(a::jsonb) AS kind FROM ${jsonRecordset([{ a: JSON.stringify(null) }, { a: JSON.stringify({ k: 1 }) }], 't', 'a text')}`.execute(t.db);
    expect(r.rows).toEqual([
      { sql_null: false, kind: 'null' },
      { sql_null: false, kind: 'object' },
    ]);
  });
});
