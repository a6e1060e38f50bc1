/**
 * Staffing → slot capacity (issue 8): when a staffing plan is applied, each of its nodes' order
 * slots inside the plan's horizon gets the capacity the roster gives — the orders per slot the
 * people assigned there can pick and pack (src/domain/workforce/capacity.ts: the smaller of
 * picker and packer minutes in the slot × utilisation ÷ rate). A capacity never drops below the
 * orders already booked in the slot (the orders store keeps `max(capacity, booked)`), the day's
 * ordering window is left as it is, and slots outside the horizon, or only partly inside it, keep
 * theirs. With `keepAtLeastBefore` (an incident's nodes outside its lockdown) a slot keeps at
 * least the capacity it had: the roster adds people there, it never takes the node's own away.
 * The changes are returned so that an undo (an incident's compensation) can put the old
 * capacities back with `restoreSlotCapacities`.
 */
import type { Kysely } from 'kysely';
import { capacityPerSlot } from '../domain/workforce/index.ts';
import type { SlotState } from '../domain/orders/index.ts';
import * as workforce from '../store/workforce.ts';
import * as orders from '../store/orders.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

export interface SlotCapacityChange {
  nodeId: string;
  startMs: number;
  endMs: number;
  serviceDay: string;
  before: number;
  after: number;
  /** What the roster alone gives (orders in the slot); `after` is more when the slot keeps its old capacity or bookings. */
  roster?: number;
}

export interface StaffCapacityResult {
  planId: string;
  nodes: Array<{ nodeId: string; slots: number; before: number; after: number; roster: number; keptBefore: boolean }>;
  changes: SlotCapacityChange[];
}

export interface StaffCapacityOptions {
  /**
   * Nodes whose slots never drop below the capacity they had before (an incident's nodes outside
   * its lockdown: their own people keep working; the roster can only add). Default: none.
   */
  keepAtLeastBefore?: (nodeId: string) => boolean;
}

/** Sets the order slots of the plan's nodes to the capacity its roster gives; returns what changed. */
export async function applyStaffCapacity(db: Db, planId: string, options: StaffCapacityOptions = {}): Promise<StaffCapacityResult> {
  const plan = await workforce.requirePlan(db, planId, 'planId');
  const startMs = Date.parse(plan.startsAt);
  const endMs = Date.parse(plan.endsAt);
  const all = await workforce.planAssignments(db, planId);
  const out: StaffCapacityResult = { planId, nodes: [], changes: [] };
  for (const nodeId of plan.sites.map((s) => s.id).sort()) {
    const view = await orders.slotViews(db, { nodeId });
    const inside = view.slots.filter((s) => s.startMs >= startMs && s.endMs <= endMs);
    if (inside.length === 0) continue;
    const mine = all.filter((a) => a.siteId === nodeId);
    const changes: SlotCapacityChange[] = [];
    const floor = options.keepAtLeastBefore?.(nodeId) ?? false;
    for (const s of inside) {
      const fromMin = Math.round((s.startMs - startMs) / 60_000);
      const toMin = Math.round((s.endMs - startMs) / 60_000);
      const [c] = capacityPerSlot(nodeId, mine, plan.shifts, { slotMin: toMin - fromMin, fromMin, toMin, rates: plan.rates });
      const roster = c?.ordersPerSlot ?? 0;
      const after = Math.max(roster, s.booked, floor ? s.capacity : 0);
      changes.push({ nodeId, startMs: s.startMs, endMs: s.endMs, serviceDay: s.serviceDay, before: s.capacity, after, roster });
    }
    await writeCapacities(db, changes.map((c) => ({ ...c, capacity: c.after })), view.window);
    out.changes.push(...changes);
    out.nodes.push({ nodeId, slots: changes.length, before: changes.reduce((a, c) => a + c.before, 0), after: changes.reduce((a, c) => a + c.after, 0), roster: changes.reduce((a, c) => a + (c.roster ?? 0), 0), keptBefore: floor });
  }
  return out;
}

/** Puts back the capacities recorded by `applyStaffCapacity` (never below what is booked since). */
export async function restoreSlotCapacities(db: Db, changes: SlotCapacityChange[]): Promise<number> {
  let n = 0;
  for (const nodeId of [...new Set(changes.map((c) => c.nodeId))]) {
    const view = await orders.slotViews(db, { nodeId });
    const mine = changes.filter((c) => c.nodeId === nodeId);
    await writeCapacities(db, mine.map((c) => ({ ...c, capacity: c.before })), view.window);
    n += mine.length;
  }
  return n;
}

/** Writes slot capacities day by day through the orders store, keeping each day's window as it is. */
async function writeCapacities(db: Db, slots: Array<{ nodeId: string; startMs: number; endMs: number; serviceDay: string; capacity: number }>, windows: Awaited<ReturnType<typeof orders.slotViews>>['window']): Promise<void> {
  for (const day of [...new Set(slots.map((s) => s.serviceDay))].sort()) {
    const ofDay = slots.filter((s) => s.serviceDay === day);
    const w = windows.find((x) => x.nodeId === ofDay[0].nodeId && x.serviceDay === day);
    if (!w) continue; // slots without a window are not bookable anyway
    const states: SlotState[] = ofDay.map((s) => ({ nodeId: s.nodeId, startMs: s.startMs, endMs: s.endMs, serviceDay: s.serviceDay, capacity: s.capacity, booked: 0 }));
    await orders.upsertDay(db, states, w);
  }
}
