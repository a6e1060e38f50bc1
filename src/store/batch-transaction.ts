/**
 * A transaction written as a few statements with its BEGIN sent in front of the first and its
 * COMMIT behind the last: on a pipelined PostgreSQL connection (`Database.pipelined`) each pair
 * goes out at once and costs one round trip, so a transaction of a read and a write costs two
 * instead of four. Elsewhere (PGlite, or no pipelined connection) the same statements run one
 * after the other on one connection of the Kysely handle, with the same effect.
 *
 * A statement sent with COMMIT behind it must fail by itself when it must not be committed (e.g.
 * `baogong_guard`): the COMMIT of a failed transaction rolls it back.
 */
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { PipelinedConnection } from './db.ts';
import type { DB } from './tables.ts';

export interface BatchTransaction {
  /** Statements between the first and the last. */
  query<R>(q: RawBuilder<R>): Promise<R[]>;
  /** The transaction as a Kysely handle (not on a pipelined connection). */
  kysely?: Kysely<DB>;
}

export interface BatchTransactionSource {
  db: Kysely<DB>;
  pipelined?: () => Promise<PipelinedConnection>;
}

type Body<F, R> = (firstRows: F[], tx: BatchTransaction, thenRows: unknown[][]) => Promise<{ last: RawBuilder<unknown> | null; result: R }>;

/**
 * Runs `body` in a transaction: `first` is sent with the BEGIN, then the statements of `then`
 * (each starts once the one before it has ended, so it sees what the locks taken before it
 * protect, yet on a pipelined connection all go out at once: no round trip more); `body` gets
 * their rows and answers the last statement (or null: nothing to write, the transaction just
 * ends), which is sent with the COMMIT. Any error rolls back and is rethrown.
 */
export async function batchTransaction<F, R>(src: BatchTransactionSource, first: RawBuilder<F>, body: Body<F, R>, then: Array<RawBuilder<unknown>> = []): Promise<R> {
  if (src.pipelined) return pipelinedTransaction(src.db, await src.pipelined(), first, then, body);
  return src.db.connection().execute(async (conn) => {
    await sql`BEGIN`.execute(conn);
    try {
      const firstRows = (await first.execute(conn)).rows;
      const thenRows: unknown[][] = [];
      for (const q of then) thenRows.push((await q.execute(conn)).rows);
      const { last, result } = await body(firstRows, { query: async (q) => (await q.execute(conn)).rows, kysely: conn }, thenRows);
      if (last) await last.execute(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}

async function pipelinedTransaction<F, R>(
  db: Kysely<DB>,
  c: PipelinedConnection,
  first: RawBuilder<F>,
  then: Array<RawBuilder<unknown>>,
  body: Body<F, R>,
): Promise<R> {
  const send = (q: CompiledQuery) => c.query(q.sql, q.parameters);
  let open = false;
  try {
    const begin = c.query('BEGIN', []);
    open = true;
    const head = send(first.compile(db));
    // All are on the wire; wait for all (a failed BEGIN fails the reads too).
    const more = then.map((q) => send(q.compile(db)));
    const [, firstRes, ...thenRes] = await Promise.all([begin, head, ...more]);
    const { last, result } = await body(firstRes.rows as F[], { query: async <Q>(q: RawBuilder<Q>) => (await send(q.compile(db))).rows as Q[] }, thenRes.map((r) => r.rows));
    const tail = last ? send(last.compile(db)) : null;
    const commit = c.query('COMMIT', []);
    // A failed last statement fails the transaction: its COMMIT then rolls back.
    const [lastRes] = await Promise.allSettled([tail ?? Promise.resolve(null), commit]);
    open = false;
    if (lastRes.status === 'rejected') throw lastRes.reason;
    await commit;
    c.release();
    return result;
  } catch (e) {
    if (open) {
      try {
        await c.query('ROLLBACK', []);
        c.release();
      } catch {
        c.release(true);
      }
    } else c.release();
    throw e;
  }
}
