/**
 * The capacity a roster gives: orders per slot a site can pick and pack with the people
 * assigned. For each slot, picker and packer minutes that fall inside it (a shift counts for
 * the part of it that overlaps the slot) are turned into orders at the plan's rates and
 * utilisation; the slot's capacity is the smaller of the two, since an order needs both. This
 * is what the orders context takes as its slot capacity.
 */
import { DEFAULT_RATES, type WorkRates } from './needs.ts';
import { shiftEnd, tasksOf, type Assignment, type Shift } from './model.ts';

export interface SlotCapacity {
  startMin: number;
  endMin: number;
  pickers: number;
  packers: number;
  ordersPerSlot: number;
}

export function capacityPerSlot(
  siteId: string,
  assignments: Assignment[],
  shifts: Shift[],
  options: { slotMin?: number; fromMin?: number; toMin?: number; rates?: WorkRates } = {},
): SlotCapacity[] {
  const rates = options.rates ?? DEFAULT_RATES;
  const slotMin = options.slotMin ?? 60;
  const byId = new Map(shifts.map((s) => [s.id, s]));
  const mine = assignments.filter((a) => a.siteId === siteId);
  if (shifts.length === 0 && (options.fromMin === undefined || options.toMin === undefined)) return [];
  const from = options.fromMin ?? Math.min(...shifts.map((s) => s.startMin));
  const to = options.toMin ?? Math.max(...shifts.map(shiftEnd), from);
  const out: SlotCapacity[] = [];
  const util = rates.utilizationPct / 100;
  for (let start = from; start < to; start += slotMin) {
    const end = Math.min(start + slotMin, to);
    let pickMin = 0;
    let packMin = 0;
    let pickers = 0;
    let packers = 0;
    for (const a of mine) {
      const s = byId.get(a.shiftId);
      if (!s) continue;
      const overlap = Math.max(0, Math.min(end, shiftEnd(s)) - Math.max(start, s.startMin));
      if (overlap === 0) continue;
      // A person splitting a shift between tasks gives each its share of the slot.
      for (const t of tasksOf(a, s.durationMin)) {
        const share = (overlap * t.minutes) / s.durationMin;
        if (t.role === 'picker') {
          pickMin += share;
          pickers++;
        } else if (t.role === 'packer') {
          packMin += share;
          packers++;
        }
      }
    }
    const byPick = rates.pickSPerOrder > 0 ? (pickMin * 60 * util) / rates.pickSPerOrder : Infinity;
    const byPack = rates.packSPerOrder > 0 ? (packMin * 60 * util) / rates.packSPerOrder : Infinity;
    const orders = Math.min(byPick, byPack);
    out.push({ startMin: start, endMin: end, pickers, packers, ordersPerSlot: Number.isFinite(orders) ? Math.floor(orders + 1e-9) : 0 });
  }
  return out;
}

/**
 * Orders one staff-hour picks and packs, the hour shared between picking and packing as an order
 * needs them: the rates' seconds per order (pick + pack) at their utilisation. The same rule as
 * `capacityPerSlot` for a roster whose pickers and packers are in the rates' proportion (with the
 * default rates, 3,600 s × 85 % ÷ 330 s ≈ 9.27 orders); a model that counts people, not roles
 * (the simulation's staff levels), uses it so that its staff-hours agree with the roster's.
 */
export function ordersPerStaffHour(rates: WorkRates = DEFAULT_RATES): number {
  const s = rates.pickSPerOrder + rates.packSPerOrder;
  return s > 0 ? (3600 * rates.utilizationPct) / 100 / s : Number.POSITIVE_INFINITY;
}

/** One person's own schedule: their assignments in time order, with the shift times. */
export function personSchedule(staffId: string, assignments: Assignment[], shifts: Shift[]) {
  const byId = new Map(shifts.map((s) => [s.id, s]));
  return assignments
    .filter((a) => a.staffId === staffId && byId.has(a.shiftId))
    .map((a) => {
      const s = byId.get(a.shiftId)!;
      return { shiftId: a.shiftId, siteId: a.siteId, role: a.role, tasks: tasksOf(a, s.durationMin), startMin: s.startMin, endMin: shiftEnd(s) };
    })
    .sort((x, y) => x.startMin - y.startMin);
}
