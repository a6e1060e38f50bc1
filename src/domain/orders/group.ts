/** Community group orders (团购): parsing, and placing a group as a whole for one drop point. */
import { err, type Result } from '../shared/index.ts';
import type { DropPoint } from '../zones/index.ts';
import { householdKey, remainingAllowance } from './limits.ts';
import { eligibleNodes, firstByPrecedence, type PlacementContext } from './placement.ts';
import { DEFAULT_UTC_OFFSET_MIN, localDay } from './slots.ts';
import type { LineRejection, NodeRefusal, OrderLineRequest, RejectionCode, RoutingInfo } from './types.ts';
import { parseLines, parseSlotStart } from './validate.ts';

/**
 * Community group orders (团购), as run in the 2022 lockdowns: a group leader collects many
 * households' orders for one drop point (a compound gate), and the node delivers them together.
 * The group is accepted or refused as a whole: it needs at least `minHouseholds` distinct
 * households, one node that can serve every member's lines, and every member within the purchase
 * limits. It takes one delivery from the slot and the day's capacity, however many members it has.
 */
export interface GroupMember {
  customerId: string;
  householdId: string;
  lines: OrderLineRequest[];
}

export interface GroupOrderRequest {
  leaderId: string;
  dropPoint: DropPoint;
  slotStartMs: number;
  minHouseholds: number;
  members: GroupMember[];
}

export interface GroupOrderInput {
  leaderId: string;
  dropPoint: { id?: string; name: string; lat: number; lng: number };
  slotStart: string;
  minHouseholds: number;
  members: Array<{ customerId: string; householdId: string; lines: OrderLineRequest[] }>;
}

export const MAX_GROUP_MEMBERS = 500;

export function parseGroupOrderInput(input: GroupOrderInput): Result<GroupOrderRequest> {
  const bad = (field: string, message: string, expected: unknown, actual: unknown) => err<GroupOrderRequest>({ code: 'validation_failed', message, field, expected, actual });
  if (typeof input?.leaderId !== 'string' || input.leaderId.length === 0) return bad('leaderId', 'leaderId is required', 'a customer code', input?.leaderId);
  const dp = input.dropPoint;
  if (!dp || typeof dp.lat !== 'number' || typeof dp.lng !== 'number' || !(dp.lat >= -90 && dp.lat <= 90) || !(dp.lng >= -180 && dp.lng <= 180)) {
    return bad('dropPoint', 'dropPoint needs a WGS84 lat and lng', '{ name, lat, lng }', dp);
  }
  const slot = parseSlotStart(input.slotStart);
  if (!slot.ok) return slot;
  if (!Number.isInteger(input.minHouseholds) || input.minHouseholds < 1 || input.minHouseholds > MAX_GROUP_MEMBERS) {
    return bad('minHouseholds', `minHouseholds must be a whole number from 1 to ${MAX_GROUP_MEMBERS}`, `integer in [1, ${MAX_GROUP_MEMBERS}]`, input.minHouseholds);
  }
  if (!Array.isArray(input.members) || input.members.length === 0 || input.members.length > MAX_GROUP_MEMBERS) {
    return bad('members', `a group has 1 to ${MAX_GROUP_MEMBERS} members`, `1..${MAX_GROUP_MEMBERS}`, Array.isArray(input.members) ? input.members.length : input.members);
  }
  const members: GroupMember[] = [];
  for (let i = 0; i < input.members.length; i++) {
    const m = input.members[i];
    if (typeof m?.customerId !== 'string' || m.customerId.length === 0) return bad(`members.${i}.customerId`, 'customerId is required', 'a customer code', m?.customerId);
    if (typeof m.householdId !== 'string' || m.householdId.length === 0) return bad(`members.${i}.householdId`, 'householdId is required', 'a household id', m.householdId);
    const lines = parseLines(m.lines, `members.${i}.lines`);
    if (!lines.ok) return lines;
    members.push({ customerId: m.customerId, householdId: m.householdId, lines: lines.value });
  }
  return {
    ok: true,
    value: {
      leaderId: input.leaderId,
      dropPoint: { id: dp.id ?? `group-drop-${dp.lat.toFixed(5)},${dp.lng.toFixed(5)}`, name: dp.name, lat: dp.lat, lng: dp.lng },
      slotStartMs: slot.value,
      minHouseholds: input.minHouseholds,
      members,
    },
  };
}

export interface MemberRejection extends LineRejection {
  member: number;
}

export interface GroupOutcome {
  status: 'accepted' | 'refused';
  code?: RejectionCode;
  message: string;
  zoneId?: string;
  nodeId?: string;
  serviceDay?: string;
  households: number;
  /** Total units per item the group takes. */
  totals: Array<{ itemId: string; quantity: number }>;
  rejectedLines: MemberRejection[];
  nodeRefusals: NodeRefusal[];
}

