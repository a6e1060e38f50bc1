import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/app.ts';
import { loadDemo } from '../src/store/demo.ts';
import * as workforce from '../src/store/workforce.ts';

/**
 * The workforce context plans in operating days (Asia/Shanghai), not UTC days: at 01:00 in
 * Beijing on 23 June (17:00 UTC on the 22nd) the demo's closed loop starts on the 23rd, and that
 * day begins at Beijing midnight.
 */
const now = new Date('2022-06-22T17:00:00.000Z');
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ key: `demo@${now.toISOString()}`, load: (db) => loadDemo(db, now) });
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe('workforce days', () => {
  it('starts the demo\'s closed loop on the operating day, at Beijing midnight', async () => {
    const dazu = (await workforce.listSiteSettings(t.db)).find((s) => s.nodeId === 'dazu-plaza');
    expect(dazu?.closedLoopFrom).toBe('2022-06-23');
    const node = (await workforce.planNodes(t.db)).find((n) => n.id === 'dazu-plaza');
    expect(node?.closedLoopFromMs).toBe(Date.parse('2022-06-22T16:00:00.000Z'));
  });
});
