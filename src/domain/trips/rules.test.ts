import { describe, expect, it } from 'vitest';
import { coolantFor, DEFAULT_COOLANT_RULE, parseCoolantRule, type CoolantRule } from './coolant.ts';
import { parseVehicleType } from './fleet.ts';
import { emptySize } from './loads.ts';
import { clipWindows, formatClock, instantOf, openingWindows, parseClock, secondsInDay } from './time.ts';
import { inProcessSolve, oneTruck } from './fixtures.ts';
import { planTrips, DEFAULT_PLAN_PARAMS } from './plan.ts';
import { auditTripPlan } from './validate.ts';

const size = (cls: 'chilled' | 'frozen', litres: number) => {
  const s = emptySize();
  s.volumeCm3[cls] = litres * 1000;
  s.weightG[cls] = litres * 900;
  return s;
};

describe('the coolant rule', () => {
  // Round parameters so the arithmetic reads off the comments (the defaults are calibrated, see coolant-calibration.test.ts).
  const RULE: CoolantRule = { ...DEFAULT_COOLANT_RULE, dryIceGPerM3Hour: 3000, icePacksPerCrate: 1, icePacksPerCrateHour: 1, refrigeratedPct: 25 };
  const cases = [
    // 1 m³ frozen, 1.5 h on board (+0.5 h handling) at 25 °C in a passive box: 3 kg/m³/h × 2 h = 6 kg.
    { name: 'frozen, passive box, reference temperature', s: size('frozen', 1000), onBoardS: 5400, t: 25, refr: false, want: { dryIceBags: 6, dryIceG: 6000, icePacks: 0 } },
    // Refrigerated compartment: a quarter of that, 1.5 kg, rounded up to 2 bags.
    { name: 'frozen, refrigerated compartment', s: size('frozen', 1000), onBoardS: 5400, t: 25, refr: true, want: { dryIceBags: 2, dryIceG: 2000, icePacks: 0 } },
    // Hot day, 35 °C: factor 1.3 → 7.8 kg → 8 bags.
    { name: 'frozen, 35 °C outside', s: size('frozen', 1000), onBoardS: 5400, t: 35, refr: false, want: { dryIceBags: 8, dryIceG: 8000, icePacks: 0 } },
    // A tiny frozen load still gets the minimum (1 kg).
    { name: 'frozen, tiny load gets the minimum', s: size('frozen', 5), onBoardS: 600, t: 25, refr: false, want: { dryIceBags: 1, dryIceG: 1000, icePacks: 0 } },
    // 400 L chilled = 10 crates of 40 L; 2 h → 10 × (1 + 2) = 30 packs.
    { name: 'chilled, passive box', s: size('chilled', 400), onBoardS: 5400, t: 25, refr: false, want: { dryIceBags: 0, dryIceG: 0, icePacks: 30 } },
    // Refrigerated: 25% of 30 = 7.5 → 8, but never fewer than one a crate → 10.
    { name: 'chilled, refrigerated: at least one pack a crate', s: size('chilled', 400), onBoardS: 5400, t: 25, refr: true, want: { dryIceBags: 0, dryIceG: 0, icePacks: 10 } },
  ];
  it.each(cases)('$name', ({ s, onBoardS, t, refr, want }) => {
    expect(coolantFor(RULE, { size: s, onBoardS, outsideTempC: t, chilledRefrigerated: refr, frozenRefrigerated: refr })).toEqual(want);
  });

  it('takes tuned parameters and refuses a bad one naming it', () => {
    const r = parseCoolantRule({ dryIceBagG: 2500 });
    expect(r.ok && r.value.dryIceBagG).toBe(2500);
    const bad = parseCoolantRule({ crateL: 0 });
    expect(bad.ok ? null : bad.error).toMatchObject({ code: 'validation_failed', field: 'coolant.crateL', actual: 0 });
    const unknown = parseCoolantRule({ iceCubes: 3 });
    expect(unknown.ok ? null : unknown.error).toMatchObject({ field: 'coolant.iceCubes' });
  });
});

