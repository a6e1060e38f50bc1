import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../store/db.ts';
import { DomainException } from '../domain/shared/index.ts';
import { runOrResume, runWorkflow, PREPARE_ATTEMPTS, type ClearableJournal, type Journal, type JournalEntry, type Step } from './workflow.ts';

// The runner needs transactions only: an empty in-memory database with one table, no migrations.
let database: Database;
beforeAll(async () => {
  database = await openDatabase();
  await sql`CREATE TABLE wf_rows (id text PRIMARY KEY, value text)`.execute(database.db);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

const memoryJournal = (): Journal & { entries: JournalEntry[] } => {
  const entries: JournalEntry[] = [];
  return {
    entries,
    load: async () => entries,
    record: async (_trx, position, step, status, result) => {
      entries.push({ position, step, status, result });
    },
  };
};
const conflict = () => new DomainException({ code: 'conflict', message: 'the state moved since the planning; plan again' });

describe('a step prepared outside its transaction', () => {
  it('plans before the transaction and writes what it planned inside it', async () => {
    const db = database.db;
    const seen: string[] = [];
    const step: Step = {
      name: 'plan-then-write',
      prepare: async (d) => {
        seen.push(d.isTransaction ? 'prepare in a transaction' : 'prepare outside');
        return { value: 'planned' };
      },
      run: async (trx, prepared) => {
        seen.push(trx.isTransaction ? 'run in a transaction' : 'run outside');
        await sql`INSERT INTO wf_rows (id, value) VALUES ('a', ${(prepared as { value: string }).value})`.execute(trx);
        return prepared;
      },
      compensate: async () => {},
    };
    const journal = memoryJournal();
    const out = await runWorkflow(db, [step], journal);
    expect(out.ok).toBe(true);
    expect(seen).toEqual(['prepare outside', 'run in a transaction']);
    expect((await sql<{ value: string }>`SELECT value FROM wf_rows WHERE id = 'a'`.execute(db)).rows[0].value).toBe('planned');
    expect(journal.entries.map((e) => [e.step, e.status])).toEqual([['plan-then-write', 'applied']]);
  });

  it('prepares again when the write finds the state moved (a conflict), and gives up after a few tries', async () => {
    const db = database.db;
    let prepares = 0;
    let runs = 0;
    const step = (tag: string, failures: number): Step => ({
      name: 'racy',
      prepare: async () => ++prepares,
      run: async (trx, prepared) => {
        runs++;
        // The write that finds the state moved rolls back with its transaction.
        await sql`INSERT INTO wf_rows (id, value) VALUES (${`${tag}${runs}`}, 'x')`.execute(trx);
        if (runs <= failures) throw conflict();
        return { attempt: prepared };
      },
      compensate: async () => {},
    });
    const ok = await runWorkflow(db, [step('r', 1)], memoryJournal());
    expect(ok.ok).toBe(true);
    expect([prepares, runs]).toEqual([2, 2]);
    expect((await sql`SELECT id FROM wf_rows WHERE id LIKE 'r%'`.execute(db)).rows).toEqual([{ id: 'r2' }]);

    prepares = 0;
    runs = 0;
    const failed = await runWorkflow(db, [step('s', 99)], memoryJournal());
    expect(failed.ok).toBe(false);
    expect([prepares, runs]).toEqual([PREPARE_ATTEMPTS, PREPARE_ATTEMPTS]);
    expect((await sql`SELECT id FROM wf_rows WHERE id LIKE 's%'`.execute(db)).rows).toEqual([]);
  });

  it('does not prepare again for an error that is not a conflict', async () => {
    let prepares = 0;
    const step: Step = { name: 'broken', prepare: async () => ++prepares, run: async () => { throw new Error('bad input'); }, compensate: async () => {} };
    const out = await runWorkflow(database.db, [step], memoryJournal());
    expect(out.ok).toBe(false);
    expect(out.steps[0]).toMatchObject({ status: 'failed', error: 'bad input' });
    expect(prepares).toBe(1);
  });
});

/** A journal kept by position, as the tables keep it (a record replaces the one at its position). */
const clearableJournal = (initial: JournalEntry[] = []): ClearableJournal & { entries: JournalEntry[] } => {
  const j = {
    entries: [...initial],
    load: async () => [...j.entries].sort((a, b) => a.position - b.position),
    record: async (_trx: unknown, position: number, step: string, status: string, result: unknown) => {
      j.entries = [...j.entries.filter((e) => e.position !== position), { position, step, status, result }];
    },
    clear: async () => {
      j.entries = [];
    },
  };
  return j;
};

describe('a workflow keyed by what it acts on (runOrResume)', () => {
  const steps = (ran: string[]): Step[] => [
    { name: 'a', run: async () => (ran.push('a'), { made: 'A' }), compensate: async () => void ran.push('undo a') },
    { name: 'b', run: async (_trx, _p, earlier) => (ran.push(`b after ${JSON.stringify(earlier)}`), { made: 'B' }), compensate: async () => void ran.push('undo b') },
  ];

  it('resumes a run stopped midway: the recorded step is not run again, and the next one gets its recorded result', async () => {
    const ran: string[] = [];
    const journal = clearableJournal([{ position: 0, step: 'a', status: 'applied', result: { made: 'A before the crash' } }]);
    const out = await runOrResume(database.db, steps(ran), journal);
    expect(out.ok).toBe(true);
    expect(out.resumed).toBe(true);
    expect(ran).toEqual(['b after [{"made":"A before the crash"}]']);
    expect(journal.entries.map((e) => [e.step, e.status])).toEqual([['a', 'applied'], ['b', 'applied']]);
  });

  it('starts afresh after a run that finished, so every step checks the state again', async () => {
    const ran: string[] = [];
    const journal = clearableJournal([
      { position: 0, step: 'a', status: 'applied', result: {} },
      { position: 1, step: 'b', status: 'applied', result: {} },
    ]);
    const out = await runOrResume(database.db, steps(ran), journal);
    expect(out.resumed).toBe(false);
    expect(ran).toEqual(['a', 'b after [{"made":"A"}]']);
  });

  it('refuses to run over a step whose compensation failed', async () => {
    const journal = clearableJournal([{ position: 0, step: 'a', status: 'compensation_failed', result: {} }]);
    await expect(runOrResume(database.db, steps([]), journal)).rejects.toMatchObject({ error: { code: 'conflict' } });
  });
});
