import { describe, expect, it } from 'vitest';
import { coolantFor, DEFAULT_COOLANT_RULE } from './coolant.ts';
import { FLEET_TEMPLATES } from './fleet.ts';
import { emptySize } from './loads.ts';
import { DEFAULT_PLAN_PARAMS } from './plan.ts';
import { driveS } from './travel.ts';
import type { TemperatureClass } from './model.ts';

/**
 * The seed (shared/seed, 24-25 June 2022): 33 cold-chain truck trips needed "干冰、冰袋万余个",
 * over 10,000 dry-ice bags and ice packs. A trip of the seed's kind, as docs/trips.md defines it:
 * a 4.2 m refrigerated or frozen truck loaded to 80 % of its volume (fresh goods, 0.25 kg/L),
 * one drop 20 km by road from the processing centre to Yizhuang, at the trips settings' default
 * 30 °C outside (a June day in Beijing); the demo fleet's mix of reefers and freezers (8 : 4),
 * so 22 chilled and 11 frozen trips. The default rule must give them more than 10,000 units, and
 * "about" that: under 15,000.
 */
function seedTrip(cls: Exclude<TemperatureClass, 'ambient'>) {
  const truck = FLEET_TEMPLATES[cls === 'chilled' ? 'refrigerated_truck' : 'frozen_truck'];
  const comp = truck.compartments.find((c) => c.temperatureClass === cls)!;
  const size = emptySize();
  size.volumeCm3[cls] = comp.maxVolumeL * 800; // 80 % of the volume, in cm³
  size.weightG[cls] = Math.min(comp.maxWeightKg * 1000, comp.maxVolumeL * 0.8 * 250);
  const onBoardS = driveS(20_000, truck.speedKmh);
  return coolantFor(DEFAULT_COOLANT_RULE, { size, onBoardS, outsideTempC: DEFAULT_PLAN_PARAMS.outsideTempC, chilledRefrigerated: comp.refrigerated, frozenRefrigerated: comp.refrigerated });
}

describe('the coolant rule’s defaults, calibrated to the seed', () => {
  it('give the seed’s 33 cold-chain trips more than 10,000 dry-ice bags and ice packs, and not far more', () => {
    const chilled = seedTrip('chilled');
    const frozen = seedTrip('frozen');
    const units = 22 * (chilled.icePacks + chilled.dryIceBags) + 11 * (frozen.icePacks + frozen.dryIceBags);
    expect(units).toBeGreaterThan(10_000);
    expect(units).toBeLessThan(15_000);
    // Each class carries its own coolant: ice packs with chilled goods, dry ice with frozen ones.
    expect(chilled.dryIceBags).toBe(0);
    expect(frozen.icePacks).toBe(0);
  });

  it('keep coolant growing with the time on board and the heat, as the rule says', () => {
    const base = seedTrip('chilled').icePacks;
    const size = emptySize();
    size.volumeCm3.chilled = 9_600_000;
    const longer = coolantFor(DEFAULT_COOLANT_RULE, { size, onBoardS: 3 * 3600, outsideTempC: 30, chilledRefrigerated: true, frozenRefrigerated: true }).icePacks;
    const cooler = coolantFor(DEFAULT_COOLANT_RULE, { size, onBoardS: driveS(20_000, 30), outsideTempC: 20, chilledRefrigerated: true, frozenRefrigerated: true }).icePacks;
    expect(longer).toBeGreaterThan(base);
    expect(cooler).toBeLessThan(base);
  });
});
