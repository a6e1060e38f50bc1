import { describe, expect, it } from 'vitest';
import { geometryAreaM2, overlapAreaM2, parseGeometry } from './geometry.ts';
import { parseZoneCollection, zonesToFeatureCollection } from './zone.ts';

/** A square of side `d` degrees with its south-west corner at (lng, lat), counter-clockwise. */
const square = (lng: number, lat: number, d: number) => [
  [lng, lat],
  [lng + d, lat],
  [lng + d, lat + d],
  [lng, lat + d],
  [lng, lat],
];
const polygon = (...rings: number[][][]) => ({ type: 'Polygon', coordinates: rings });
const feature = (id: string, geometry: unknown, props: Record<string, unknown> = {}) => ({ type: 'Feature', properties: { id, demandOrdersPerDay: 10, ...props }, geometry });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('parseGeometry', () => {
  it.each([
    ['a missing geometry', null, 'not_a_geometry', 'geometry'],
    ['a Point', { type: 'Point', coordinates: [116.5, 39.8] }, 'unsupported_type', 'geometry.type'],
    ['a position with one number', polygon([[116.5], [116.6, 39.8], [116.6, 39.9], [116.5]]), 'bad_position', 'geometry.coordinates.0.0'],
    ['a latitude out of range', polygon([[116.5, 39.8], [116.6, 39.8], [116.6, 91], [116.5, 39.8]]), 'out_of_range', 'geometry.coordinates.0.2'],
    ['lat and lng swapped beyond 90', polygon([[39.8, 116.5], [39.9, 116.5], [39.9, 116.6], [39.8, 116.5]]), 'out_of_range', 'geometry.coordinates.0.0'],
    ['an unclosed ring', polygon([[116.5, 39.8], [116.6, 39.8], [116.6, 39.9], [116.5, 39.9]]), 'ring_not_closed', 'geometry.coordinates.0'],
    ['a ring with three positions', polygon([[116.5, 39.8], [116.6, 39.8], [116.5, 39.8]]), 'too_few_positions', 'geometry.coordinates.0'],
    ['a ring folded flat onto a line', polygon([[116.5, 39.8], [116.6, 39.8], [116.7, 39.8], [116.5, 39.8]]), 'self_intersection', 'geometry.coordinates.0'],
    ['a ring of three distinct positions', polygon([[116.5, 39.8], [116.6, 39.8], [116.6, 39.8], [116.5, 39.8]]), 'zero_area', 'geometry.coordinates.0'],
    ['a bow tie', polygon([[116.5, 39.8], [116.6, 39.9], [116.6, 39.8], [116.5, 39.9], [116.5, 39.8]]), 'self_intersection', 'geometry.coordinates.0'],
    ['a spike folding back on itself', polygon([[116.5, 39.8], [116.6, 39.8], [116.7, 39.8], [116.6, 39.8], [116.6, 39.9], [116.5, 39.8]]), 'self_intersection', 'geometry.coordinates.0'],
    ['a hole crossing its exterior', polygon(square(116.5, 39.8, 0.1), square(116.55, 39.85, 0.1).reverse()), 'self_intersection', 'geometry.coordinates.1'],
    ['a hole outside its exterior', polygon(square(116.5, 39.8, 0.1), square(116.7, 39.8, 0.05).reverse()), 'hole_outside_exterior', 'geometry.coordinates.1'],
    ['overlapping parts of a MultiPolygon', { type: 'MultiPolygon', coordinates: [[square(116.5, 39.8, 0.1)], [square(116.55, 39.85, 0.1)]] }, 'parts_overlap', 'geometry.coordinates.1'],
  ])('refuses %s, naming the problem and where', (_name, geometry, problem, field) => {
    const r = parseGeometry(geometry, 'features[0] "z1"');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_failed');
    expect(r.error.details?.problem).toBe(problem);
    expect(r.error.field).toBe(field);
    expect(r.error.message).toContain('features[0] "z1"');
  });

  it('reverses a clockwise exterior and a counter-clockwise hole to the RFC 7946 winding', () => {
    const r = parseGeometry(polygon(square(116.5, 39.8, 0.1).reverse(), square(116.52, 39.82, 0.02)), 'z');
    expect(r.ok && r.value.rewound).toBe(true);
    if (!r.ok) return;
    expect(r.value.geometry.coordinates[0]).toEqual(square(116.5, 39.8, 0.1));
    const expected = geometryAreaM2(polygon(square(116.5, 39.8, 0.1)) as never) - geometryAreaM2(polygon(square(116.52, 39.82, 0.02)) as never);
    expect(geometryAreaM2(r.value.geometry) / expected).toBeCloseTo(1, 4);
  });

  it('drops repeated consecutive positions', () => {
    const ring = square(116.5, 39.8, 0.1);
    const r = parseGeometry(polygon([ring[0], ring[1], ring[1], ring[2], ring[3], ring[4]]), 'z');
    expect(r.ok && r.value.geometry.coordinates[0]).toEqual(ring);
  });
});