/** Decides a group order as a whole and, when accepted, changes the book by what it takes. */
export function placeGroupOrder(req: GroupOrderRequest, routing: RoutingInfo | null, ctx: PlacementContext): GroupOutcome {
  const households = new Set(req.members.map((m) => m.householdId)).size;
  const refused = (code: RejectionCode, message: string, extra: Partial<GroupOutcome> = {}): GroupOutcome => ({
    status: 'refused', code, message, households, totals: [], rejectedLines: [], nodeRefusals: [], ...extra,
  });
  if (households < req.minHouseholds) {
    return refused('group_too_small', `the group has ${households} households; it needs at least ${req.minHouseholds}`);
  }
  if (!routing) return refused('zone_not_served', `no delivery zone covers the drop point (${req.dropPoint.lat}, ${req.dropPoint.lng})`);
  const el = eligibleNodes(routing, req.slotStartMs, ctx);
  if (el.candidates.length === 0) return refused('zone_not_served', `zone ${routing.zoneId} has no node serving it`, { zoneId: routing.zoneId });
  if (el.eligible.length === 0) return refused(el.refusals[0].code, el.refusals[0].message, { zoneId: routing.zoneId, nodeRefusals: el.refusals });

  const { book } = ctx;
  const day = localDay(req.slotStartMs, ctx.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN);
  // Limits, counting what earlier members of the same group already take.
  const pending = new Map<string, number>();
  const key = (scope: string, subject: string, itemId: string) => `${scope}\u0000${subject}\u0000${itemId}`;
  const rejectedLines: MemberRejection[] = [];
  const totals = new Map<string, number>();
  req.members.forEach((m, mi) => {
    const hh = householdKey({ lat: 0, lng: 0, householdId: m.householdId });
    m.lines.forEach((l, li) => {
      const item = book.items.get(l.itemId);
      const limit = item ? ctx.policy.limitFor(item) : { perCustomerPerDay: null, perHouseholdPerDay: null };
      const kc = key('c', m.customerId, l.itemId);
      const kh = key('h', hh, l.itemId);
      const left = remainingAllowance(limit, book.bought('customer', m.customerId, l.itemId, day) + (pending.get(kc) ?? 0), book.bought('household', hh, l.itemId, day) + (pending.get(kh) ?? 0));
      if (l.quantity > left) {
        rejectedLines.push({ member: mi, line: li, itemId: l.itemId, quantity: l.quantity, code: 'over_purchase_limit', message: `member ${mi} (${m.customerId}): the purchase limit allows ${left} more of ${l.itemId} on ${day}`, limitRemaining: left });
        return;
      }
      pending.set(kc, (pending.get(kc) ?? 0) + l.quantity);
      pending.set(kh, (pending.get(kh) ?? 0) + l.quantity);
      totals.set(l.itemId, (totals.get(l.itemId) ?? 0) + l.quantity);
    });
  });
  const totalList = [...totals.entries()].map(([itemId, quantity]) => ({ itemId, quantity }));
  if (rejectedLines.length > 0) {
    return refused('over_purchase_limit', `${rejectedLines.length} member line(s) exceed the purchase limits; the group is refused as a whole`, { zoneId: routing.zoneId, rejectedLines, nodeRefusals: el.refusals });
  }
  const nodeId = el.eligible.find((n) => totalList.every((t) => book.available(n, t.itemId) >= t.quantity));
  if (!nodeId) {
    const n0 = el.eligible[0];
    const short = totalList.filter((t) => book.available(n0, t.itemId) < t.quantity);
    for (const t of short) {
      req.members.forEach((m, mi) => m.lines.forEach((l, li) => {
        if (l.itemId === t.itemId) {
          rejectedLines.push({ member: mi, line: li, itemId: l.itemId, quantity: l.quantity, code: 'insufficient_stock', message: `the group needs ${t.quantity} of ${t.itemId}; node ${n0} has ${Math.max(0, book.available(n0, t.itemId))}`, available: Math.max(0, book.available(n0, t.itemId)) });
        }
      }));
    }
    const why = firstByPrecedence(rejectedLines)!;
    return refused('insufficient_stock', `no node can serve the whole group: ${why.message}`, { zoneId: routing.zoneId, rejectedLines, nodeRefusals: el.refusals, totals: totalList });
  }
  book.book(nodeId, req.slotStartMs, day, 1);
  for (const m of req.members) {
    const hh = householdKey({ lat: 0, lng: 0, householdId: m.householdId });
    for (const l of m.lines) {
      book.reserve(nodeId, l.itemId, l.quantity);
      book.addBought('customer', m.customerId, l.itemId, day, l.quantity);
      book.addBought('household', hh, l.itemId, day, l.quantity);
    }
  }
  return {
    status: 'accepted',
    message: `group of ${req.members.length} members (${households} households) accepted at node ${nodeId}, delivered to ${req.dropPoint.name}`,
    zoneId: routing.zoneId,
    nodeId,
    serviceDay: day,
    households,
    totals: totalList,
    rejectedLines: [],
    nodeRefusals: el.refusals,
  };
}

export const groupHousehold = (householdId: string): string => householdKey({ lat: 0, lng: 0, householdId });
