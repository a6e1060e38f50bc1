import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSolver } from '../../../solver/highs.ts';
import { SolverPool } from '../../../solver/pool.ts';
import { seededRandom } from '../../shared/random.ts';
import { divertBeatsExpedite, giverKeeps, keyFirst, packAndMoq, storageCap } from '../fixtures.ts';
import { syntheticSourcing } from '../synthetic.ts';
import { evaluate } from './evaluate.ts';
import { greedyPlan } from './greedy.ts';
import { planSourcing, type SourcingPlan } from './plan.ts';
import { prepare, type SourcingInput } from './prepare.ts';

async function plan(input: SourcingInput): Promise<SourcingPlan> {
  const r = await planSourcing(input, defaultSolver);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('planSourcing on named cases', () => {
  it('takes from a giver only what it has above its own target (GiverKeeps)', async () => {
    const p = await plan(giverKeeps());
    expect(p.lines).toHaveLength(1);
    expect(p.lines[0]).toMatchObject({ kind: 'transfer', fromNodeId: 'A', toNodeId: 'B', itemId: 'rice', quantity: 20 });
    expect(p.lines[0].reason).toContain('A keeps 60 ≥ its target 60');
    expect(p.shortages).toEqual([expect.objectContaining({ nodeId: 'B', itemId: 'rice', tier: 'key', shortUnits: 30 })]);
    expect(p.summary.status).toBe('optimal');
  });

  it('diverts an in-transit DC shipment rather than expediting when the DC is closer (DivertBeatsExpedite)', async () => {
    const p = await plan(divertBeatsExpedite());
    expect(p.lines).toEqual([expect.objectContaining({ kind: 'diversion', shipmentId: 'S1', originalNodeId: 'far', toNodeId: 'dazu', quantity: 40 })]);
    expect(p.lines[0].reason).toContain('far keeps 50 ≥ its target 30');
    expect(p.shortages).toEqual([]);
  });

  it('expedites instead when the shipment\'s destination needs all of it', async () => {
    const input = divertBeatsExpedite();
    input.targets = input.targets.map((t) => (t.nodeId === 'far' ? { ...t, targetUnits: 90 } : t));
    const p = await plan(input);
    expect(p.lines).toEqual([expect.objectContaining({ kind: 'supplier_order', supplierId: 'dairy', expedited: true, quantity: 40 })]);
    expect(p.lines[0].reason).toMatch(/Normal lead time 48 h would be 24 h late/);
  });

  it('rounds a supplier order up to whole packs and the MOQ (PackAndMoq)', async () => {
    const p = await plan(packAndMoq());
    expect(p.lines).toEqual([expect.objectContaining({ kind: 'supplier_order', quantity: 40, packs: 4 })]);
    expect(p.lines[0].reason).toContain('15 above the need, from pack/MOQ rounding');
    expect(p.shortages).toEqual([]);
  });

  it('never fills a receiver beyond its storage of each temperature class (StorageCap)', async () => {
    const p = await plan(storageCap());
    const byItem = Object.fromEntries(p.lines.map((l) => [l.itemId, l.quantity]));
    expect(byItem).toEqual({ rice: 20, milk: 50 });
    expect(p.shortages.map((s) => [s.itemId, s.shortUnits])).toEqual([['rice', 80], ['milk', 50]]);
    expect(p.shortages[0].reason).toContain("B's ambient storage is full");
  });

  it('serves key items first when there is not enough for everyone (KeyFirst)', async () => {
    const p = await plan(keyFirst());
    expect(p.lines).toEqual([expect.objectContaining({ fromNodeId: 'A', toNodeId: 'C', quantity: 30 })]);
    expect(p.shortages).toEqual([expect.objectContaining({ nodeId: 'D', shortUnits: 30, tier: 'essential' })]);
  });

  it('returns an empty plan when nothing is needed', async () => {
    const input = giverKeeps();
    input.targets = [];
    input.receivers = undefined;
    const p = await plan(input);
    expect(p.lines).toEqual([]);
    expect(p.shortages).toEqual([]);
    expect(p.summary.method).toBe('empty');
  });
});

describe('planSourcing on bad input', () => {
  const cases: Array<[string, (i: SourcingInput) => void, string, string]> = [
    ['an unknown receiver', (i) => (i.receivers = ['nowhere']), 'not_found', 'receivers.0'],
    ['a negative on-hand quantity', (i) => (i.balances = [{ nodeId: 'A', itemId: 'rice', onHand: -1, reserved: 0, inbound: 0 }]), 'validation_failed', 'balances.0.onHand'],
    ['a fractional target', (i) => (i.targets = [{ ...i.targets[0], targetUnits: 2.5 }]), 'validation_failed', 'targets.0.targetUnits'],
    ['a pack size of zero', (i) => {
      i.suppliers = [{ id: 's', name: 's', dailyCapacityUnits: 10 }];
      i.supplierItems = [{ supplierId: 's', itemId: 'rice', packSize: 0, moqUnits: 0, leadTimeH: 1, expeditedLeadTimeH: null, expeditePremiumFenPerUnit: 0, deliveryFenPerUnit: 0 }];
    }, 'validation_failed', 'supplierItems.0.packSize'],
    ['a suspended receiver', (i) => (i.nodes = i.nodes.map((n) => (n.id === 'B' ? { ...n, status: 'suspended' } : n))), 'node_not_trading', 'receivers.0'],
    ['a negative target gap for the bound', (i) => (i.params = { boundTargetGapPct: -1 }), 'validation_failed', 'params.boundTargetGapPct'],
  ];
  it.each(cases)('rejects %s, naming the field', async (_name, mutate, code, field) => {
    const input = giverKeeps();
    mutate(input);
    const r = await planSourcing(input, defaultSolver);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe(field);
    }
  });
});

