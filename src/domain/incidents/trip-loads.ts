/**
 * The loads a response plan's trips part plans: the sourcing part's transfer lines, before any
 * transfer order exists. Applying the sourcing plan makes one transfer per giver and receiver;
 * for the draft those are split here by temperature class (goods of a class ride only in a
 * compartment of that class) and into pieces that fit the smallest truck compartment of that
 * class in the fleet, so the trips planner sees what the chain would actually load on a truck rather than
 * a 20-tonne "transfer" no vehicle can carry. Pure.
 */
import type { FleetVehicleType, Load, Place, TemperatureClass } from '../trips/model.ts';
import type { TripItem } from '../trips/loads.ts';

export interface TransferLine {
  fromNodeId: string;
  toNodeId: string;
  itemId: string;
  quantity: number;
}

export interface PieceCapacity {
  weightG: number;
  volumeCm3: number;
}

/**
 * Per class, the smallest compartment (by volume, then weight) among the vehicles that are not
 * riders: a piece of that size fits every vehicle that carries the class, and the routing solver
 * puts several pieces on a bigger truck when it pays.
 */
export function pieceCapacity(fleet: FleetVehicleType[]): Partial<Record<TemperatureClass, PieceCapacity>> {
  const out: Partial<Record<TemperatureClass, PieceCapacity>> = {};
  for (const v of fleet) {
    if (v.kind === 'rider_ebike' || v.count <= 0) continue;
    for (const c of v.compartments) {
      const cap = { weightG: c.maxWeightKg * 1000, volumeCm3: c.maxVolumeL * 1000 };
      if (cap.weightG <= 0 || cap.volumeCm3 <= 0) continue;
      const cur = out[c.temperatureClass];
      if (!cur || cap.volumeCm3 < cur.volumeCm3 || (cap.volumeCm3 === cur.volumeCm3 && cap.weightG < cur.weightG)) out[c.temperatureClass] = cap;
    }
  }
  return out;
}

export interface TransferLoads {
  loads: Load[];
  /** Lines left out, with the reason (unknown item or place, no compartment of the class in the fleet). */
  skipped: Array<{ line: TransferLine; reason: string }>;
}

/**
 * Groups the lines by giver, receiver and temperature class, then fills pieces up to the class's
 * smallest compartment; a line bigger than what is left is split by units. Piece ids are
 * `<prefix><from>><to>:<class>:<k>`. Items with no weight or volume count as zero in that
 * dimension (the trips planner warns about them).
 */
export function transferLoads(
  lines: TransferLine[],
  items: ReadonlyMap<string, TripItem>,
  places: ReadonlyMap<string, Place>,
  capacity: Partial<Record<TemperatureClass, PieceCapacity>>,
  prefix = 'draft:',
): TransferLoads {
  const skipped: TransferLoads['skipped'] = [];
  const groups = new Map<string, { from: string; to: string; cls: TemperatureClass; lines: Map<string, number> }>();
  for (const l of lines) {
    const item = items.get(l.itemId);
    if (!item) {
      skipped.push({ line: l, reason: `unknown item ${l.itemId}` });
      continue;
    }
    if (!places.has(l.toNodeId) || !places.has(l.fromNodeId)) {
      skipped.push({ line: l, reason: `unknown node ${places.has(l.toNodeId) ? l.fromNodeId : l.toNodeId}` });
      continue;
    }
    if (!capacity[item.temperatureClass]) {
      skipped.push({ line: l, reason: `no vehicle in the fleet has a ${item.temperatureClass} compartment` });
      continue;
    }
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) continue;
    const k = `${l.fromNodeId}>${l.toNodeId}:${item.temperatureClass}`;
    const g = groups.get(k) ?? { from: l.fromNodeId, to: l.toNodeId, cls: item.temperatureClass, lines: new Map<string, number>() };
    g.lines.set(l.itemId, (g.lines.get(l.itemId) ?? 0) + l.quantity);
    groups.set(k, g);
  }
  const loads: Load[] = [];
  for (const [key, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cap = capacity[g.cls]!;
    const dest = places.get(g.to)!;
    let piece: Array<{ itemId: string; quantity: number }> = [];
    let w = 0;
    let v = 0;
    let k = 0;
    const close = () => {
      if (piece.length === 0) return;
      loads.push({ id: `${prefix}${key}:${++k}`, kind: 'transfer', originNodeId: g.from, destination: { id: dest.id, name: dest.name, lat: dest.lat, lng: dest.lng }, lines: piece });
      piece = [];
      w = 0;
      v = 0;
    };
    for (const [itemId, qty] of [...g.lines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const it = items.get(itemId)!;
      let left = qty;
      while (left > 0) {
        const byW = it.weightG > 0 ? Math.floor((cap.weightG - w) / it.weightG) : left;
        const byV = it.volumeCm3 > 0 ? Math.floor((cap.volumeCm3 - v) / it.volumeCm3) : left;
        let q = Math.min(left, byW, byV);
        if (q <= 0) {
          if (piece.length > 0) {
            close();
            continue;
          }
          q = 1; // one unit bigger than any compartment: the planner will say so
        }
        piece.push({ itemId, quantity: q });
        w += q * it.weightG;
        v += q * it.volumeCm3;
        left -= q;
      }
    }
    close();
  }
  return { loads, skipped };
}
