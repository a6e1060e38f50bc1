/** The placement rules: which node accepts which lines of an order, given a zone lookup and a placement book. */
import type { PlacementBook } from './book.ts';
import { householdKey, remainingAllowance, type PurchaseLimitPolicy } from './limits.ts';
import { checkSlot, checkWindow, localDay, DEFAULT_UTC_OFFSET_MIN } from './slots.ts';
import {
  REJECTION_CODES,
  type LineRejection,
  type NodeRefusal,
  type OrderPlan,
  type OrderRequest,
  type PlacementOutcome,
  type PlannedLine,
  type RejectionCode,
  type RoutingInfo,
} from './types.ts';

/**
 * The placement rules: given an order request, what a zone lookup says about its address, and a
 * book of the current stock and capacity, decide which lines which node accepts, and change the
 * book by exactly what the accepted orders take. Pure and synchronous, so the store can run it for
 * a whole batch of orders under one set of row locks, each order seeing what the previous ones
 * left, and the simulation can run the very same rules.
 *
 * Order of the checks (the first that applies is the reason reported):
 *  1. a zone serves the address and names at least one node (zone_not_served);
 *  2. per candidate node, serving node first then backups: trading (open or online-only), the
 *     ordering window for the slot's day open and not sold out, the slot not full;
 *  3. per line: the purchase limit (per customer and per household, per item, per day);
 *  4. per line: stock at the node. The first eligible node that can serve every line takes the
 *     order; otherwise, when the customer allows splitting, the fewest nodes that cover the most
 *     lines (greedy set cover) each take their lines as a separate order; otherwise the node that
 *     covers the most lines takes those, and the rest are refused with what is left.
 * A line is accepted whole or refused whole: partial quantities would surprise the customer.
 */
export interface PlacementContext {
  book: PlacementBook;
  policy: PurchaseLimitPolicy;
  nowMs: number;
  utcOffsetMin?: number;
}

const PRECEDENCE = new Map<RejectionCode, number>(REJECTION_CODES.map((c, i) => [c, i]));

export function firstByPrecedence<T extends { code: RejectionCode }>(xs: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const x of xs) if (!best || PRECEDENCE.get(x.code)! < PRECEDENCE.get(best.code)!) best = x;
  return best;
}

export interface Eligibility {
  candidates: string[];
  eligible: string[];
  refusals: NodeRefusal[];
}

/** Which of the routing's nodes can take `deliveries` more deliveries for this slot now. */
export function eligibleNodes(routing: RoutingInfo, slotStartMs: number, ctx: PlacementContext, deliveries = 1): Eligibility {
  const candidates: string[] = [];
  for (const id of [routing.servingNodeId, ...routing.backupNodeIds]) if (id && !candidates.includes(id)) candidates.push(id);
  const day = localDay(slotStartMs, ctx.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN);
  const eligible: string[] = [];
  const refusals: NodeRefusal[] = [];
  for (const nodeId of candidates) {
    const node = ctx.book.nodes.get(nodeId);
    if (!node || (node.status !== 'open' && node.status !== 'online_only')) {
      refusals.push({ nodeId, code: 'node_not_trading', message: `node ${nodeId} is ${node ? node.status : 'unknown'} and takes no orders` });
      continue;
    }
    const w = checkWindow(ctx.book.window(nodeId, day), ctx.nowMs, deliveries);
    if (w) {
      refusals.push({ nodeId, ...w });
      continue;
    }
    const s = checkSlot(ctx.book.slot(nodeId, slotStartMs), nodeId, slotStartMs, ctx.nowMs, deliveries);
    if (s) {
      refusals.push({ nodeId, ...s });
      continue;
    }
    eligible.push(nodeId);
  }
  return { candidates, eligible, refusals };
}

function rejected(code: RejectionCode, message: string, extra: Partial<PlacementOutcome> = {}): PlacementOutcome {
  return { status: 'rejected', code, message, orders: [], rejectedLines: [], nodeRefusals: [], ...extra };
}

