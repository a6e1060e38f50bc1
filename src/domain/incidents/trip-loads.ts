/**
 * The loads a response plan's trips part plans: the sourcing part's transfer lines, before any
 * transfer order exists. The draft and the apply split them the same way (`splitTransfer` makes
 * each piece a transfer order of its own on apply): by temperature class (goods of a class ride only in a
 * compartment of that class) and into pieces sized to a truck compartment of that class in the
 * fleet (`pieceCapacity`), so the trips planner sees what the chain would actually load on a truck rather than
 * a 20-tonne "transfer" no vehicle can carry. Pure.
 */
import { TEMPERATURE_CLASSES, type FleetVehicleType, type Load, type LoadLine, type Place, type TemperatureClass } from '../trips/index.ts';
import type { TripItem } from '../trips/index.ts';

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
 * Per class, the piece size that lets the day's fleet (riders aside) carry the most goods of the
 * class in one round: each compartment size of the class is a candidate, and a candidate scores
 * the pieces every vehicle fits at once (count x whole pieces per compartment) times the piece's
 * size (the smaller of its weight and volume as a share of the class's largest compartment); ties
 * go to the larger piece (fewer stops). Every piece fits at least the vehicles it was sized for.
 * Sizing to the largest compartment made ambient pieces of 2 t that only the three
 * multi-temperature trucks could take (the vans carry 1 t): the vans stood idle while 46 of the
 * first day's loads found no vehicle. Sizing to the smallest compartment of all would make a
 * frozen truck carry one small piece where it could carry one big one.
 */
export function pieceCapacity(fleet: FleetVehicleType[]): Partial<Record<TemperatureClass, PieceCapacity>> {
  const byClass = new Map<TemperatureClass, Array<{ cap: PieceCapacity; count: number }>>();
  for (const v of fleet) {
    if (v.kind === 'rider_ebike' || v.count <= 0) continue;
    for (const c of v.compartments) {
      const cap = { weightG: c.maxWeightKg * 1000, volumeCm3: c.maxVolumeL * 1000 };
      if (cap.weightG <= 0 || cap.volumeCm3 <= 0) continue;
      const list = byClass.get(c.temperatureClass) ?? byClass.set(c.temperatureClass, []).get(c.temperatureClass)!;
      list.push({ cap, count: v.count });
    }
  }
  const out: Partial<Record<TemperatureClass, PieceCapacity>> = {};
  for (const [cls, list] of byClass) {
    const maxW = Math.max(...list.map((x) => x.cap.weightG));
    const maxV = Math.max(...list.map((x) => x.cap.volumeCm3));
    let best: { cap: PieceCapacity; score: number; share: number } | null = null;
    for (const { cap } of list) {
      const share = Math.min(cap.weightG / maxW, cap.volumeCm3 / maxV);
      const pieces = list.reduce((a, x) => a + x.count * Math.floor(Math.min(x.cap.weightG / cap.weightG, x.cap.volumeCm3 / cap.volumeCm3)), 0);
      const score = pieces * share;
      const better = !best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && (share > best.share || (share === best.share && cap.volumeCm3 > best.cap.volumeCm3)));
      if (better) best = { cap, score, share };
    }
    out[cls] = best!.cap;
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
 * piece size (`pieceCapacity`); a line bigger than what is left is split by units. Piece ids are
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
    const dest = places.get(g.to)!;
    for (const [k, piece] of fillPieces([...g.lines], items, capacity[g.cls]!).entries()) {
      loads.push({ id: `${prefix}${key}:${k + 1}`, kind: 'transfer', originNodeId: g.from, destination: { id: dest.id, name: dest.name, lat: dest.lat, lng: dest.lng }, lines: piece });
    }
  }
  return { loads, skipped };
}

/**
 * Fills pieces of one temperature class up to `cap`, items in id order; a line bigger than what
 * is left of the piece is split by units. A single unit bigger than `cap` travels alone (the
 * trips planner then says no vehicle can carry it), so every unit is in exactly one piece.
 */
export function fillPieces(lines: Array<[string, number]>, items: ReadonlyMap<string, TripItem>, cap: PieceCapacity): LoadLine[][] {
  const pieces: LoadLine[][] = [];
  let piece: LoadLine[] = [];
  let w = 0;
  let v = 0;
  const close = () => {
    if (piece.length === 0) return;
    pieces.push(piece);
    piece = [];
    w = 0;
    v = 0;
  };
  for (const [itemId, qty] of [...lines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
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
      const same = piece.find((x) => x.itemId === itemId);
      if (same) same.quantity += q;
      else piece.push({ itemId, quantity: q });
      w += q * it.weightG;
      v += q * it.volumeCm3;
      left -= q;
    }
  }
  close();
  return pieces;
}

/** One vehicle-sized piece of a transfer: goods of one temperature class (null: lines no vehicle class could be chosen for). */
export interface TransferPiece {
  temperatureClass: TemperatureClass | null;
  lines: LoadLine[];
  /** Why these lines could not be sized (unknown item, no compartment of the class in the fleet); null when sized. */
  unsized: string | null;
}

/**
 * Splits one transfer (one giver, one receiver) into the pieces the ledger records as separate
 * transfer orders: by temperature class, then up to the class's piece size (`pieceCapacity`), so each piece fits the vehicles it was sized for. Lines that cannot be
 * sized are not dropped: they go in one piece per reason, marked `unsized`, so every unit the
 * plan moves is in exactly one piece and what cannot be carried is visible. Pure.
 */
export function splitTransfer(
  lines: ReadonlyArray<{ itemId: string; quantity: number }>,
  items: ReadonlyMap<string, TripItem>,
  capacity: Partial<Record<TemperatureClass, PieceCapacity>>,
): TransferPiece[] {
  const byClass = new Map<TemperatureClass, Map<string, number>>();
  const unsized = new Map<string, { cls: TemperatureClass | null; lines: Map<string, number> }>();
  for (const l of lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) continue;
    const item = items.get(l.itemId);
    const reason = !item ? 'unknown item' : !capacity[item.temperatureClass] ? `no vehicle in the fleet has a ${item.temperatureClass} compartment` : null;
    const m = reason
      ? (unsized.get(reason) ?? unsized.set(reason, { cls: item?.temperatureClass ?? null, lines: new Map() }).get(reason)!).lines
      : byClass.get(item!.temperatureClass) ?? byClass.set(item!.temperatureClass, new Map()).get(item!.temperatureClass)!;
    m.set(l.itemId, (m.get(l.itemId) ?? 0) + l.quantity);
  }
  const out: TransferPiece[] = [];
  for (const cls of TEMPERATURE_CLASSES) {
    const m = byClass.get(cls);
    if (m) for (const p of fillPieces([...m], items, capacity[cls]!)) out.push({ temperatureClass: cls, lines: p, unsized: null });
  }
  for (const [reason, u] of unsized) out.push({ temperatureClass: u.cls, lines: [...u.lines].sort(([a], [b]) => (a < b ? -1 : 1)).map(([itemId, quantity]) => ({ itemId, quantity })), unsized: reason });
  return out;
}