describe('overlapAreaM2', () => {
  const a = polygon(square(116.5, 39.8, 0.01)) as never;
  it.each([
    ['identical squares overlap by their whole area', polygon(square(116.5, 39.8, 0.01)), 1],
    ['squares offset by half a side overlap by a quarter', polygon(square(116.505, 39.805, 0.01)), 0.25],
    ['squares sharing an edge do not overlap', polygon(square(116.51, 39.8, 0.01)), 0],
    ['a square inside another overlaps by its own area', polygon(square(116.502, 39.802, 0.005)), 0.25],
    ['distant squares do not overlap', polygon(square(117, 39.8, 0.01)), 0],
  ])('%s', (_name, b, fraction) => {
    expect(overlapAreaM2(a, b as never) / geometryAreaM2(a)).toBeCloseTo(fraction, 3);
    expect(overlapAreaM2(b as never, a) / geometryAreaM2(a)).toBeCloseTo(fraction, 3);
  });
});

describe('parseZoneCollection', () => {
  it('parses zones and writes them back as the same FeatureCollection', () => {
    const input = collection(
      feature('z1', polygon(square(116.5, 39.8, 0.01)), { name: 'one', servingNodeId: 'a', backupNodeIds: ['b'] }),
      feature('z2', polygon(square(116.51, 39.8, 0.01)), { name: 'two', servingNodeId: 'b', backupNodeIds: [], split: { nodeId: 'a', ordersPerDay: 4 } }),
    );
    const r = parseZoneCollection(input, { knownNodeIds: new Set(['a', 'b']) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const again = parseZoneCollection(zonesToFeatureCollection(r.value.zones));
    expect(again.ok && again.value.zones).toEqual(r.value.zones);
  });

  it.each([
    ['a body that is not a FeatureCollection', { type: 'Feature' }, 'type'],
    ['a feature without an id', collection({ type: 'Feature', properties: {}, geometry: polygon(square(116.5, 39.8, 0.01)) }), 'features.0.properties.id'],
    ['a fractional demand', collection(feature('z1', polygon(square(116.5, 39.8, 0.01)), { demandOrdersPerDay: 2.5 })), 'features.0.properties.demandOrdersPerDay'],
    ['a repeated id', collection(feature('z1', polygon(square(116.5, 39.8, 0.01))), feature('z1', polygon(square(116.6, 39.8, 0.01)))), 'features.1.properties.id'],
    ['an unknown serving node', collection(feature('z1', polygon(square(116.5, 39.8, 0.01)), { servingNodeId: 'nope' })), 'features.0.properties.servingNodeId'],
    ['zones overlapping beyond the tolerance', collection(feature('z1', polygon(square(116.5, 39.8, 0.01))), feature('z2', polygon(square(116.505, 39.8, 0.01)))), 'features.1.geometry'],
  ])('refuses %s', (_name, input, field) => {
    const r = parseZoneCollection(input, { knownNodeIds: new Set(['a']) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });

  it('names both zones when they overlap', () => {
    const r = parseZoneCollection(collection(feature('north', polygon(square(116.5, 39.8, 0.01))), feature('south', polygon(square(116.5, 39.805, 0.01)))));
    expect(!r.ok && r.error.message).toMatch(/"south" overlaps features\[0\] "north" by \d+ m²/);
  });

  it('accepts an overlap within the tolerance', () => {
    // 0.0001° of a 0.01° square: a 1% sliver.
    const r = parseZoneCollection(collection(feature('a', polygon(square(116.5, 39.8, 0.01))), feature('b', polygon(square(116.5099, 39.8, 0.01)))), { overlapTolerancePct: 2 });
    expect(r.ok).toBe(true);
  });
});
