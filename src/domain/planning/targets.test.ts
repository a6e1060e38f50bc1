import { describe, expect, it } from 'vitest';
import { MILK, node, RICE } from './fixtures.ts';
import { computeTargets, netRequirements, waterLevel } from './targets.ts';

describe('computeTargets', () => {
  const nodes = [node('A', 39.78, 116.5), node('S', 39.79, 116.5, { status: 'suspended' })];
  const demand = [
    { nodeId: 'A', itemId: 'rice', dailyUnits: 10 },
    { nodeId: 'A', itemId: 'milk', dailyUnits: 20 },
    { nodeId: 'S', itemId: 'rice', dailyUnits: 10 },
  ];

  it('multiplies baseline demand by the tier multiplier: 10x for key, 5x for essentials', () => {
    const r = computeTargets({ nodes, items: [RICE, MILK], demand });
    expect(r.ok && r.value.map((t) => [t.nodeId, t.itemId, t.targetUnits, t.daysOfCover, t.cappedBy])).toEqual([
      ['A', 'milk', 100, 5, null],
      ['A', 'rice', 100, 10, null],
    ]);
  });

  it('applies per-node multipliers', () => {
    const r = computeTargets({ nodes, items: [RICE, MILK], demand, multipliers: { essential: 5, key: 10, byNode: { A: { key: 3 } } } });
    expect(r.ok && r.value.find((t) => t.itemId === 'rice')?.targetUnits).toBe(30);
  });

  it('cuts every item of a temperature class to a common days-of-cover level when storage is short', () => {
    // Chilled room for 60 milk (1.1 L each): 3 days of cover instead of 5.
    const small = [node('A', 39.78, 116.5, { storageCm3: { ambient: 1e12, chilled: 60 * 1100, frozen: 0 } })];
    const r = computeTargets({ nodes: small, items: [RICE, MILK], demand });
    const milk = r.ok ? r.value.find((t) => t.itemId === 'milk') : undefined;
    expect(milk).toMatchObject({ targetUnits: 60, uncappedUnits: 100, daysOfCover: 3, cappedBy: 'chilled' });
  });

  it('gives suspended nodes no targets and skips items outside the assortment', () => {
    const r = computeTargets({ nodes, items: [RICE, { ...MILK, tier: 'none' }], demand });
    expect(r.ok && r.value.map((t) => `${t.nodeId}/${t.itemId}`)).toEqual(['A/rice']);
  });

  it('rejects a multiplier of zero, naming the field', () => {
    const r = computeTargets({ nodes, items: [RICE], demand, multipliers: { essential: 0, key: 10 } });
    expect(!r.ok && r.error).toMatchObject({ code: 'validation_failed', field: 'multipliers.essential', actual: 0 });
  });
});

describe('waterLevel', () => {
  it('returns null when everything fits', () => {
    expect(waterLevel([{ slope: 1, cap: 5, unitVolume: 1 }], 100)).toBeNull();
  });
  it('cuts the higher multipliers first', () => {
    // key: 10 days × 1 cm³/day, essential: 5 days × 1 cm³/day; room for 12 → key 7 days, essential 5.
    expect(waterLevel([{ slope: 1, cap: 10, unitVolume: 0.1 }, { slope: 1, cap: 5, unitVolume: 0.1 }], 12)).toBeCloseTo(7);
  });
});

describe('netRequirements', () => {
  it('subtracts on hand and inbound, adds back reserved, and reports surplus above target and safety stock', () => {
    const targets = computeTargets({ nodes: [node('A', 39.78, 116.5)], items: [RICE, MILK], demand: [{ nodeId: 'A', itemId: 'rice', dailyUnits: 10 }, { nodeId: 'A', itemId: 'milk', dailyUnits: 2 }] });
    if (!targets.ok) throw new Error('targets');
    const r = netRequirements({
      targets: targets.value,
      balances: [
        { nodeId: 'A', itemId: 'rice', onHand: 40, reserved: 5, inbound: 15 },
        { nodeId: 'A', itemId: 'milk', onHand: 30, reserved: 0, inbound: 0, safetyStock: 4 },
      ],
    });
    expect(r.ok && r.value.map((n) => [n.itemId, n.positionUnits, n.needUnits, n.surplusUnits])).toEqual([
      ['milk', 30, 0, 16],
      ['rice', 50, 50, 0],
    ]);
  });
});
