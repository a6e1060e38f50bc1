import { describe, expect, it } from 'vitest';
import { defaultSolver } from '../../../solver/highs.ts';
import { seededRandom } from '../../shared/random.ts';
import { divertBeatsExpedite, giverKeeps, keyFirst, packAndMoq, storageCap } from '../fixtures.ts';
import { syntheticSourcing } from '../synthetic.ts';
import { planSourcing, type SourcingPlan } from './plan.ts';
import type { SourcingInput } from './prepare.ts';

async function plan(input: SourcingInput): Promise<SourcingPlan> {
  const r = await planSourcing(input, defaultSolver);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** FNV-1a over the UTF-16 code units, 32 bits, as 8 hex digits: a fingerprint of a long text. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The lines and shortages as the store and the API see them: every field read by name. */
const byName = (p: SourcingPlan) => ({
  lines: p.lines.map((l) => ({
    kind: l.kind, itemId: l.itemId, toNodeId: l.toNodeId, quantity: l.quantity, fromNodeId: l.fromNodeId, shipmentId: l.shipmentId, originalNodeId: l.originalNodeId,
    supplierId: l.supplierId, expedited: l.expedited, packs: l.packs, distanceM: l.distanceM, arrivalH: l.arrivalH, unitCostFen: l.unitCostFen, costFen: l.costFen, reason: l.reason, reasonCodes: l.reasonCodes,
  })),
  shortages: p.shortages.map((s) => ({ nodeId: s.nodeId, itemId: s.itemId, tier: s.tier, needUnits: s.needUnits, shortUnits: s.shortUnits, reason: s.reason })),
});

// Fingerprints of the plan's lines and shortages (every field, the reason's words and codes) as
// `explain` gave them when it held every reason as a string (main at 235c846): the lines word their
// reasons on read now, and must say exactly what they said.
const before: Array<[string, () => SourcingInput, number, number, string]> = [
  ['5 × 100 synthetic (branch and bound)', () => syntheticSourcing({ nodes: 5, items: 100, random: seededRandom(1) }), 386, 0, '5c8dc8cb'],
  ['10 × 60 synthetic (decomposed, with shortages)', () => syntheticSourcing({ nodes: 10, items: 60, random: seededRandom(1) }), 429, 10, '5ad128db'],
  ['GiverKeeps', giverKeeps, 1, 1, '26aeaa49'],
  ['DivertBeatsExpedite', divertBeatsExpedite, 1, 0, '0a908285'],
  ['PackAndMoq', packAndMoq, 1, 0, '799fe8f4'],
  ['StorageCap', storageCap, 2, 2, 'c3e70415'],
  ['KeyFirst', keyFirst, 1, 1, '290f8754'],
];

describe('explain words every line as before', () => {
  it.each(before)('%s', async (_name, input, lines, shortages, print) => {
    const p = await plan(input());
    expect([p.lines.length, p.shortages.length]).toEqual([lines, shortages]);
    const named = JSON.stringify(byName(p));
    expect(fingerprint(named)).toBe(print);
    // JSON (what a caller serialising the plan gets) says the same as reading every field by name.
    expect(JSON.stringify({ lines: p.lines, shortages: p.shortages })).toBe(named);
  });

  it('words a line the same on every read, and every line has a reason and codes', async () => {
    const p = await plan(syntheticSourcing({ nodes: 5, items: 100, random: seededRandom(1) }));
    for (const l of p.lines) {
      expect(l.reason).toBe(l.reason);
      expect(l.reasonCodes).toEqual(l.reasonCodes);
      expect(l.reason.length).toBeGreaterThan(0);
      expect(l.reasonCodes?.length).toBeGreaterThanOrEqual(2);
    }
  });
});
