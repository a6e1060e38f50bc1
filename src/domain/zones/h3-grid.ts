/** Generating delivery zones on an H3 grid, spreading demand over them and assigning each to its nearest node. */
import { cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, polygonToCells } from 'h3-js';
import type { BBox, LatLng, Position } from '../geo/index.ts';
import { haversineExactM } from '../geo/index.ts';
import { err, invariant, ok, type Result } from '../shared/index.ts';
import type { DeliveryZone } from './zone.ts';

/** A node as the zone generator and planner see it: where it is and how far it delivers. */
export interface ZoneNode {
  id: string;
  lat: number;
  lng: number;
  maxDeliveryRadiusM: number;
}

export type GridArea = { bbox: BBox } | { aroundNodes: readonly ZoneNode[]; radiusM?: number };

export interface H3GridOptions {
  /** H3 resolution, 5-10 (res 8: cells of about 0.74 km²). */
  resolution: number;
  area: GridArea;
  /** Refuse to generate more cells than this (default 20,000). */
  maxCells?: number;
}

/**
 * Generates delivery zones from H3 cells: every cell whose centre lies in the
 * bounding box, or within reach of the given nodes (their own radius, or
 * `radiusM` when given). Zone ids are `h3-<cell>`; demand and serving nodes are
 * left empty for `spreadDemand` and `assignNearest` to fill.
 */
export function generateH3Zones(options: H3GridOptions): Result<DeliveryZone[]> {
  const { resolution } = options;
  if (!Number.isInteger(resolution) || resolution < 5 || resolution > 10) {
    return err({ code: 'validation_failed', message: 'resolution must be an integer from 5 to 10', field: 'resolution', expected: 'integer in [5, 10]', actual: resolution });
  }
  const maxCells = options.maxCells ?? 20_000;
  let cells: string[];
  if ('bbox' in options.area) {
    const b = options.area.bbox;
    if (!(b.minLat < b.maxLat && b.minLng < b.maxLng)) {
      return err({ code: 'validation_failed', message: 'bbox must have minLat < maxLat and minLng < maxLng', field: 'bbox', expected: 'a non-empty box', actual: b });
    }
    const ring: Position[] = [
      [b.minLng, b.minLat],
      [b.maxLng, b.minLat],
      [b.maxLng, b.maxLat],
      [b.minLng, b.maxLat],
      [b.minLng, b.minLat],
    ];
    // Estimate first, so that a too-large request fails fast instead of exhausting memory.
    const edgeM = getHexagonEdgeLengthAvg(resolution, 'm');
    const boxAreaM2 = haversineExactM({ lat: b.minLat, lng: b.minLng }, { lat: b.minLat, lng: b.maxLng }) * haversineExactM({ lat: b.minLat, lng: b.minLng }, { lat: b.maxLat, lng: b.minLng });
    const estimate = boxAreaM2 / (2.598 * edgeM * edgeM);
    if (estimate > maxCells * 1.5) return tooMany(Math.round(estimate), maxCells);
    cells = polygonToCells([ring], resolution, true);
  } else {
    const nodes = options.area.aroundNodes;
    if (nodes.length === 0) return err({ code: 'validation_failed', message: 'aroundNodes needs at least one node', field: 'nodeIds', expected: '>= 1 node', actual: 0 });
    const edgeM = getHexagonEdgeLengthAvg(resolution, 'm');
    const set = new Set<string>();
    for (const n of nodes) {
      const radiusM = options.area.radiusM ?? n.maxDeliveryRadiusM;
      const k = Math.ceil(radiusM / (Math.sqrt(3) * edgeM)) + 1;
      if (3 * k * (k + 1) + 1 > maxCells * 4) return tooMany(3 * k * (k + 1) + 1, maxCells);
      for (const c of gridDisk(latLngToCell(n.lat, n.lng, resolution), k)) {
        const [lat, lng] = cellToLatLng(c);
        if (haversineExactM(n, { lat, lng }) <= radiusM) set.add(c);
      }
      if (set.size > maxCells) return tooMany(set.size, maxCells);
    }
    cells = [...set];
  }
  if (cells.length > maxCells) return tooMany(cells.length, maxCells);
  cells.sort();
  return ok(
    cells.map((c) => ({
      id: `h3-${c}`,
      name: `H3 ${c}`,
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(c, true) as Position[]] },
      demandOrdersPerDay: 0,
      servingNodeId: null,
      split: null,
      backupNodeIds: [],
    })),
  );
}

function tooMany(n: number, max: number): Result<never> {
  return err({ code: 'validation_failed', message: `the grid would have about ${n} cells, more than the limit of ${max}; use a coarser resolution or a smaller area`, field: 'resolution', expected: `<= ${max} cells`, actual: n });
}

/**
 * Spreads `totalOrdersPerDay` over items in proportion to their weights, in whole
 * orders (largest remainder), so that the parts add up to the total exactly.
 */
export function spreadDemand(weights: readonly number[], totalOrdersPerDay: number): number[] {
  invariant(Number.isInteger(totalOrdersPerDay) && totalOrdersPerDay >= 0, 'total demand is a non-negative integer');
  const sum = weights.reduce((s, w) => s + Math.max(0, w), 0);
  if (weights.length === 0) return [];
  if (sum <= 0) return spreadDemand(weights.map(() => 1), totalOrdersPerDay);
  const exact = weights.map((w) => (Math.max(0, w) / sum) * totalOrdersPerDay);
  const out = exact.map(Math.floor);
  let left = totalOrdersPerDay - out.reduce((s, v) => s + v, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

/**
 * Sets each zone's serving node to the nearest node whose radius reaches the
 * zone's centre (or simply the nearest when `requireReach` is false), and its
 * backups to the next nearest nodes in reach, up to `backups`.
 */
export function assignNearest(
  zones: DeliveryZone[],
  centroids: readonly LatLng[],
  nodes: readonly ZoneNode[],
  options: { requireReach?: boolean; backups?: number } = {},
): DeliveryZone[] {
  const requireReach = options.requireReach ?? true;
  const backups = options.backups ?? 2;
  return zones.map((z, i) => {
    const ranked = nodes
      .map((n) => ({ id: n.id, d: haversineExactM(n, centroids[i]), r: n.maxDeliveryRadiusM }))
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1));
    const inReach = ranked.filter((n) => n.d <= n.r);
    const serving = inReach[0] ?? (requireReach ? undefined : ranked[0]);
    return {
      ...z,
      servingNodeId: serving?.id ?? null,
      split: null,
      backupNodeIds: inReach.filter((n) => n.id !== serving?.id).slice(0, backups).map((n) => n.id),
    };
  });
}
