/**
 * The fleet: vehicle types with their compartments, checked on construction. Every check names
 * the field, the expected and the actual value. `FLEET_TEMPLATES` gives sensible defaults per kind
 * (a 4.2 m refrigerated truck, a 9.6 m frozen truck, …) for the demo and for a quick start.
 */
import { Type, type Static } from '@sinclair/typebox';
import { parseWith } from '../network/index.ts';
import { err, ok, type Result } from '../shared/index.ts';
import { PALLET_VOLUME_L, VEHICLE_KINDS, type Compartment, type FleetVehicleType, type TemperatureClass, type VehicleKind } from './model.ts';
import { parseClock } from './time.ts';

const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'a code: letters, digits, _ . - (max 64)' });
const Clock = Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description: 'HH:MM local time' });
const Count = (max: number, description: string) => Type.Integer({ minimum: 0, maximum: max, description });

export const CompartmentSchema = Type.Object(
  {
    temperatureClass: Type.Union([Type.Literal('ambient'), Type.Literal('chilled'), Type.Literal('frozen')], { description: 'ambient, chilled (0-4 °C) or frozen (-18 °C)' }),
    maxWeightKg: Count(100_000, 'kg'),
    maxVolumeL: Type.Optional(Count(200_000, 'litres (1 m³ = 1000 L)')),
    pallets: Type.Optional(Count(100, `pallet places (${PALLET_VOLUME_L} L each)`)),
    refrigerated: Type.Optional(Type.Boolean({ description: 'has its own cooling unit (default: true for chilled/frozen on trucks)' })),
  },
  { additionalProperties: false },
);

export const VehicleTypeInputSchema = Type.Object(
  {
    id: Code,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Union(VEHICLE_KINDS.map((k) => Type.Literal(k)), { description: VEHICLE_KINDS.join(', ') }),
    compartments: Type.Optional(Type.Array(CompartmentSchema, { minItems: 1, maxItems: 3 })),
    speedKmh: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: 'average city speed, km/h' })),
    costPerKmFen: Type.Optional(Count(100_000, 'fen per km')),
    costPerHourFen: Type.Optional(Count(1_000_000, 'fen per hour')),
    shiftStart: Type.Optional(Clock),
    shiftEnd: Type.Optional(Clock),
    homeNodeId: Code,
    count: Count(1000, 'vehicles available'),
  },
  { additionalProperties: false },
);
export type VehicleTypeInput = Static<typeof VehicleTypeInputSchema> & { kind: VehicleKind };

type Template = Omit<FleetVehicleType, 'id' | 'homeNodeId' | 'count'>;
const comp = (temperatureClass: TemperatureClass, maxWeightKg: number, maxVolumeL: number, refrigerated: boolean): Compartment => ({
  temperatureClass, maxWeightKg, maxVolumeL, refrigerated,
});

/** Defaults per kind, from common Chinese city-logistics vehicles. */
export const FLEET_TEMPLATES: Record<VehicleKind, Template> = {
  refrigerated_truck: {
    name: '4.2 m refrigerated truck (0-4 °C)', kind: 'refrigerated_truck', compartments: [comp('chilled', 2000, 12_000, true)],
    speedKmh: 30, costPerKmFen: 450, costPerHourFen: 6000, shiftStart: '04:00', shiftEnd: '22:00',
  },
  frozen_truck: {
    name: '4.2 m frozen truck (-18 °C)', kind: 'frozen_truck', compartments: [comp('frozen', 2000, 11_000, true)],
    speedKmh: 30, costPerKmFen: 480, costPerHourFen: 6000, shiftStart: '04:00', shiftEnd: '22:00',
  },
  multi_temperature_truck: {
    name: '6.8 m multi-temperature truck', kind: 'multi_temperature_truck',
    compartments: [comp('ambient', 2000, 12_000, false), comp('chilled', 2000, 10_000, true), comp('frozen', 1500, 8_000, true)],
    speedKmh: 28, costPerKmFen: 600, costPerHourFen: 8000, shiftStart: '04:00', shiftEnd: '22:00',
  },
  ambient_van: {
    name: 'Ambient van', kind: 'ambient_van', compartments: [comp('ambient', 1000, 6_000, false)],
    speedKmh: 32, costPerKmFen: 250, costPerHourFen: 4000, shiftStart: '05:30', shiftEnd: '21:30',
  },
  rider_ebike: {
    name: 'Rider e-bike with insulated box', kind: 'rider_ebike',
    compartments: [comp('ambient', 25, 90, false), comp('chilled', 10, 40, false), comp('frozen', 5, 20, false)],
    speedKmh: 15, costPerKmFen: 30, costPerHourFen: 3000, shiftStart: '07:00', shiftEnd: '22:00',
  },
};

