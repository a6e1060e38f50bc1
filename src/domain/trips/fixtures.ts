/**
 * Tiny named instances for the trips tests, small enough to check by hand. Coordinates are the
 * Yizhuang scenario's (WGS84).
 */
import { solveRouting } from '../routing/index.ts';
import { DEFAULT_COOLANT_RULE } from './coolant.ts';
import { FLEET_TEMPLATES } from './fleet.ts';
import type { TripItem } from './loads.ts';
import type { FleetVehicleType, Load, VehicleKind } from './model.ts';
import type { PlanInput, PlanNode, SolveFn } from './plan.ts';

export const NODES: PlanNode[] = [
  { id: 'plc-south', name: 'Processing & logistics centre', lat: 39.745, lng: 116.55, openingHours: '00:00-24:00' },
  { id: 'south-dc', name: 'South DC', lat: 39.75, lng: 116.56, openingHours: '00:00-24:00' },
  { id: 'dazu-plaza', name: 'Dazu Plaza store', lat: 39.79, lng: 116.5069, openingHours: '07:00-22:00' },
  { id: 'yicheng-jingyuan', name: 'Yicheng Jingyuan store', lat: 39.761, lng: 116.503, openingHours: '07:00-22:00' },
  { id: 'yz-satellite', name: 'Satellite warehouse', lat: 39.778, lng: 116.525, openingHours: '06:00-23:00' },
  { id: 'yz-emergency', name: 'Emergency warehouse', lat: 39.77, lng: 116.54, openingHours: '00:00-24:00' },
  { id: 'far-away', name: 'A store 60 km away', lat: 40.3, lng: 116.55, openingHours: '07:00-08:00' },
];
export const nodeMap = (): Map<string, PlanNode> => new Map(NODES.map((n) => [n.id, n]));

export const ITEMS: TripItem[] = [
  { id: 'MILK', name: 'Fresh milk 1 L', unit: 'bottle', temperatureClass: 'chilled', weightG: 1000, volumeCm3: 1100 },
  { id: 'DUMPLING', name: 'Frozen dumplings 1 kg', unit: 'bag', temperatureClass: 'frozen', weightG: 1000, volumeCm3: 1500 },
  { id: 'RICE', name: 'Rice 5 kg', unit: 'bag', temperatureClass: 'ambient', weightG: 5000, volumeCm3: 6500 },
];
export const itemMap = (): Map<string, TripItem> => new Map(ITEMS.map((i) => [i.id, i]));

export function vehicle(id: string, kind: VehicleKind, homeNodeId: string, count: number, over: Partial<FleetVehicleType> = {}): FleetVehicleType {
  return { id, homeNodeId, count, ...FLEET_TEMPLATES[kind], ...over };
}

export function transfer(id: string, from: string, to: string, lines: Array<[string, number]>): Load {
  const n = nodeMap().get(to)!;
  return { id, kind: 'transfer', originNodeId: from, destination: { id: n.id, name: n.name, lat: n.lat, lng: n.lng }, lines: lines.map(([itemId, quantity]) => ({ itemId, quantity })) };
}

/** The routing solver, in-process (the server runs the same function in a worker). */
export const inProcessSolve: SolveFn = async (problem, o) => solveRouting(problem, { seed: o.seed, objective: o.objective, maxIterations: o.maxIterations ?? 500 });

export function planInput(loads: Load[], fleet: FleetVehicleType[], over: Partial<PlanInput> = {}): PlanInput {
  return { day: '2022-06-23', window: [0, 86400], fleet, nodes: nodeMap(), items: itemMap(), loads, coolant: DEFAULT_COOLANT_RULE, seed: 7, maxIterations: 300, ...over };
}

/** OneTruck: one refrigerated truck at the centre takes two chilled transfers to two stores. */
export const oneTruck = () =>
  planInput(
    [transfer('TR-1', 'plc-south', 'dazu-plaza', [['MILK', 300]]), transfer('TR-2', 'plc-south', 'yicheng-jingyuan', [['MILK', 200]])],
    [vehicle('reefer', 'refrigerated_truck', 'plc-south', 1)],
  );

/** ThreeTemps: chilled, frozen and ambient transfers; a reefer, a freezer and a van. */
export const threeTemps = () =>
  planInput(
    [
      transfer('TR-C1', 'plc-south', 'dazu-plaza', [['MILK', 400]]),
      transfer('TR-C2', 'plc-south', 'yz-satellite', [['MILK', 300]]),
      transfer('TR-F1', 'plc-south', 'dazu-plaza', [['DUMPLING', 300]]),
      transfer('TR-F2', 'plc-south', 'yz-emergency', [['DUMPLING', 500]]),
      transfer('TR-A1', 'south-dc', 'yicheng-jingyuan', [['RICE', 100]]),
      transfer('TR-A2', 'south-dc', 'yz-emergency', [['RICE', 80]]),
    ],
    [
      vehicle('reefer', 'refrigerated_truck', 'plc-south', 2),
      vehicle('freezer', 'frozen_truck', 'plc-south', 1),
      vehicle('van', 'ambient_van', 'south-dc', 2),
    ],
  );
