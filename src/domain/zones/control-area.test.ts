import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.ts';
import { circlePolygon, computeAreaEffects, isInForce, parseControlArea, strictestStatus, type ControlArea } from './control-area.ts';
import { geometryContains } from './geometry.ts';
import { generateH3Zones } from './h3-grid.ts';
import { ZoneIndex } from './zone-index.ts';
import type { DeliveryZone } from './zone.ts';

const DAZU = { lat: 39.79, lng: 116.5069 };
const area = (level: ControlArea['level'], allowOnlineOnly = false): ControlArea => ({
  id: 'dazu-area',
  name: 'Dazu Plaza',
  level,
  geometry: circlePolygon(DAZU, 400),
  startsAt: '2022-06-22T00:00:00.000Z',
  endsAt: null,
  allowOnlineOnly,
  dropPoints: [{ id: 'gate', name: 'north gate', lat: 39.793, lng: 116.5069 }],
  liftedAt: null,
});
const nodes = [
  { id: 'dazu-plaza', ...DAZU, status: 'open' as const },
  { id: 'yicheng-jingyuan', lat: 39.761, lng: 116.503, status: 'open' as const },
];

describe('control area effects', () => {
  it.each([
    ['a lockdown area suspends a node inside it', area('lockdown'), 'suspended'],
    ['a lockdown area that allows online orders sets the node online-only', area('lockdown', true), 'online_only'],
    ['a controlled area closes a node to walk-in customers', area('controlled'), 'online_only'],
  ])('%s', (_name, a, status) => {
    const effects = computeAreaEffects(a, nodes, []);
    expect(effects).toEqual([{ kind: 'node_status', nodeId: 'dazu-plaza', fromStatus: 'open', toStatus: status, reason: expect.stringContaining('inside') }]);
  });

  it('a precaution area lists the node but changes nothing', () => {
    expect(computeAreaEffects(area('precaution'), nodes, [])).toMatchObject([{ kind: 'node_unchanged', nodeId: 'dazu-plaza' }]);
  });

  it('never loosens a node that is already stricter', () => {
    const effects = computeAreaEffects(area('controlled'), [{ ...nodes[0], status: 'suspended' }], []);
    expect(effects).toMatchObject([{ kind: 'node_unchanged', status: 'suspended' }]);
  });

  it('marks zones touching a lockdown area as served through drop points only', () => {
    const zones = generateH3Zones({ resolution: 9, area: { aroundNodes: [{ id: 'c', ...DAZU, maxDeliveryRadiusM: 1500 }] } });
    if (!zones.ok) throw new Error(zones.error.message);
    const effects = computeAreaEffects(area('lockdown'), [], zones.value);
    expect(effects.length).toBeGreaterThan(3);
    expect(effects.every((e) => e.kind === 'zone_drop_points_only' && e.overlapPct >= 1)).toBe(true);
  });

  it('takes the strictest status when areas overlap', () => {
    expect(strictestStatus(['online_only', null, 'suspended'])).toBe('suspended');
    expect(strictestStatus([null])).toBeNull();
  });

  it('is in force from its start until it ends or is lifted', () => {
    const a = { startsAt: '2022-06-22T00:00:00Z', endsAt: '2022-07-01T00:00:00Z', liftedAt: null };
    expect(isInForce(a, new Date('2022-06-21T23:59:59Z'))).toBe(false);
    expect(isInForce(a, new Date('2022-06-25T00:00:00Z'))).toBe(true);
    expect(isInForce(a, new Date('2022-07-01T00:00:00Z'))).toBe(false);
    expect(isInForce({ ...a, liftedAt: '2022-06-24T00:00:00Z' }, new Date('2022-06-25T00:00:00Z'))).toBe(false);
  });

  it.each([
    ['an unknown level', { level: 'red' }, 'level'],
    ['a start that is not a date', { startsAt: 'tomorrow' }, 'startsAt'],
    ['an end before the start', { endsAt: '2022-06-01T00:00:00Z' }, 'endsAt'],
    ['an unclosed polygon', { geometry: { type: 'Polygon', coordinates: [[[116.5, 39.8], [116.6, 39.8], [116.6, 39.9], [116.5, 39.9]]] } }, 'geometry.coordinates.0'],
  ])('refuses %s', (_name, patch, field) => {
    const r = parseControlArea({ id: 'a1', level: 'lockdown', geometry: circlePolygon(DAZU, 300), startsAt: '2022-06-22T00:00:00Z', ...(patch as object) } as never);
    expect(!r.ok && r.error.field).toBe(field);
  });
});

describe('ZoneIndex', () => {
  const grid = generateH3Zones({ resolution: 9, area: { aroundNodes: [{ id: 'c', ...DAZU, maxDeliveryRadiusM: 3000 }] } });
  if (!grid.ok) throw new Error(grid.error.message);
  const zones: DeliveryZone[] = grid.value.map((z, i) => ({ ...z, demandOrdersPerDay: 100, servingNodeId: i % 2 ? 'a' : 'b', backupNodeIds: ['c'] }));
  const points = (() => {
    const rnd = seededRandom(9);
    return Array.from({ length: 3000 }, () => ({ lat: 39.76 + rnd.next() * 0.06, lng: 116.47 + rnd.next() * 0.07 }));
  })();

  it.each(['grid', 'flatbush'] as const)('finds the same zone as a scan of every polygon (%s backend)', (backend) => {
    const index = new ZoneIndex(zones, [], { backend });
    for (const p of points) {
      const hit = index.lookup(p.lat, p.lng);
      const containing = zones.filter((z) => geometryContains(z.geometry, p)).map((z) => z.id);
      if (hit) expect(containing).toContain(hit.zoneId);
      else expect(containing).toEqual([]);
    }
  });

  it('flags addresses inside a lockdown area and gives the nearest drop point', () => {
    const index = new ZoneIndex(zones, [area('lockdown')]);
    const inside = index.lookup(DAZU.lat, DAZU.lng);
    expect(inside).toMatchObject({ underLockdown: true, controlLevel: 'lockdown', controlAreaId: 'dazu-area', dropPoint: { id: 'gate' } });
    const outside = index.lookup(39.775, 116.49);
    expect(outside).toMatchObject({ underLockdown: false, controlLevel: null });
    expect(outside?.dropPoint).toBeUndefined();
  });

  it('answers null outside every zone', () => {
    expect(new ZoneIndex(zones).lookup(31.2, 121.5)).toBeNull();
  });

  it('sends addresses of a split zone to its two nodes in proportion to the split', () => {
    const z = { ...zones[0], split: { nodeId: 'x', ordersPerDay: 30 } };
    const index = new ZoneIndex([z]);
    const c = z.geometry.type === 'Polygon' ? z.geometry.coordinates[0] : [];
    const lats = c.map((p) => p[1]);
    const lngs = c.map((p) => p[0]);
    const rnd = seededRandom(1);
    let split = 0;
    let total = 0;
    for (let i = 0; i < 4000; i++) {
      const hit = index.lookup(Math.min(...lats) + rnd.next() * (Math.max(...lats) - Math.min(...lats)), Math.min(...lngs) + rnd.next() * (Math.max(...lngs) - Math.min(...lngs)));
      if (!hit) continue;
      total++;
      if (hit.servingNodeId === 'x') {
        split++;
        expect(hit.backupNodeIds[0]).toBe(z.servingNodeId);
      }
    }
    expect(split / total).toBeGreaterThan(0.25);
    expect(split / total).toBeLessThan(0.35);
  });
});
