import { describe, expect, it } from 'vitest';
import { buildBoard, type BoardInput } from './board.ts';

/** Two stores and a warehouse on 2022-06-22 (Beijing midnight = 2022-06-21T16:00Z), at 10:00 Beijing. */
const dayStartMs = Date.parse('2022-06-21T16:00:00Z');
const at = (hhmm: string) => dayStartMs + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;
const base = (): BoardInput => ({
  day: '2022-06-22',
  dayStartMs,
  nowMs: at('10:00'),
  nodes: [
    { id: 'a', nameZh: '甲店', nameEn: 'Store A', kind: 'store', status: 'open', dailyOrderCapacity: 100 },
    { id: 'b', nameZh: '乙店', nameEn: 'Store B', kind: 'store', status: 'suspended', dailyOrderCapacity: 100 },
    { id: 'dc', nameZh: '配送中心', nameEn: 'DC', kind: 'distribution_centre', status: 'open', dailyOrderCapacity: 0 },
  ],
  slots: [
    { nodeId: 'a', capacity: 50, booked: 20 },
    { nodeId: 'a', capacity: 50, booked: 10 },
  ],
  zones: [
    { id: 'z1', servingNodeId: 'a', demandOrdersPerDay: 60 },
    { id: 'z2', servingNodeId: null, demandOrdersPerDay: 25 },
  ],
  keyStock: [
    { nodeId: 'a', itemId: 'rice', availableToPromise: 0, daysOfCover: 0, dailyDemand: 5 },
    { nodeId: 'a', itemId: 'eggs', availableToPromise: 3, daysOfCover: 0.5, dailyDemand: 6 },
    { nodeId: 'a', itemId: 'oil', availableToPromise: 30, daysOfCover: 5, dailyDemand: 6 },
    { nodeId: 'a', itemId: 'salt', availableToPromise: 0, daysOfCover: null, dailyDemand: 0 },
    { nodeId: 'b', itemId: 'rice', availableToPromise: 0, daysOfCover: 0, dailyDemand: 5 },
  ],
  trips: [
    { id: 't1', ref: 'T-1', status: 'confirmed', departS: 9 * 3600, originNodeId: 'dc', stops: [] },
    { id: 't2', ref: 'T-2', status: 'confirmed', departS: 9 * 3600 + 50 * 60, originNodeId: 'dc', stops: [] },
    { id: 't3', ref: 'T-3', status: 'dispatched', departS: 7 * 3600, originNodeId: 'dc', stops: [{ seq: 1, arrivalS: 8 * 3600, status: 'arrived', placeId: 'a' }, { seq: 2, arrivalS: 9 * 3600, status: 'pending', placeId: 'b' }] },
  ],
  acks: new Map(),
});

const codes = (b: ReturnType<typeof buildBoard>) => b.alerts.map((a) => `${a.code}${a.params.nodeId ? `@${a.params.nodeId}` : ''}${a.params.ref ? `@${a.params.ref}` : ''}`);

describe('the network board', () => {
  it('shows delivery nodes only, with orders booked against slot capacity and zone demand', () => {
    const b = buildBoard(base());
    expect(b.nodes.map((n) => n.nodeId)).toEqual(['a', 'b']);
    expect(b.nodes[0]).toMatchObject({ ordersBooked: 30, slotCapacity: 100, zoneDemandOrdersPerDay: 60, trading: true });
    expect(b.unserved).toEqual({ zones: 1, ordersPerDay: 25 });
  });

  it('raises unserved demand, key essentials out and under a day of cover at trading nodes, and late trips', () => {
    expect(codes(buildBoard(base()))).toEqual(['zones.unserved', 'stock.key_out@a', 'stock.key_low@a', 'trip.late_departure@dc@T-1', 'trip.late_arrival@T-3']);
  });

  it('does not count items without demand, nor stock at a node that is not trading', () => {
    const b = buildBoard(base());
    expect(b.nodes[0].keyOut).toEqual(['rice']);
    expect(b.nodes[1].keyOut).toEqual([]);
  });

  it('gives a trip its grace before calling it late', () => {
    const b = buildBoard(base());
    expect(b.lateTrips.map((t) => [t.ref, t.kind, t.minutesLate])).toEqual([
      ['T-1', 'departure', 60],
      ['T-3', 'arrival', 60],
    ]);
    expect(b.lateTrips.some((t) => t.ref === 'T-2')).toBe(false);
  });

  it('raises fully booked when every slot of the day is taken, and over capacity when the zones ask more than the node can take', () => {
    const full = base();
    full.slots = [{ nodeId: 'a', capacity: 40, booked: 40 }];
    expect(codes(buildBoard(full))).toContain('node.fully_booked@a');
    const demand = base();
    demand.zones = [{ id: 'z1', servingNodeId: 'a', demandOrdersPerDay: 140 }];
    expect(codes(buildBoard(demand))).toContain('node.over_capacity@a');
    expect(codes(buildBoard(base()))).not.toContain('node.over_capacity@a');
  });

  it('marks an acknowledged alert with who and when, keeping it listed', () => {
    const input = base();
    const id = buildBoard(input).alerts[1].id;
    input.acks = new Map([[id, { by: 'lin', at: '2022-06-22T02:05:00.000Z' }]]);
    const b = buildBoard(input);
    expect(b.alerts.find((a) => a.id === id)).toMatchObject({ acknowledgedBy: 'lin', acknowledgedAt: '2022-06-22T02:05:00.000Z' });
    expect(b.alerts.filter((a) => a.acknowledgedBy === null)).toHaveLength(4);
  });
});
