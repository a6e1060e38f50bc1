/**
 * Applying a sourcing plan as vehicle-sized loads: each giver-to-receiver transfer becomes one
 * transfer order per temperature class and truckload (the same split as the draft's trips part,
 * src/domain/incidents/trip-loads.ts), so every transfer order the plan creates fits a vehicle of
 * the day's fleet and can be put on a trip. The fleet is the trips context's, for the operating
 * day of `now`; riders do not count.
 */
import { pieceCapacity, splitTransfer } from '../../domain/incidents/index.ts';
import type { TripItem, FleetVehicleType } from '../../domain/trips/index.ts';
import * as network from '../../store/network.ts';
import * as planning from '../../store/planning.ts';
import * as trips from '../../store/trips.ts';
import { applySourcingPlanIn } from '../plan-apply.ts';
import type { Db } from './common.ts';

export async function tripItems(db: Db, ids: string[]): Promise<Map<string, TripItem>> {
  const rows = await network.itemsByIds(db, [...new Set(ids)]);
  return new Map([...rows.values()].map((i) => [i.id, { id: i.id, name: i.nameEn, unit: i.unit, temperatureClass: i.temperatureClass, weightG: i.weightG, volumeCm3: i.volumeCm3 }]));
}

/** The fleet that can carry loads between nodes on a day: no riders, at least one vehicle. */
export async function truckFleet(db: Db, day: string): Promise<FleetVehicleType[]> {
  return (await trips.fleetForDay(db, day)).map(({ defaultCount: _d, ...t }) => t).filter((v) => v.kind !== 'rider_ebike' && v.count > 0);
}

export async function applySourcingAsLoads(trx: Db, planId: string, now: Date) {
  // The plan's lines are read once here and handed to the apply's first step.
  const lines = await planning.planLines(trx, planId);
  const items = await tripItems(trx, lines.filter((l) => l.kind === 'transfer').map((l) => l.itemId));
  const capacity = pieceCapacity(await truckFleet(trx, trips.beijingDay(now)));
  return applySourcingPlanIn(trx, planId, now, { lines, splitTransfer: (_from, _to, ls) => splitTransfer(ls, items, capacity).map((p) => p.lines) });
}
