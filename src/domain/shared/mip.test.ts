import { describe, expect, it } from 'vitest';
import { INF, ModelBuilder, PackedModelBuilder, pack } from './mip.ts';
import { seededRandom } from './random.ts';

describe('PackedModelBuilder', () => {
  it('builds the same compressed rows as ModelBuilder then pack: terms merged per column, zeros dropped, first-seen order', () => {
    const rng = seededRandom(3);
    const random = () => rng.next();
    const a = new ModelBuilder();
    const b = new PackedModelBuilder();
    for (let j = 0; j < 40; j++) {
      const v = { cost: Math.round(random() * 100), upper: j % 3 === 0 ? INF : 5 + j, integer: j % 2 === 0 };
      a.addVar(v);
      b.addVar(v);
    }
    // Short rows (scan) and long rows (over 16 terms, merged by map), with repeated columns and coefficients that cancel.
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(random() * (i % 2 === 0 ? 8 : 30));
      const terms: Array<[number, number]> = [];
      for (let t = 0; t < n; t++) terms.push([Math.floor(random() * 12), Math.round(random() * 6) - 3]);
      if (i % 7 === 0) terms.push([terms[0][0], -terms.filter(([c]) => c === terms[0][0]).reduce((s, [, v]) => s + v, 0)]);
      a.addRow(terms, -INF, i);
      if (i % 2 === 0) b.addRow(terms, -INF, i);
      else b.addRowFlat(terms.flat(), -INF, i);
    }
    const want = pack(a.build());
    const got = b.build();
    expect(got.numCols).toBe(want.numCols);
    expect(got.numRows).toBe(want.numRows);
    for (const k of ['colCost', 'colLower', 'colUpper', 'integer', 'rowLower', 'rowUpper', 'starts', 'indices', 'values'] as const) expect(Array.from(got[k]), k).toEqual(Array.from(want[k]));
    expect(got.values.includes(0)).toBe(false);
  });
});
