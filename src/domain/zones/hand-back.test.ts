import { describe, expect, it } from 'vitest';
import { handBackNodeIds, planHandBack } from './hand-back.ts';

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
});
