/**
 * Sizing loads: what a transfer order or a customer order weighs and fills per temperature class,
 * from the items' unit weight and volume. An item with no weight or volume on file counts as zero
 * in that dimension and is reported as a warning, so the reviewer can see the plan may be light.
 */
import type { Load, LoadSize, TemperatureClass } from './model.ts';

/** The item facts the trips context needs (the network context's item, narrowed). */
export interface TripItem {
  id: string;
  name: string;
  unit: string;
  temperatureClass: TemperatureClass;
  weightG: number;
  volumeCm3: number;
}

export const emptySize = (): LoadSize => ({ weightG: { ambient: 0, chilled: 0, frozen: 0 }, volumeCm3: { ambient: 0, chilled: 0, frozen: 0 } });

export function addSize(into: LoadSize, other: LoadSize): LoadSize {
  for (const c of ['ambient', 'chilled', 'frozen'] as const) {
    into.weightG[c] += other.weightG[c];
    into.volumeCm3[c] += other.volumeCm3[c];
  }
  return into;
}

export const totalWeightG = (s: LoadSize): number => s.weightG.ambient + s.weightG.chilled + s.weightG.frozen;
export const totalVolumeCm3 = (s: LoadSize): number => s.volumeCm3.ambient + s.volumeCm3.chilled + s.volumeCm3.frozen;

/** The classes a load has goods of. */
export function classesOf(s: LoadSize): TemperatureClass[] {
  return (['ambient', 'chilled', 'frozen'] as const).filter((c) => s.weightG[c] > 0 || s.volumeCm3[c] > 0);
}

/** A load needs cold chain when it has chilled or frozen goods. */
export const isCold = (s: LoadSize): boolean => s.weightG.chilled + s.volumeCm3.chilled + s.weightG.frozen + s.volumeCm3.frozen > 0;

export interface SizedLoad {
  load: Load;
  size: LoadSize;
  /** Why the load cannot be planned at all (unknown item, nothing in it); null when fine. */
  invalid: string | null;
  /** Items on it without a weight or a volume on file. */
  unsized: string[];
}

export function sizeLoad(load: Load, items: ReadonlyMap<string, TripItem>): SizedLoad {
  const size = emptySize();
  const unsized: string[] = [];
  if (load.lines.length === 0) return { load, size, invalid: `${load.kind} ${load.id} has no lines`, unsized };
  if (!Number.isFinite(load.destination.lat) || !Number.isFinite(load.destination.lng))
    return { load, size, invalid: `${load.kind} ${load.id}: the destination ${load.destination.id} has no coordinates`, unsized };
  for (const line of load.lines) {
    const item = items.get(line.itemId);
    if (!item) return { load, size, invalid: `${load.kind} ${load.id}: unknown item ${line.itemId}`, unsized };
    if (!Number.isInteger(line.quantity) || line.quantity <= 0)
      return { load, size, invalid: `${load.kind} ${load.id}: item ${line.itemId} has quantity ${line.quantity}, expected an integer > 0`, unsized };
    if (item.weightG <= 0 || item.volumeCm3 <= 0) unsized.push(item.id);
    size.weightG[item.temperatureClass] += item.weightG * line.quantity;
    size.volumeCm3[item.temperatureClass] += item.volumeCm3 * line.quantity;
  }
  return { load, size, invalid: null, unsized };
}
