/**
 * The plan parts' schemas (domain/incidents/parts.ts) against what the draft builds: the types the
 * planners return must fit them (checked by tsc through the assignments below), and an edit that
 * breaks a part's shape is told apart from one that keeps it, naming the field.
 */
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { PLAN_PART_CONTENT, isPlanPartName, PLAN_PARTS, type StaffingPart, type TripsPart, type ZonesPart, type TargetsPart } from '../src/domain/incidents/index.ts';
import type { ReassignmentProposal, ZoneHandBack } from '../src/domain/zones/index.ts';
import type { draftTrips } from '../src/flows/incident-trips.ts';
import type { draftRoster } from '../src/flows/incident-staffing.ts';
import type { targetsByNode } from '../src/flows/incident/common.ts';

type Drafted<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

// Compile-time: what the planners return is a part's content (tsc fails here if a planner's type drifts from its schema).
export const tripsFit = (x: Drafted<typeof draftTrips>): TripsPart => x;
export const staffingFit = (x: Drafted<typeof draftRoster>): StaffingPart => x;
export const zonesFit = (p: ReassignmentProposal, handBack: ZoneHandBack[]): ZonesPart => ({ method: p.method, changes: p.changes, unserved: p.unserved, nodeLoads: p.nodeLoads, totals: p.totals, handBack });
export const targetsFit = (nodes: ReturnType<typeof targetsByNode>): TargetsPart => ({ multipliers: { essential: 5, key: 10 }, nodes });

describe('plan part schemas', () => {
  it('describe every part a response plan holds, and the lift plan\'s', () => {
    for (const p of PLAN_PARTS) expect(isPlanPartName(p), p).toBe(true);
    expect(isPlanPartName('actions') && isPlanPartName('surplus_rebalance')).toBe(true);
    expect(isPlanPartName('toString')).toBe(false);
  });

  it('accept a part with fields they do not name, and refuse one whose named field has the wrong type, naming it', () => {
    const zones = { changes: [{ zoneId: 'z1', demandOrdersPerDay: 120.5, oldNodeId: 'a', newNodeId: 'b', distanceM: 812.25, extra: { kept: true } }], unserved: [], totals: { servedOrdersPerDay: 120.5 }, reviewer: 'note' };
    expect(Value.Check(PLAN_PART_CONTENT.zones, zones)).toBe(true);
    const bad = { ...zones, changes: [{ ...zones.changes[0], newNodeId: 7 }] };
    expect(Value.Check(PLAN_PART_CONTENT.zones, bad)).toBe(false);
    expect([...Value.Errors(PLAN_PART_CONTENT.zones, bad)].map((e) => e.path)).toContain('/changes/0/newNodeId');
  });
});
