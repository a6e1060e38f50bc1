/**
 * Needs per site and shift: role-minutes derived from the work a site expects (orders to pick,
 * pack and deliver; inbound units to receive and shelve) plus fixed needs entered by hand.
 *
 * The default rates are planning estimates, not measurements (labelled as such in
 * docs/workforce.md): a crisis order is a basket of ~15 essentials, picked at ~15 s a line
 * (240 s an order) and packed in 90 s; a receiver checks in a unit in 4 s and a shelver puts one
 * away in 6 s; a rider completes an order every 12 minutes (~50 orders in a 10-hour day, as the
 * trade press reports for normal times). People are productive 85% of a shift, so the work is
 * divided by 0.85 to get the minutes to roster.
 */
import { err, ok, type Result } from '../shared/index.ts';
import type { Role, RoleNeed } from './model.ts';
import { isRole } from './model.ts';

export interface WorkRates {
  pickSPerOrder: number;
  packSPerOrder: number;
  receiveSPerUnit: number;
  shelveSPerUnit: number;
  /** 0 when the site's orders are delivered by someone else (a courier pool). */
  deliverSPerOrder: number;
  /** Managers wanted per site and shift that has any work. */
  managersPerShift: number;
  /** Share of a rostered minute spent on the work, in percent. */
  utilizationPct: number;
}

export const DEFAULT_RATES: WorkRates = {
  pickSPerOrder: 240,
  packSPerOrder: 90,
  receiveSPerUnit: 4,
  shelveSPerUnit: 6,
  deliverSPerOrder: 720,
  managersPerShift: 1,
  utilizationPct: 85,
};

/** What a site expects to handle in one shift (from the orders and plans contexts). */
export interface ExpectedLoad {
  siteId: string;
  shiftId: string;
  orders: number;
  inboundUnits: number;
}

/** A need entered by hand: a headcount for the whole shift, or person-minutes. */
export interface ManualNeed {
  siteId: string;
  shiftId: string;
  role: Role;
  headcount?: number;
  requiredMin?: number;
}

function rosterMin(workS: number, rates: WorkRates): number {
  if (workS <= 0) return 0;
  return Math.ceil(workS / 60 / (rates.utilizationPct / 100));
}

export function parseRates(input: Partial<Record<keyof WorkRates, unknown>> = {}): Result<WorkRates> {
  const out: WorkRates = { ...DEFAULT_RATES };
  for (const key of Object.keys(DEFAULT_RATES) as Array<keyof WorkRates>) {
    const v = input[key];
    if (v === undefined) continue;
    const max = key === 'utilizationPct' ? 100 : 100_000;
    const min = key === 'utilizationPct' ? 1 : 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      return err({ code: 'validation_failed', message: `rates.${key}: expected an integer ${min}..${max}, got ${JSON.stringify(v)}`, field: `rates.${key}`, expected: `${min}..${max}`, actual: v });
    out[key] = v;
  }
  return ok(out);
}

/**
 * Role-minutes per (site, shift, role). Manual needs are added to the derived ones (a headcount
 * counts as the whole shift). Needs of zero minutes are dropped.
 */
export function deriveNeeds(
  loads: ExpectedLoad[],
  manual: ManualNeed[],
  shiftDurationMin: (shiftId: string) => number | undefined,
  rates: WorkRates = DEFAULT_RATES,
): Result<RoleNeed[]> {
  const byKey = new Map<string, RoleNeed>();
  const add = (siteId: string, shiftId: string, role: Role, min: number, source: RoleNeed['source']) => {
    if (min <= 0) return;
    const key = `${siteId}\u0000${shiftId}\u0000${role}`;
    const cur = byKey.get(key);
    if (cur) {
      cur.requiredMin += min;
      if (source === 'manual') cur.source = 'manual';
    } else byKey.set(key, { siteId, shiftId, role, requiredMin: min, source });
  };
  for (let i = 0; i < loads.length; i++) {
    const l = loads[i];
    if (shiftDurationMin(l.shiftId) === undefined)
      return err({ code: 'validation_failed', message: `loads.${i}.shiftId: unknown shift ${l.shiftId}`, field: `loads.${i}.shiftId`, expected: 'a plan shift id', actual: l.shiftId });
    for (const f of ['orders', 'inboundUnits'] as const) {
      if (!Number.isInteger(l[f]) || l[f] < 0)
        return err({ code: 'validation_failed', message: `loads.${i}.${f}: expected an integer >= 0, got ${l[f]}`, field: `loads.${i}.${f}`, expected: '>= 0', actual: l[f] });
    }
    add(l.siteId, l.shiftId, 'picker', rosterMin(l.orders * rates.pickSPerOrder, rates), 'orders');
    add(l.siteId, l.shiftId, 'packer', rosterMin(l.orders * rates.packSPerOrder, rates), 'orders');
    add(l.siteId, l.shiftId, 'rider', rosterMin(l.orders * rates.deliverSPerOrder, rates), 'orders');
    add(l.siteId, l.shiftId, 'receiver', rosterMin(l.inboundUnits * rates.receiveSPerUnit, rates), 'orders');
    add(l.siteId, l.shiftId, 'shelver', rosterMin(l.inboundUnits * rates.shelveSPerUnit, rates), 'orders');
    if (l.orders + l.inboundUnits > 0)
      add(l.siteId, l.shiftId, 'manager', rates.managersPerShift * (shiftDurationMin(l.shiftId) ?? 0), 'orders');
  }
  for (let i = 0; i < manual.length; i++) {
    const m = manual[i];
    const dur = shiftDurationMin(m.shiftId);
    if (dur === undefined)
      return err({ code: 'validation_failed', message: `manual.${i}.shiftId: unknown shift ${m.shiftId}`, field: `manual.${i}.shiftId`, expected: 'a plan shift id', actual: m.shiftId });
    if (!isRole(m.role))
      return err({ code: 'validation_failed', message: `manual.${i}.role: expected a role, got ${JSON.stringify(m.role)}`, field: `manual.${i}.role`, expected: 'a role', actual: m.role });
    const hasHead = m.headcount !== undefined;
    const hasMin = m.requiredMin !== undefined;
    if (hasHead === hasMin)
      return err({ code: 'validation_failed', message: `manual.${i}: give exactly one of headcount or requiredMin`, field: `manual.${i}`, expected: 'headcount xor requiredMin', actual: m });
    const v = (hasHead ? m.headcount : m.requiredMin) as number;
    if (!Number.isInteger(v) || v < 0)
      return err({ code: 'validation_failed', message: `manual.${i}.${hasHead ? 'headcount' : 'requiredMin'}: expected an integer >= 0, got ${v}`, field: `manual.${i}.${hasHead ? 'headcount' : 'requiredMin'}`, expected: '>= 0', actual: v });
    add(m.siteId, m.shiftId, m.role, hasHead ? v * dur : v, 'manual');
  }
  return ok([...byKey.values()]);
}
