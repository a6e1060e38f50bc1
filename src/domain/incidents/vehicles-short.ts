/**
 * How many more vehicles the day would need for the loads the fleet had no vehicle for, per
 * temperature capability (cold chain: a vehicle with a chilled or frozen compartment; ambient).
 * An estimate, not a plan: a vehicle of a kind is assumed to carry as many loads in the day as
 * the plan's vehicles of that kind carried on average (loads on their trips / vehicles used),
 * rounded up; when no vehicle of the kind made a trip, one load per vehicle. Pure.
 */
export type VehicleCapability = 'cold_chain' | 'ambient';

export interface VehiclesShort {
  capability: VehicleCapability;
  /** Loads of this kind the fleet had no vehicle for (`fleet_exhausted`). */
  loadsWithoutTrip: number;
  /** Loads one vehicle of this kind carried in the plan's day, on average (1 when none made a trip). */
  loadsPerVehicleDay: number;
  /** ceil(loadsWithoutTrip / loadsPerVehicleDay): an estimate of the extra vehicles the day needs. */
  vehiclesShort: number;
}

export interface TripDone {
  capability: VehicleCapability;
  vehicleKey: string;
  loads: number;
}

export function vehiclesShort(tripsDone: TripDone[], loadsWithoutTrip: Record<VehicleCapability, number>): VehiclesShort[] {
  const out: VehiclesShort[] = [];
  for (const capability of ['cold_chain', 'ambient'] as const) {
    const left = loadsWithoutTrip[capability] ?? 0;
    if (left <= 0) continue;
    const mine = tripsDone.filter((t) => t.capability === capability);
    const vehicles = new Set(mine.map((t) => t.vehicleKey)).size;
    const loads = mine.reduce((a, t) => a + t.loads, 0);
    const perVehicle = vehicles > 0 && loads > 0 ? loads / vehicles : 1;
    out.push({ capability, loadsWithoutTrip: left, loadsPerVehicleDay: Math.round(perVehicle * 10) / 10, vehiclesShort: Math.ceil(left / perVehicle) });
  }
  return out;
}

/** One line for the manager, saying it is an estimate. */
export function vehiclesShortText(short: VehiclesShort[]): string {
  if (short.length === 0) return 'the fleet carried every load it had time for';
  return `estimate: ${short.map((s) => `${s.vehiclesShort} more ${s.capability === 'cold_chain' ? 'cold-chain' : 'ambient'} vehicle(s) for ${s.loadsWithoutTrip} loads (at ${s.loadsPerVehicleDay} loads per vehicle a day, as in the plan)`).join('; ')}`;
}