describe('vehicle types', () => {
  it('fills a kind template and sizes a compartment given in pallets', () => {
    const r = parseVehicleType({ id: 'big', kind: 'frozen_truck', homeNodeId: 'plc-south', count: 2, compartments: [{ temperatureClass: 'frozen', maxWeightKg: 8000, pallets: 10 }] });
    expect(r.ok && r.value).toMatchObject({ speedKmh: 30, shiftStart: '04:00', compartments: [{ temperatureClass: 'frozen', maxVolumeL: 10_000, refrigerated: true }] });
  });
  const bad: Array<[string, unknown, string]> = [
    ['an unknown kind', { id: 'x', kind: 'boat', homeNodeId: 'n', count: 1 }, 'kind'],
    ['a negative count', { id: 'x', kind: 'ambient_van', homeNodeId: 'n', count: -1 }, 'count'],
    ['a shift that ends before it starts', { id: 'x', kind: 'ambient_van', homeNodeId: 'n', count: 1, shiftStart: '18:00', shiftEnd: '06:00' }, 'shiftEnd'],
    ['two compartments of one class', { id: 'x', kind: 'ambient_van', homeNodeId: 'n', count: 1, compartments: [{ temperatureClass: 'ambient', maxWeightKg: 1, maxVolumeL: 1 }, { temperatureClass: 'ambient', maxWeightKg: 1, maxVolumeL: 1 }] }, 'compartments.1.temperatureClass'],
    ['a compartment with no volume', { id: 'x', kind: 'ambient_van', homeNodeId: 'n', count: 1, compartments: [{ temperatureClass: 'ambient', maxWeightKg: 1 }] }, 'compartments.0.maxVolumeL'],
  ];
  it.each(bad)('refuses %s, naming the field', (_n, input, field) => {
    const r = parseVehicleType(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });
});

describe('clock times', () => {
  it('parses and prints HH:MM, opening hours and instants in Beijing time', () => {
    expect(parseClock('06:30', 'f')).toEqual({ ok: true, value: 23400 });
    expect(parseClock('25:00', 'f').ok).toBe(false);
    expect(formatClock(23400)).toBe('06:30');
    expect(openingWindows('07:00-22:00')).toEqual({ ok: true, value: [[25200, 79200]] });
    expect(openingWindows('22:00-06:00')).toEqual({ ok: true, value: [[0, 21600], [79200, 86400]] });
    expect(clipWindows([[25200, 79200]], 50400, 86400)).toEqual([[50400, 79200]]);
    expect(instantOf('2022-06-23', 21600)).toBe('2022-06-22T22:00:00.000Z');
    expect(secondsInDay('2022-06-23', '2022-06-22T22:00:00.000Z')).toBe(21600);
  });
});

describe('the independent auditor', () => {
  it('catches a tampered plan: overloaded, late and a load dropped', async () => {
    const input = oneTruck();
    const plan = await planTrips(input, inProcessSolve);
    const p = DEFAULT_PLAN_PARAMS;
    const audit = (pl: typeof plan) => auditTripPlan({ plan: pl, fleet: input.fleet, items: input.items, loads: input.loads, nodes: input.nodes, detourFactor: p.detourFactor, loadingS: p.loadingS, stopFixedS: p.stopFixedS, stopSPerTonne: p.stopSPerTonne }).map((v) => v.code);
    expect(audit(plan)).toEqual([]);
    const small = structuredClone(input);
    small.fleet[0].compartments[0].maxWeightKg = 100;
    expect(auditTripPlan({ plan, fleet: small.fleet, items: input.items, loads: input.loads, nodes: input.nodes, detourFactor: p.detourFactor, loadingS: p.loadingS, stopFixedS: p.stopFixedS, stopSPerTonne: p.stopSPerTonne }).map((v) => v.code)).toContain('capacity_exceeded');
    const late = structuredClone(plan);
    late.trips[0].stops[1].windows = [[0, 100]];
    expect(audit(late)).toContain('time_window_violated');
    const dropped = structuredClone(plan);
    dropped.trips[0].stops.pop();
    expect(audit(dropped)).toContain('load_missing');
    const lateShift = structuredClone(input);
    lateShift.fleet[0].shiftEnd = '07:00';
    expect(auditTripPlan({ plan, fleet: lateShift.fleet, items: input.items, loads: input.loads, nodes: input.nodes, detourFactor: p.detourFactor, loadingS: p.loadingS, stopFixedS: p.stopFixedS, stopSPerTonne: p.stopSPerTonne }).map((v) => v.code)).toContain('shift_violated');
  });
});
