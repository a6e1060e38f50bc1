/** A spatial index over polygons (Flatbush boxes, then point-in-polygon): which shapes contain a point. */
import Flatbush from 'flatbush';
import type { Position } from './coordinates.ts';
import { invariant } from '../shared/index.ts';

/** A shape as GeoJSON MultiPolygon coordinates: polygons → rings → positions. */
export type MultiPolygonCoords = Position[][][];

export interface PolygonIndexOptions {
  /**
   * `grid` (default): a uniform grid over the shapes' bounding box, each cell listing
   * the polygons whose bbox touches it; a lookup is one cell plus a few
   * point-in-polygon tests, with no allocation. `flatbush`: a packed R-tree on the
   * polygons' bboxes. Both answer identically; the benchmark measures both.
   */
  backend?: 'grid' | 'flatbush';
  /** Grid cells per polygon (grid backend); more cells means fewer candidates. */
  cellsPerPolygon?: number;
}

/**
 * Answers "which shape contains this point" for many static shapes (delivery zones,
 * control areas). Rings are stored flat in typed arrays; the point-in-polygon test is
 * even-odd ray crossing over every ring of a polygon, so holes need no special case.
 * A point exactly on a shared edge belongs to one of the two shapes, not both.
 * When shapes overlap, `find` returns the one with the smallest index.
 */
export class PolygonIndex {
  readonly size: number;
  private readonly coords: Float64Array;
  private readonly ringStart: Int32Array;
  private readonly polyRingStart: Int32Array;
  private readonly polyShape: Int32Array;
  private readonly polyBox: Float64Array;
  private readonly backend: 'grid' | 'flatbush';
  // grid
  private minX = 0;
  private minY = 0;
  private cellW = 1;
  private cellH = 1;
  private gx = 0;
  private gy = 0;
  private cellStart: Int32Array = new Int32Array(1);
  private cellPolys: Int32Array = new Int32Array(0);
  // flatbush
  private tree: Flatbush | null = null;

  constructor(shapes: readonly MultiPolygonCoords[], options: PolygonIndexOptions = {}) {
    this.size = shapes.length;
    this.backend = options.backend ?? 'grid';
    let nVerts = 0;
    let nRings = 0;
    let nPolys = 0;
    for (const shape of shapes) {
      for (const poly of shape) {
        nPolys++;
        for (const ring of poly) {
          nRings++;
          nVerts += ringLength(ring);
        }
      }
    }
    this.coords = new Float64Array(nVerts * 2);
    this.ringStart = new Int32Array(nRings + 1);
    this.polyRingStart = new Int32Array(nPolys + 1);
    this.polyShape = new Int32Array(nPolys);
    this.polyBox = new Float64Array(nPolys * 4);
    let v = 0;
    let r = 0;
    let p = 0;
    for (let s = 0; s < shapes.length; s++) {
      for (const poly of shapes[s]) {
        this.polyRingStart[p] = r;
        this.polyShape[p] = s;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        for (const ring of poly) {
          this.ringStart[r++] = v;
          const len = ringLength(ring);
          for (let i = 0; i < len; i++) {
            const [x, y] = ring[i];
            this.coords[v * 2] = x;
            this.coords[v * 2 + 1] = y;
            v++;
            if (x < minX) minX = x;
            if (y < minY) minY = y;
            if (x > maxX) maxX = x;
            if (y > maxY) maxY = y;
          }
        }
        this.polyBox.set([minX, minY, maxX, maxY], p * 4);
        p++;
      }
    }
    this.ringStart[r] = v;
    this.polyRingStart[p] = r;
    if (nPolys === 0) return;
    if (this.backend === 'flatbush') this.buildTree(nPolys);
    else this.buildGrid(nPolys, options.cellsPerPolygon ?? 4);
  }

  private buildTree(nPolys: number): void {
    const tree = new Flatbush(nPolys);
    for (let p = 0; p < nPolys; p++) {
      const b = p * 4;
      tree.add(this.polyBox[b], this.polyBox[b + 1], this.polyBox[b + 2], this.polyBox[b + 3]);
    }
    tree.finish();
    this.tree = tree;
  }