/** Parses an untrusted vehicle type; missing fields come from the kind's template. */
export function parseVehicleType(input: unknown, field = ''): Result<FleetVehicleType> {
  const parsed = parseWith<VehicleTypeInput>(VehicleTypeInputSchema, input, field ? `${field}.` : '');
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const t = FLEET_TEMPLATES[v.kind];
  const p = field ? `${field}.` : '';
  const compartments: Compartment[] = (v.compartments ?? t.compartments).map((c) => {
    const volumeFromPallets = c.pallets !== undefined ? c.pallets * PALLET_VOLUME_L : undefined;
    const maxVolumeL = 'maxVolumeL' in c && c.maxVolumeL !== undefined ? Math.min(c.maxVolumeL, volumeFromPallets ?? Infinity) : volumeFromPallets ?? 0;
    return {
      temperatureClass: c.temperatureClass,
      maxWeightKg: c.maxWeightKg,
      maxVolumeL,
      ...(c.pallets !== undefined ? { pallets: c.pallets } : {}),
      refrigerated: 'refrigerated' in c && typeof c.refrigerated === 'boolean' ? c.refrigerated : c.temperatureClass !== 'ambient' && v.kind !== 'rider_ebike',
    };
  });
  const seen = new Set<TemperatureClass>();
  for (let i = 0; i < compartments.length; i++) {
    const c = compartments[i];
    if (seen.has(c.temperatureClass))
      return err({ code: 'validation_failed', field: `${p}compartments.${i}.temperatureClass`, message: `${p}compartments.${i}.temperatureClass: one compartment per temperature class, "${c.temperatureClass}" appears twice`, expected: 'distinct classes', actual: c.temperatureClass });
    seen.add(c.temperatureClass);
    if (c.maxVolumeL <= 0)
      return err({ code: 'validation_failed', field: `${p}compartments.${i}.maxVolumeL`, message: `${p}compartments.${i}: give maxVolumeL or pallets (a volume > 0)`, expected: '> 0', actual: c.maxVolumeL });
  }
  const shiftStart = v.shiftStart ?? t.shiftStart;
  const shiftEnd = v.shiftEnd ?? t.shiftEnd;
  const a = parseClock(shiftStart, `${p}shiftStart`);
  if (!a.ok) return a;
  const b = parseClock(shiftEnd, `${p}shiftEnd`);
  if (!b.ok) return b;
  if (a.value >= b.value)
    return err({ code: 'validation_failed', field: `${p}shiftEnd`, message: `${p}shiftEnd: the shift must end after it starts (${shiftStart})`, expected: `> ${shiftStart}`, actual: shiftEnd });
  return ok({
    id: v.id,
    name: v.name ?? t.name,
    kind: v.kind,
    compartments,
    speedKmh: v.speedKmh ?? t.speedKmh,
    costPerKmFen: v.costPerKmFen ?? t.costPerKmFen,
    costPerHourFen: v.costPerHourFen ?? t.costPerHourFen,
    shiftStart,
    shiftEnd,
    homeNodeId: v.homeNodeId,
    count: v.count,
  });
}

/** The compartment of a class, if the vehicle has one. */
export function compartmentOf(v: FleetVehicleType, c: TemperatureClass): Compartment | undefined {
  return v.compartments.find((x) => x.temperatureClass === c);
}
