import { describe, expect, it } from 'vitest';
import { vehiclesShort, vehiclesShortText } from './vehicles-short.ts';

describe('vehiclesShort', () => {
  it('divides the loads left by the loads a vehicle of the kind carried in the day, rounded up', () => {
    const trips = [
      { capability: 'cold_chain' as const, vehicleKey: 'r1', loads: 2 },
      { capability: 'cold_chain' as const, vehicleKey: 'r1', loads: 1 },
      { capability: 'cold_chain' as const, vehicleKey: 'r2', loads: 1 },
      { capability: 'ambient' as const, vehicleKey: 'a1', loads: 3 },
    ];
    const s = vehiclesShort(trips, { cold_chain: 5, ambient: 0 });
    expect(s).toEqual([{ capability: 'cold_chain', loadsWithoutTrip: 5, loadsPerVehicleDay: 2, vehiclesShort: 3 }]);
    // Enough extra vehicles, at the plan's rate, carry what was left.
    expect(s[0].vehiclesShort * s[0].loadsPerVehicleDay).toBeGreaterThanOrEqual(5);
    expect(vehiclesShortText(s)).toMatch(/^estimate: 3 more cold-chain/);
  });
  it('counts one load per vehicle when no vehicle of the kind made a trip, and nothing when nothing is left', () => {
    expect(vehiclesShort([], { cold_chain: 0, ambient: 4 })).toEqual([{ capability: 'ambient', loadsWithoutTrip: 4, loadsPerVehicleDay: 1, vehiclesShort: 4 }]);
    expect(vehiclesShort([], { cold_chain: 0, ambient: 0 })).toEqual([]);
  });
});