  private buildGrid(nPolys: number, cellsPerPolygon: number): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let p = 0; p < nPolys; p++) {
      const b = p * 4;
      minX = Math.min(minX, this.polyBox[b]);
      minY = Math.min(minY, this.polyBox[b + 1]);
      maxX = Math.max(maxX, this.polyBox[b + 2]);
      maxY = Math.max(maxY, this.polyBox[b + 3]);
    }
    const w = Math.max(maxX - minX, 1e-9);
    const h = Math.max(maxY - minY, 1e-9);
    const target = Math.min(4_000_000, Math.max(1, nPolys * cellsPerPolygon));
    const gx = Math.max(1, Math.min(4096, Math.round(Math.sqrt((target * w) / h))));
    const gy = Math.max(1, Math.min(4096, Math.round(target / gx)));
    this.minX = minX;
    this.minY = minY;
    this.gx = gx;
    this.gy = gy;
    this.cellW = w / gx;
    this.cellH = h / gy;
    // Two passes (count, then fill) build a compact CSR list per cell. Polygons are
    // visited in index order, so each cell's list is sorted by shape index.
    const counts = new Int32Array(gx * gy + 1);
    const each = (p: number, fn: (cell: number) => void) => {
      const b = p * 4;
      const x0 = this.cellX(this.polyBox[b]);
      const y0 = this.cellY(this.polyBox[b + 1]);
      const x1 = this.cellX(this.polyBox[b + 2]);
      const y1 = this.cellY(this.polyBox[b + 3]);
      for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) fn(cy * gx + cx);
    };
    for (let p = 0; p < nPolys; p++) each(p, (c) => counts[c + 1]++);
    for (let c = 0; c < gx * gy; c++) counts[c + 1] += counts[c];
    const fill = counts.slice(0, gx * gy);
    const polys = new Int32Array(counts[gx * gy]);
    for (let p = 0; p < nPolys; p++) each(p, (c) => (polys[fill[c]++] = p));
    this.cellStart = counts;
    this.cellPolys = polys;
  }

  private cellX(x: number): number {
    const c = Math.floor((x - this.minX) / this.cellW);
    return c < 0 ? 0 : c >= this.gx ? this.gx - 1 : c;
  }

  private cellY(y: number): number {
    const c = Math.floor((y - this.minY) / this.cellH);
    return c < 0 ? 0 : c >= this.gy ? this.gy - 1 : c;
  }

  /** The index of the first shape containing (lng, lat), or -1. */
  find(lng: number, lat: number): number {
    if (this.polyShape.length === 0) return -1;
    if (this.backend === 'flatbush') return this.findTree(lng, lat);
    const fx = (lng - this.minX) / this.cellW;
    const fy = (lat - this.minY) / this.cellH;
    if (fx < 0 || fy < 0 || fx > this.gx || fy > this.gy) return -1;
    const cx = fx >= this.gx ? this.gx - 1 : fx | 0;
    const cy = fy >= this.gy ? this.gy - 1 : fy | 0;
    const cell = cy * this.gx + cx;
    const end = this.cellStart[cell + 1];
    for (let i = this.cellStart[cell]; i < end; i++) {
      const p = this.cellPolys[i];
      if (this.containsPoly(p, lng, lat)) return this.polyShape[p];
    }
    return -1;
  }

  /** Every shape containing (lng, lat), in index order (overlapping control areas). */
  findAll(lng: number, lat: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.polyShape.length; p++) {
      if (this.containsPoly(p, lng, lat)) {
        const s = this.polyShape[p];
        if (out[out.length - 1] !== s) out.push(s);
      }
    }
    return out;
  }

  private findTree(lng: number, lat: number): number {
    let best = -1;
    (this.tree as Flatbush).search(lng, lat, lng, lat, (p) => {
      if ((best === -1 || this.polyShape[p] < best) && this.containsPoly(p, lng, lat)) best = this.polyShape[p];
      return false;
    });
    return best;
  }

  private containsPoly(p: number, x: number, y: number): boolean {
    const b = p * 4;
    const box = this.polyBox;
    if (x < box[b] || x > box[b + 2] || y < box[b + 1] || y > box[b + 3]) return false;
    let inside = false;
    const c = this.coords;
    for (let r = this.polyRingStart[p]; r < this.polyRingStart[p + 1]; r++) {
      const start = this.ringStart[r];
      const end = this.ringStart[r + 1];
      let j = end - 1;
      for (let i = start; i < end; j = i++) {
        const yi = c[i * 2 + 1];
        const yj = c[j * 2 + 1];
        if (yi > y !== yj > y) {
          const xi = c[i * 2];
          const xj = c[j * 2];
          if (x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
    }
    return inside;
  }
}

/** Ring length without the repeated closing position. */
function ringLength(ring: readonly Position[]): number {
  invariant(ring.length >= 3, 'a ring has at least three positions');
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first[0] === last[0] && first[1] === last[1] ? ring.length - 1 : ring.length;
}
