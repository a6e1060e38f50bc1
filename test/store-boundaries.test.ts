import { describe, expect, it } from 'vitest';
import { check, storeImports, tableUses } from '../scripts/check-store-boundaries.ts';

describe('the store boundaries check', () => {
  it('passes on the code as it is', () => {
    expect(check().problems).toEqual([]);
  });

  it('finds the tables of Kysely calls and raw SQL, telling writes from reads, and not those named in comments', () => {
    const src = [
      "// reads stock_transfers in prose only",
      "await db.selectFrom('trips').selectAll().execute();",
      "await db.insertInto('trip_stops').values(v).execute();",
      "await sql`UPDATE stock_transfers SET status = 'x'`.execute(db);",
      "await sql`SELECT * FROM nodes n JOIN items i ON true`.execute(db);",
      "await sql`DELETE FROM stock_lots WHERE id = 1`.execute(db);",
      "/* INSERT INTO orders */",
    ].join('\n');
    expect(tableUses(src).map((u) => [u.table, u.write]).sort()).toEqual([
      ['items', false], ['nodes', false], ['stock_lots', true], ['stock_transfers', true], ['trip_stops', true], ['trips', false],
    ]);
  });

  it('lists the values a module imports from a sibling store module, not its types', () => {
    const src = "import { getTransfer, receiveTransfer as rt, type TransferView } from './inventory.ts';\nimport type { Node } from './network.ts';";
    expect(storeImports(src)).toEqual([{ module: 'inventory', names: ['getTransfer', 'receiveTransfer'], line: 1 }]);
  });
});