describe('planSourcing at scale', () => {
  it('decomposed by item it stays within 1% of the single model, is never worse than greedy, and reports a valid bound', async () => {
    const input = syntheticSourcing({ nodes: 3, items: 30, random: seededRandom(7) });
    const whole = await plan({ ...input, params: { decomposition: 'none' } });
    const parts = await plan({ ...input, params: { decomposition: 'by_item', maxColumnsMip: 80 } });
    expect(parts.summary.method).toBe('decomposed');
    expect(parts.summary.chunks).toBeGreaterThan(1);
    expect(parts.summary.objective).toBeLessThanOrEqual(whole.summary.objective * 1.01);
    expect(parts.summary.bound!).toBeLessThanOrEqual(whole.summary.objective + 1);
    for (const p of [whole, parts]) expect(p.summary.objective).toBeLessThanOrEqual(p.summary.greedy.objective);
  });

  it('by LP rounding (the method for big models) it obeys every rule and beats greedy', async () => {
    const input = syntheticSourcing({ nodes: 4, items: 40, random: seededRandom(11) });
    const p = await plan({ ...input, params: { maxTotalColumnsMip: 0 } });
    expect(p.summary.method).toBe('lp_rounding');
    expect(p.warnings).toEqual([]);
    expect(p.summary.objective).toBeLessThanOrEqual(p.summary.greedy.objective);
    expect(p.summary.bound!).toBeLessThanOrEqual(p.summary.objective);
  });

  it('by temperature class in worker threads it obeys every rule, beats greedy on shortage and stays above its bound', async () => {
    const input = syntheticSourcing({ nodes: 6, items: 90, random: seededRandom(5) });
    const pool = new SolverPool(2);
    try {
      const r = await planSourcing({ ...input, params: { maxTotalColumnsMip: 0, splitColumns: 0 } }, pool.mip);
      if (!r.ok) throw new Error(r.error.message);
      const s = r.value.summary;
      expect(s.method).toBe('decomposed');
      expect(s.chunks).toBe(3); // ambient, chilled, frozen
      expect(r.value.warnings).toEqual([]);
      expect(s.weightedShortageUnits).toBeLessThan(s.greedy.weightedShortageUnits);
      expect(s.bound!).toBeLessThanOrEqual(s.objective);
      // Capacities hold, recomputed here from the lines: free storage per receiver and class, supplier capacity.
      const items = new Map(input.items.map((i) => [i.id, i]));
      const prep = prepare(input);
      if (!prep.ok) throw new Error(prep.error.message);
      const stored = new Map<string, number>();
      const ordered = new Map<string, number>();
      for (const l of r.value.lines) {
        const k = `${l.toNodeId}|${items.get(l.itemId)!.tempClass}`;
        stored.set(k, (stored.get(k) ?? 0) + l.quantity * items.get(l.itemId)!.volumeCm3);
        if (l.supplierId) ordered.set(l.supplierId, (ordered.get(l.supplierId) ?? 0) + l.quantity);
      }
      expect(stored.size).toBeGreaterThan(0);
      for (const [k, v] of stored) expect(v).toBeLessThanOrEqual(prep.value.storageFreeCm3.get(k)!);
      for (const s of input.suppliers!) expect(ordered.get(s.id) ?? 0).toBeLessThanOrEqual(s.dailyCapacityUnits);
    } finally {
      await pool.close();
    }
  });

  it('in waves of one open chunk at a time (the memory bound for big models) it gives the same plan as all chunks at once', async () => {
    const input = syntheticSourcing({ nodes: 6, items: 90, random: seededRandom(5) });
    const params = { maxTotalColumnsMip: 0, splitColumns: 0 };
    const [waves, together] = await Promise.all([
      planSourcing({ ...input, params: { ...params, maxOpenChunks: 1 } }, defaultSolver),
      planSourcing({ ...input, params: { ...params, maxOpenChunks: 3 } }, defaultSolver),
    ]);
    if (!waves.ok || !together.ok) throw new Error('plan failed');
    expect(waves.value.summary.method).toBe('decomposed');
    expect(waves.value.summary.chunks).toBe(3);
    expect(waves.value.warnings).toEqual([]);
    expect(waves.value.summary.weightedShortageUnits).toBeLessThan(waves.value.summary.greedy.weightedShortageUnits);
    expect(waves.value.summary.bound).toBe(together.value.summary.bound);
    // Only the repair pass differs, and it never makes a plan worse.
    expect(together.value.summary.objective).toBeLessThanOrEqual(waves.value.summary.objective);
  });

  it('the greedy baseline obeys every rule the audit checks', () => {
    const prep = prepare(syntheticSourcing({ nodes: 5, items: 80, random: seededRandom(3) }));
    if (!prep.ok) throw new Error(prep.error.message);
    expect(evaluate(prep.value, greedyPlan(prep.value)).violations).toEqual([]);
  });

  it('every reason that compares what a node keeps with its target states a true inequality', async () => {
    for (const seed of [3, 7, 11, 19]) {
      const input = syntheticSourcing({ nodes: 4, items: 20, random: seededRandom(seed) });
      // Raised targets at some nodes make givers and diverted shipments tight.
      input.targets = input.targets.map((t, i) => (i % 5 === 0 ? { ...t, targetUnits: t.targetUnits * 3 } : t));
      const p = await plan(input);
      for (const l of p.lines) {
        for (const m of l.reason.matchAll(/keeps (\d+) ≥ its target (\d+)/g)) expect(Number(m[1]), l.reason).toBeGreaterThanOrEqual(Number(m[2]));
        for (const m of l.reason.matchAll(/keeps (\d+), (\d+) below its target (\d+)/g)) expect(Number(m[1]) + Number(m[2])).toBe(Number(m[3]));
      }
    }
  });

  it('no plan ever takes a giver below its own target (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 5, max: 25 }), async (seed, nodes, items) => {
        const input = syntheticSourcing({ nodes, items, random: seededRandom(seed) });
        const p = await plan(input);
        const position = new Map<string, number>();
        const floor = new Map<string, number>();
        for (const b of input.balances) position.set(`${b.nodeId}|${b.itemId}`, b.onHand + b.inbound - Math.min(b.reserved, b.onHand + b.inbound));
        for (const t of input.targets) floor.set(`${t.nodeId}|${t.itemId}`, t.targetUnits);
        const out = new Map<string, number>();
        const givers = new Set<string>();
        for (const l of p.lines) {
          if (l.kind === 'transfer') {
            givers.add(`${l.fromNodeId}|${l.itemId}`);
            out.set(`${l.fromNodeId}|${l.itemId}`, (out.get(`${l.fromNodeId}|${l.itemId}`) ?? 0) + l.quantity);
          }
          if (l.kind === 'diversion') out.set(`${l.originalNodeId}|${l.itemId}`, (out.get(`${l.originalNodeId}|${l.itemId}`) ?? 0) + l.quantity);
        }
        for (const k of givers) expect((position.get(k) ?? 0) - (out.get(k) ?? 0)).toBeGreaterThanOrEqual(floor.get(k) ?? 0);
        const prep = prepare(input);
        if (!prep.ok) throw new Error(prep.error.message);
        expect(p.summary.objective).toBeLessThanOrEqual(p.summary.greedy.objective);
      }),
      { numRuns: 12, seed: 42 },
    );
  });
});
