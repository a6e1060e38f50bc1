import { describe, expect, it } from 'vitest';
import { fitHandBack, handBackNodeIds, planHandBack } from './hand-back.ts';

/** Store S is locked down and reopens online-only; T and W took its zones. */
const zones = [
  { id: 'z1', servingNodeId: 'S', split: null, backupNodeIds: ['T'], demandOrdersPerDay: 100 },
  { id: 'z2', servingNodeId: 'S', split: null, backupNodeIds: [], demandOrdersPerDay: 50 },
  { id: 'z3', servingNodeId: 'S', split: null, backupNodeIds: [], demandOrdersPerDay: 30 },
  { id: 'z4', servingNodeId: 'T', split: null, backupNodeIds: ['S'], demandOrdersPerDay: 80 },
];
const moves = [
  { zoneId: 'z1', newNodeId: 'T', newSplit: null },
  { zoneId: 'z2', newNodeId: null, newSplit: null },
  { zoneId: 'z4', newNodeId: 'W', newSplit: null },
];

describe('the zone hand-back at a store’s reopening', () => {
  it('gives the store back exactly the zones it served that the plan moved away, from where the plan put them', () => {
    const [h, ...rest] = planHandBack(zones, moves, [{ nodeId: 'S', at: '2022-06-23T22:00:00.000Z' }]);
    expect(rest).toEqual([]);
    expect(h.nodeId).toBe('S');
    expect(h.at).toBe('2022-06-23T22:00:00.000Z');
    expect(h.changes.map((c) => [c.zoneId, c.oldNodeId, c.newNodeId])).toEqual([['z1', 'T', 'S'], ['z2', null, 'S']]);
    // The node that held the zone backs it up first, then the zone's own backups; never the store itself.
    expect(handBackNodeIds(h.changes[0])).toEqual(['S', 'T']);
    expect(handBackNodeIds(h.changes[1])).toEqual(['S']);
  });

  it('hands nothing back without a reopening, or for a store whose zones were not moved', () => {
    expect(planHandBack(zones, moves, [])).toEqual([]);
    expect(planHandBack(zones, [], [{ nodeId: 'S', at: '2022-06-23T22:00:00.000Z' }])).toEqual([]);
  });

  describe('fit: only what the reopened store can serve', () => {
    const moved = [...moves, { zoneId: 'z3', newNodeId: 'W', newSplit: null }];
    const [all] = planHandBack(zones, moved, [{ nodeId: 'S', at: '2022-06-23T22:00:00.000Z' }]);
    const demand = (hs: ReturnType<typeof fitHandBack>) => hs.flatMap((h) => h.changes).reduce((a, c) => a + c.demandOrdersPerDay, 0);

    it('never hands back more orders a day than the store can serve, nearest zones first', () => {
      const near = new Map([['z3', 500], ['z2', 900], ['z1', 2_000]]);
      const [h] = fitHandBack([all], new Map([['S', 90]]), near);
      expect(h.changes.map((c) => c.zoneId)).toEqual(['z2', 'z3']);
      expect(demand([h])).toBeLessThanOrEqual(90);
      // Each handed-back zone is the very change "all" lists (same serving list and backups).
      for (const c of h.changes) expect(c).toEqual(all.changes.find((x) => x.zoneId === c.zoneId));
    });

    it('without distances takes the largest zones that fit, and skips one too big for smaller ones', () => {
      expect(fitHandBack([all], new Map([['S', 140]]))[0].changes.map((c) => c.zoneId)).toEqual(['z1', 'z3']);
      expect(fitHandBack([all], new Map([['S', 60]]))[0].changes.map((c) => c.zoneId)).toEqual(['z2']);
    });

    it('hands everything back with room for all, nothing without capacity, and never more than "all"', () => {
      expect(fitHandBack([all], new Map([['S', 10_000]]))).toEqual([all]);
      expect(fitHandBack([all], new Map([['S', 0]]))).toEqual([]);
      expect(fitHandBack([all], new Map())).toEqual([]);
      for (const cap of [0, 29, 30, 79, 80, 130, 180, 181]) {
        const fit = fitHandBack([all], new Map([['S', cap]]));
        expect(demand(fit)).toBeLessThanOrEqual(Math.min(cap, demand([all])));
      }
    });
  });
});
