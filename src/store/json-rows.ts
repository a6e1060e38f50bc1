/**
 * Rows passed to PostgreSQL as one JSON statement parameter (`jsonRecordset`), for the batch writers.
 */
import { sql, type RawBuilder } from 'kysely';

/**
 * Many rows as ONE statement parameter: `json_to_recordset($1::json) AS alias(columns)`, the rows
 * an array of objects keyed by the column names. A batch's writes pass their rows this way
 * instead of one array parameter per column (`unnest($1::text[], $2::int[], …)`): the driver
 * then sends one string made by the engine's own JSON.stringify, where array parameters are
 * escaped element by element in JavaScript (the largest part of the order batch's own CPU, in
 * its critical section). `undefined` and `null` become SQL NULL; a `json`/`jsonb` column takes
 * a nested value as it is. `columns` is SQL written by the caller (names and types), never input.
 */
export function jsonRecordset(rows: ReadonlyArray<Record<string, unknown>>, alias: string, columns: string): RawBuilder<unknown> {
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) AS ${sql.raw(alias)}(${sql.raw(columns)})`;
}
