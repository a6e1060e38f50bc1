/** Which control areas must take effect and which must be lifted at a given time. */
import { isInForce, type ControlArea } from './control-area.ts';

/** What the store knows about an area's effects, for the scheduler. */
export interface AreaEffectState {
  areaId: string;
  /** The area's effects were applied (at declaration in force, or by an earlier tick). */
  tookEffect: boolean;
  /** Effects applied and not yet undone. */
  openEffects: number;
}

export interface AreaSchedule {
  /** In force now, but their effects were never applied (declared with a future start). */
  takeEffect: string[];
  /** Past their end (or lifted) with effects still applied: undo them. */
  lift: string[];
}

/**
 * Which control areas must take effect and which must be lifted at `now`, from
 * their time windows and what was already applied. Running it again after the
 * result was applied gives empty lists (idempotent). An area whose whole window
 * passed between two ticks never takes effect.
 */
export function scheduleControlAreas(
  areas: ReadonlyArray<Pick<ControlArea, 'id' | 'startsAt' | 'endsAt' | 'liftedAt'>>,
  states: readonly AreaEffectState[],
  now: Date,
): AreaSchedule {
  const byId = new Map(states.map((s) => [s.areaId, s]));
  const takeEffect: string[] = [];
  const lift: string[] = [];
  for (const a of [...areas].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) {
    const s = byId.get(a.id) ?? { areaId: a.id, tookEffect: false, openEffects: 0 };
    if (isInForce(a, now)) {
      if (!s.tookEffect) takeEffect.push(a.id);
    } else if (s.openEffects > 0 && Date.parse(a.startsAt) <= now.getTime()) {
      lift.push(a.id);
    }
  }
  return { takeEffect, lift };
}
