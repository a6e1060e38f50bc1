/**
 * What the incident flows share: their dependencies, the delivery node kinds, a control area's
 * input for the zones context, the emergency warehouse as a node, and the apply's and lift's
 * steps typed by what they record (domain/incidents/steps.ts).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type MipSolver, fail } from '../../domain/shared/index.ts';
import type { SolveFn } from '../../domain/trips/index.ts';
import type { RosterPlanner } from '../../domain/workforce/index.ts';
import { circlePolygon } from '../../domain/zones/index.ts';
import type { NodeInput } from '../../domain/network/index.ts';
import type { ApplyStepName, ApplyStepResult, IncidentInput, LiftStepName, LiftStepResult } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import type { DB } from '../../store/tables.ts';
import type { Step } from '../workflow.ts';

export type Db = Kysely<DB>;
export interface FlowDeps {
  db: Db;
  solver: MipSolver;
  /** The routing solver for the trips part (the server's solver pool); default in-process. */
  routing?: SolveFn;
  /** The roster planner for the staffing part (the server's solver pool); default in-process with `solver`. */
  roster?: RosterPlanner;
  now: () => Date;
}

/** A step of the apply: `run` returns, and `compensate` gets, the shape its name's schema gives. */
export const applyStep = <K extends ApplyStepName>(name: K, step: Omit<Step<ApplyStepResult<K>>, 'name'>): Step<ApplyStepResult<K>> => ({ name, ...step });
/** A step of the lift, likewise. */
export const liftStep = <K extends LiftStepName>(name: K, step: Omit<Step<LiftStepResult<K>>, 'name'>): Step<LiftStepResult<K>> => ({ name, ...step });

/** The step records of a plan, as the store reads them. */
export type StepRecords = { steps: ReadonlyArray<{ step: string; status: string; result: unknown }> };
/** What an applied plan's step `name` recorded (undefined when it did not run or is not applied), typed as this version's apply writes it. */
export const appliedStepResult = <K extends ApplyStepName>(plan: StepRecords | null | undefined, name: K): ApplyStepResult<K> | undefined =>
  plan?.steps.find((s) => s.step === name && s.status === 'applied')?.result as ApplyStepResult<K> | undefined;

export const DELIVERY = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);

export function areaInput(a: IncidentInput['areas'][number]) {
  const geometry = a.geometry ?? (a.circle ? circlePolygon({ lat: a.circle.lat, lng: a.circle.lng }, a.circle.radiusM) : null);
  if (!geometry) fail({ code: 'validation_failed', message: `area ${a.id} needs a geometry or a circle`, field: `areas.${a.id}.geometry`, expected: 'a GeoJSON Polygon/MultiPolygon or circle {lat,lng,radiusM}', actual: '(missing)' });
  return { id: a.id, name: a.name ?? a.id, level: a.level, geometry, startsAt: a.startsAt, endsAt: a.endsAt ?? null, allowOnlineOnly: a.allowOnlineOnly ?? false };
}

/** The emergency warehouse as a node: the template's settings, with the new id, name and place. */
export async function emergencyNode(db: Db, ew: NonNullable<IncidentInput['emergencyWarehouse']>): Promise<NodeInput> {
  const t = await network.requireNode(db, ew.templateNodeId, 'emergencyWarehouse.templateNodeId');
  return {
    id: ew.id, kind: 'emergency_warehouse', nameZh: ew.nameZh, nameEn: ew.nameEn, lat: ew.lat, lng: ew.lng, locationConfidence: 'estimate',
    openingHours: t.openingHours, dailyOrderCapacity: ew.dailyOrderCapacity ?? t.dailyOrderCapacity, storageUnit: t.storageUnit,
    storageAmbient: ew.storageAmbient ?? t.storageAmbient, storageChilled: ew.storageChilled ?? t.storageChilled, storageFrozen: ew.storageFrozen ?? t.storageFrozen,
    maxDeliveryRadiusM: ew.maxDeliveryRadiusM ?? t.maxDeliveryRadiusM, statusReason: `emergency warehouse, settings copied from ${t.id}`,
  } as NodeInput;
}


/** A fingerprint of a plan's parts: a simulation remembers it, apply compares it with the parts now. */
export function planFingerprint(parts: ReadonlyArray<{ part: string; content: unknown }>): string {
  const h = createHash('sha256');
  for (const p of [...parts].sort((a, b) => a.part.localeCompare(b.part))) h.update(`${p.part}\n${JSON.stringify(p.content)}\n`);
  return h.digest('hex').slice(0, 32);
}

/** Per node: how many items have a target, their units against a day of baseline, and how many were capped by storage. */
export function targetsByNode(targets: ReadonlyArray<{ nodeId: string; targetUnits: number; baselineDailyUnits: number; cappedBy?: unknown }>) {
  const byNode = new Map<string, { items: number; targetUnits: number; baselineUnits: number; capped: number }>();
  for (const t of targets) {
    const b = byNode.get(t.nodeId) ?? { items: 0, targetUnits: 0, baselineUnits: 0, capped: 0 };
    b.items++;
    b.targetUnits += t.targetUnits;
    b.baselineUnits += t.baselineDailyUnits;
    if (t.cappedBy) b.capped++;
    byNode.set(t.nodeId, b);
  }
  return [...byNode].map(([nodeId, b]) => ({ nodeId, ...b, daysOfCover: b.baselineUnits ? Math.round((10 * b.targetUnits) / b.baselineUnits) / 10 : null }));
}
