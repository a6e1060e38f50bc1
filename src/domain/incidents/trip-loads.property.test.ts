import { describe, expect, it } from 'vitest';
import { pieceCapacity, splitTransfer } from './trip-loads.ts';
import { vehicle } from '../trips/fixtures.ts';
import { seededRandom, type Random } from '../shared/random.ts';
import { TEMPERATURE_CLASSES, VEHICLE_KINDS, type FleetVehicleType } from '../trips/model.ts';
import type { TripItem } from '../trips/loads.ts';

/**
 * Property: a transfer split for apply never gives a piece that no vehicle carrying its class
 * can take (pieces are sized to the biggest compartment of the class; the planner puts each on a
 * vehicle it fits). Random item mixes (light and bulky goods of every class) over random fleets; each
 * case checks the pieces against the truck compartments of the class, one class per piece, and
 * that every unit is in exactly one piece. Counters make sure the cases really split and really
 * met the binding dimension, so the property cannot pass vacuously.
 */
function randomItems(r: Random, n: number): Map<string, TripItem> {
  const items = new Map<string, TripItem>();
  for (let i = 0; i < n; i++) {
    const id = `item-${String(i).padStart(3, '0')}`;
    // Mostly groceries (50 g to 25 kg, 0.1 to 60 L); now and then a unit heavier than a van's whole load.
    const huge = r.int(500) === 0;
    items.set(id, {
      id, name: id, unit: 'each', temperatureClass: TEMPERATURE_CLASSES[r.int(3)],
      weightG: huge ? 1_200_000 + r.int(1_000_000) : 50 + r.int(25_000), volumeCm3: 100 + r.int(60_000),
    });
  }
  return items;
}

function randomFleet(r: Random): FleetVehicleType[] {
  const fleet: FleetVehicleType[] = [];
  for (const kind of VEHICLE_KINDS) if (r.int(3) > 0) fleet.push(vehicle(kind, kind, 'hub', 1 + r.int(4)));
  if (!fleet.some((v) => v.kind !== 'rider_ebike')) fleet.push(vehicle('multi', 'multi_temperature_truck', 'hub', 1));
  return fleet;
}

describe('splitting a transfer into vehicle-sized loads', () => {
  it('never gives a load that no vehicle carrying its class can take, for random item mixes', () => {
    const r = seededRandom(20_260_615);
    let split = 0;
    let pieces = 0;
    let nearlyFull = 0;
    let oversizeUnits = 0;
    const broken: string[] = [];
    for (let c = 0; c < 200; c++) {
      const items = randomItems(r, 5 + r.int(60));
      const fleet = randomFleet(r);
      const capacity = pieceCapacity(fleet);
      const ids = [...items.keys()];
      const lines = Array.from({ length: 1 + r.int(40) }, () => ({ itemId: ids[r.int(ids.length)], quantity: 1 + r.int(r.int(4) === 0 ? 1500 : 120) }));
      const out = splitTransfer(lines, items, capacity);
      if (out.length > 1) split++;
      pieces += out.length;
      const wanted = new Map<string, number>();
      for (const l of lines) wanted.set(l.itemId, (wanted.get(l.itemId) ?? 0) + l.quantity);
      const got = new Map<string, number>();
      for (const p of out) {
        for (const l of p.lines) got.set(l.itemId, (got.get(l.itemId) ?? 0) + l.quantity);
        if (!p.lines.every((l) => items.get(l.itemId)!.temperatureClass === p.temperatureClass)) broken.push(`case ${c}: a load mixes classes`);
        if (p.unsized) continue;
        const w = p.lines.reduce((a, l) => a + l.quantity * items.get(l.itemId)!.weightG, 0);
        const v = p.lines.reduce((a, l) => a + l.quantity * items.get(l.itemId)!.volumeCm3, 0);
        const alone = p.lines.length === 1 && p.lines[0].quantity === 1;
        // The piece fits at least one truck that carries its class (the biggest); the trips planner
        // puts a load only on a vehicle it fits (plan.ts), so no load rides above a vehicle's capacity.
        const carriers = fleet.filter((veh) => veh.kind !== 'rider_ebike' && veh.compartments.some((x) => x.temperatureClass === p.temperatureClass));
        const fitsOne = carriers.some((veh) => {
          const comp = veh.compartments.find((x) => x.temperatureClass === p.temperatureClass)!;
          return w <= comp.maxWeightKg * 1000 && v <= comp.maxVolumeL * 1000;
        });
        if (!fitsOne) {
          // Only a single unit bigger than every compartment on its own may exceed them.
          if (!alone) broken.push(`case ${c}: a ${p.temperatureClass} load of ${w} g / ${v} cm³ fits no vehicle that carries its class`);
          oversizeUnits++;
        }
        const cap = capacity[p.temperatureClass!]!;
        if (w > cap.weightG * 0.9 || v > cap.volumeCm3 * 0.9) nearlyFull++;
      }
      for (const [id, q] of wanted) if (got.get(id) !== q) broken.push(`case ${c}: item ${id} asked ${q}, loaded ${got.get(id) ?? 0}`);
      if (got.size !== wanted.size) broken.push(`case ${c}: loads carry items not asked for`);
      // A class no truck carries is kept as an unsized piece, never dropped.
      for (const p of out) if (p.unsized && p.temperatureClass !== null && capacity[p.temperatureClass]) broken.push(`case ${c}: ${p.temperatureClass} lines left unsized`);
    }
    expect(broken).toEqual([]);
    expect(split).toBeGreaterThan(150);
    expect(pieces).toBeGreaterThan(4000);
    expect(nearlyFull).toBeGreaterThan(4000);
    expect(oversizeUnits).toBeGreaterThan(0);
  });
});