export function placeOrder(req: OrderRequest, routing: RoutingInfo | null, ctx: PlacementContext): PlacementOutcome {
  const { book } = ctx;
  if (!routing) return rejected('zone_not_served', `no delivery zone covers (${req.address.lat}, ${req.address.lng})`);
  const el = eligibleNodes(routing, req.slotStartMs, ctx);
  if (el.candidates.length === 0) {
    return rejected('zone_not_served', `zone ${routing.zoneId} has no node serving it`, { zoneId: routing.zoneId });
  }
  if (el.eligible.length === 0) {
    const why = firstByPrecedence(el.refusals.slice(0, 1))!;
    const msg = el.refusals.length > 1 ? `${why.message}; no backup node can take it either` : why.message;
    return rejected(why.code, msg, { zoneId: routing.zoneId, nodeRefusals: el.refusals });
  }

  const day = localDay(req.slotStartMs, ctx.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN);
  const household = householdKey(req.address);
  const rejectedLines: LineRejection[] = [];
  const wanted: number[] = [];
  req.lines.forEach((l, i) => {
    const item = book.items.get(l.itemId);
    const limit = item ? ctx.policy.limitFor(item) : { perCustomerPerDay: null, perHouseholdPerDay: null };
    const left = remainingAllowance(limit, book.bought('customer', req.customerId, l.itemId, day), book.bought('household', household, l.itemId, day));
    if (l.quantity > left) {
      rejectedLines.push({
        line: i,
        itemId: l.itemId,
        quantity: l.quantity,
        code: 'over_purchase_limit',
        message: `the purchase limit allows ${left} more of ${l.itemId} on ${day} (per customer ${limit.perCustomerPerDay ?? 'no cap'}, per household ${limit.perHouseholdPerDay ?? 'no cap'})`,
        limitRemaining: left,
      });
    } else wanted.push(i);
  });

  const covers = (nodeId: string, lines: number[]) => lines.filter((i) => book.available(nodeId, req.lines[i].itemId) >= req.lines[i].quantity);
  let assignment: Array<{ nodeId: string; lines: number[] }> = [];
  if (wanted.length > 0) {
    const full = el.eligible.find((n) => covers(n, wanted).length === wanted.length);
    if (full) assignment = [{ nodeId: full, lines: wanted }];
    else if (req.allowSplit) {
      let left = wanted;
      const unused = [...el.eligible];
      while (left.length > 0 && unused.length > 0) {
        let best = -1;
        let bestLines: number[] = [];
        unused.forEach((n, j) => {
          const c = covers(n, left);
          if (c.length > bestLines.length) {
            best = j;
            bestLines = c;
          }
        });
        if (best < 0) break;
        assignment.push({ nodeId: unused[best], lines: bestLines });
        unused.splice(best, 1);
        left = left.filter((i) => !bestLines.includes(i));
      }
    } else {
      let bestLines: number[] = [];
      let bestNode = el.eligible[0];
      for (const n of el.eligible) {
        const c = covers(n, wanted);
        if (c.length > bestLines.length) {
          bestLines = c;
          bestNode = n;
        }
      }
      if (bestLines.length > 0) assignment = [{ nodeId: bestNode, lines: bestLines }];
    }
    const assigned = new Set(assignment.flatMap((a) => a.lines));
    const reportNode = assignment[0]?.nodeId ?? el.eligible[0];
    for (const i of wanted) {
      if (assigned.has(i)) continue;
      const l = req.lines[i];
      const available = req.allowSplit ? Math.max(0, ...el.eligible.map((n) => book.available(n, l.itemId))) : book.available(reportNode, l.itemId);
      rejectedLines.push({
        line: i,
        itemId: l.itemId,
        quantity: l.quantity,
        code: 'insufficient_stock',
        message: `only ${Math.max(0, available)} of ${l.itemId} left${req.allowSplit ? '' : ` at node ${reportNode}`}; ${l.quantity} requested`,
        available: Math.max(0, available),
      });
    }
  }
  rejectedLines.sort((a, b) => a.line - b.line);

  if (assignment.length === 0 || (rejectedLines.length > 0 && !req.acceptPartial)) {
    const why = firstByPrecedence(rejectedLines)!;
    return rejected(why.code, `${assignment.length === 0 ? 'no line can be served' : 'not every line can be served and the customer does not accept part'}: ${why.message}`, {
      zoneId: routing.zoneId,
      rejectedLines,
      nodeRefusals: el.refusals,
    });
  }

  const orders: OrderPlan[] = assignment.map((a) => {
    const lines: PlannedLine[] = a.lines.sort((x, y) => x - y).map((i) => ({ itemId: req.lines[i].itemId, quantity: req.lines[i].quantity }));
    book.book(a.nodeId, req.slotStartMs, day);
    for (const l of lines) {
      book.reserve(a.nodeId, l.itemId, l.quantity);
      book.addBought('customer', req.customerId, l.itemId, day, l.quantity);
      book.addBought('household', household, l.itemId, day, l.quantity);
    }
    const drop = routing.underLockdown && routing.dropPoint;
    return {
      nodeId: a.nodeId,
      slotStartMs: req.slotStartMs,
      serviceDay: day,
      lines,
      deliveryMode: drop ? 'drop_point' : 'door',
      ...(drop ? { dropPoint: routing.dropPoint } : {}),
    };
  });
  const partial = rejectedLines.length > 0;
  const where = orders.map((o) => o.nodeId).join(' + ');
  return {
    status: partial ? 'partially_accepted' : 'accepted',
    message: partial ? `${req.lines.length - rejectedLines.length} of ${req.lines.length} lines accepted at ${where}` : `all ${req.lines.length} lines accepted at ${where}`,
    zoneId: routing.zoneId,
    orders,
    rejectedLines,
    nodeRefusals: el.refusals,
  };
}
