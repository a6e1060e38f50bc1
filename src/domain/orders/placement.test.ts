import { describe, expect, it } from 'vitest';
import { PlacementBook } from './book.ts';
import { NO_LIMITS, TierPurchaseLimitPolicy } from './limits.ts';
import { placeOrder, type PlacementContext } from './placement.ts';
import { daySlots, localDay } from './slots.ts';
import { placeGroupOrder } from './group.ts';
import { parseOrderInput } from './validate.ts';
import type { OrderRequest, RoutingInfo } from './types.ts';

// A tiny named fixture: store A serves the zone, warehouse B backs it up. Day 2022-06-23,
// ordering opens at 06:00 (+08:00), slots hourly 07:00-22:00.
const DAY = '2022-06-23';
const SEVEN = Date.parse('2022-06-23T07:00:00+08:00');
const SIX_OH_ONE = Date.parse('2022-06-23T06:01:00+08:00');
const ZONE: RoutingInfo = { zoneId: 'z1', servingNodeId: 'A', backupNodeIds: ['B'], underLockdown: false };

function smallBook(opts: { capacityA?: number; statusA?: 'open' | 'online_only' | 'suspended' } = {}) {
  const book = new PlacementBook()
    .addNode({ id: 'A', status: opts.statusA ?? 'open' })
    .addNode({ id: 'B', status: 'open' })
    .addItem({ itemId: 'rice', category: 'rice', essentialTier: 'key' })
    .addItem({ itemId: 'oil', category: 'oil', essentialTier: 'essential' })
    .addItem({ itemId: 'eggs', category: 'eggs', essentialTier: 'key' });
  for (const n of ['A', 'B']) {
    const d = daySlots(n, DAY, n === 'A' ? (opts.capacityA ?? 150) : 150);
    if (!d.ok) throw new Error('fixture');
    d.value.slots.forEach((s) => book.addSlot(s));
    book.addWindow(d.value.window);
  }
  book.setStock('A', 'rice', { onHand: 10, reserved: 0 }).setStock('A', 'oil', { onHand: 5, reserved: 0 });
  book.setStock('B', 'rice', { onHand: 3, reserved: 0 }).setStock('B', 'eggs', { onHand: 50, reserved: 0 });
  return book;
}

const ctx = (book: PlacementBook, nowMs = SIX_OH_ONE, policy = NO_LIMITS): PlacementContext => ({ book, policy, nowMs });
const req = (lines: Array<[string, number]>, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  customerId: 'c1',
  address: { lat: 39.79, lng: 116.5, householdId: 'bldg-3-401' },
  lines: lines.map(([itemId, quantity]) => ({ itemId, quantity })),
  slotStartMs: SEVEN,
  allowSubstitution: true,
  allowSplit: false,
  acceptPartial: true,
  ...extra,
});

describe('placing an order', () => {
  it('accepts every line at the serving node and reserves the stock', () => {
    const book = smallBook();
    const out = placeOrder(req([['rice', 2], ['oil', 1]]), ZONE, ctx(book));
    expect(out.status).toBe('accepted');
    expect(out.orders).toHaveLength(1);
    expect(out.orders[0]).toMatchObject({ nodeId: 'A', serviceDay: DAY, deliveryMode: 'door' });
    expect(book.available('A', 'rice')).toBe(8);
    expect(book.slot('A', SEVEN)!.booked).toBe(1);
    expect(book.window('A', DAY)!.booked).toBe(1);
  });

  it.each([
    ['no zone covers the address', null, smallBook(), SIX_OH_ONE, 'zone_not_served'],
    ['the zone has no node', { ...ZONE, servingNodeId: null, backupNodeIds: [] }, smallBook(), SIX_OH_ONE, 'zone_not_served'],
    ['ordering has not opened yet', ZONE, smallBook(), Date.parse('2022-06-23T05:59:00+08:00'), 'window_closed'],
    ['the only node is suspended', { ...ZONE, backupNodeIds: [] }, smallBook({ statusA: 'suspended' }), SIX_OH_ONE, 'node_not_trading'],
  ])('refuses the whole order when %s', (_name, routing, book, now, code) => {
    const out = placeOrder(req([['rice', 1]]), routing as RoutingInfo | null, ctx(book, now));
    expect(out).toMatchObject({ status: 'rejected', code });
    expect(out.orders).toEqual([]);
  });

  it('falls back to the backup node when the serving node is suspended', () => {
    const out = placeOrder(req([['rice', 2]]), ZONE, ctx(smallBook({ statusA: 'suspended' })));
    expect(out.status).toBe('accepted');
    expect(out.orders[0].nodeId).toBe('B');
    expect(out.nodeRefusals).toEqual([expect.objectContaining({ nodeId: 'A', code: 'node_not_trading' })]);
  });

  it('takes orders at an online-only node', () => {
    expect(placeOrder(req([['rice', 1]]), ZONE, ctx(smallBook({ statusA: 'online_only' }))).orders[0].nodeId).toBe('A');
  });

  it('falls back when the serving node’s slot is full, and closes the window when the day’s capacity is gone', () => {
    const book = smallBook({ capacityA: 15 }).setStock('A', 'rice', { onHand: 100, reserved: 0 }); // one order per hourly slot at A
    expect(placeOrder(req([['rice', 1]]), ZONE, ctx(book)).orders[0].nodeId).toBe('A');
    expect(placeOrder(req([['rice', 1]]), ZONE, ctx(book)).orders[0].nodeId).toBe('B');
    const noBackup = { ...ZONE, backupNodeIds: [] };
    expect(placeOrder(req([['rice', 1]]), noBackup, ctx(book))).toMatchObject({ status: 'rejected', code: 'slot_full' });
    for (let h = 8; h < 22; h++) placeOrder(req([['rice', 1]], { slotStartMs: SEVEN + (h - 7) * 3600_000 }), noBackup, ctx(book));
    expect(placeOrder(req([['oil', 1]], { slotStartMs: SEVEN + 3600_000 }), noBackup, ctx(book))).toMatchObject({ status: 'rejected', code: 'window_closed' });
  });

  it('accepts the lines in stock and says what is left of the others', () => {
    const out = placeOrder(req([['rice', 2], ['oil', 9]]), ZONE, ctx(smallBook()));
    expect(out.status).toBe('partially_accepted');
    expect(out.orders[0].lines).toEqual([{ itemId: 'rice', quantity: 2 }]);
    expect(out.rejectedLines).toEqual([expect.objectContaining({ line: 1, itemId: 'oil', code: 'insufficient_stock', available: 5 })]);
  });

  it('refuses the whole order when the customer does not accept part of it, and reserves nothing', () => {
    const book = smallBook();
    const out = placeOrder(req([['rice', 2], ['oil', 9]], { acceptPartial: false }), ZONE, ctx(book));
    expect(out).toMatchObject({ status: 'rejected', code: 'insufficient_stock' });
    expect(book.available('A', 'rice')).toBe(10);
    expect(book.slot('A', SEVEN)!.booked).toBe(0);
  });

  it('splits the order across nodes when allowed and no single node has everything', () => {
    const book = smallBook();
    const out = placeOrder(req([['rice', 5], ['eggs', 6]], { allowSplit: true }), ZONE, ctx(book));
    expect(out.status).toBe('accepted');
    expect(out.orders.map((o) => [o.nodeId, o.lines.map((l) => l.itemId)])).toEqual([['A', ['rice']], ['B', ['eggs']]]);
    expect(book.available('B', 'eggs')).toBe(44);
  });

  it('sends a lockdown address to the drop point of its area', () => {
    const locked: RoutingInfo = { ...ZONE, underLockdown: true, dropPoint: { id: 'gate', name: 'north gate', lat: 39.79, lng: 116.5 } };
    const out = placeOrder(req([['rice', 1]]), locked, ctx(smallBook()));
    expect(out.orders[0]).toMatchObject({ deliveryMode: 'drop_point', dropPoint: { id: 'gate' } });
  });
});

describe('purchase limits', () => {
  const policy = new TierPurchaseLimitPolicy({
    key: { perCustomerPerDay: 3, perHouseholdPerDay: 4 },
    essential: { perCustomerPerDay: null, perHouseholdPerDay: null },
    none: { perCustomerPerDay: null, perHouseholdPerDay: null },
  });

  it('refuses a line over the per-customer cap and says what the cap still allows', () => {
    const book = smallBook();
    const out = placeOrder(req([['rice', 4], ['oil', 1]]), ZONE, ctx(book, SIX_OH_ONE, policy));
    expect(out.rejectedLines).toEqual([expect.objectContaining({ itemId: 'rice', code: 'over_purchase_limit', limitRemaining: 3 })]);
  });

  it('counts earlier orders of the same day, and the household across its customers', () => {
    const book = smallBook();
    expect(placeOrder(req([['rice', 3]]), ZONE, ctx(book, SIX_OH_ONE, policy)).status).toBe('accepted');
    const same = placeOrder(req([['rice', 1]]), ZONE, ctx(book, SIX_OH_ONE, policy));
    expect(same).toMatchObject({ status: 'rejected', code: 'over_purchase_limit' });
    const spouse = placeOrder(req([['rice', 2]], { customerId: 'c2' }), ZONE, ctx(book, SIX_OH_ONE, policy));
    expect(spouse.rejectedLines[0]).toMatchObject({ code: 'over_purchase_limit', limitRemaining: 1 });
  });
});

describe('group orders', () => {
  const group = (members: number, qty = 1, min = 3) => ({
    leaderId: 'leader',
    dropPoint: { id: 'gate', name: 'Building 3 gate', lat: 39.79, lng: 116.5 },
    slotStartMs: SEVEN,
    minHouseholds: min,
    members: Array.from({ length: members }, (_, i) => ({ customerId: `c${i}`, householdId: `h${i}`, lines: [{ itemId: 'rice', quantity: qty }] })),
  });

  it('accepts a big-enough group as one delivery and reserves every member’s lines', () => {
    const book = smallBook();
    const out = placeGroupOrder(group(4, 2), ZONE, ctx(book));
    expect(out).toMatchObject({ status: 'accepted', nodeId: 'A', households: 4, totals: [{ itemId: 'rice', quantity: 8 }] });
    expect(book.available('A', 'rice')).toBe(2);
    expect(book.slot('A', SEVEN)!.booked).toBe(1);
  });

  it.each([
    ['too few households', group(2), 'group_too_small'],
    ['more than any node holds', group(6, 2), 'insufficient_stock'],
  ])('refuses the whole group when it has %s, and takes nothing', (_n, g, code) => {
    const book = smallBook();
    expect(placeGroupOrder(g, ZONE, ctx(book))).toMatchObject({ status: 'refused', code });
    expect(book.available('A', 'rice')).toBe(10);
  });
});

describe('parsing an order', () => {
  const good = { customerId: 'c1', address: { lat: 39.79, lng: 116.5 }, lines: [{ itemId: 'rice', quantity: 1 }], slotStart: '2022-06-23T07:00:00+08:00' };
  it.each([
    ['a duplicate item', { ...good, lines: [{ itemId: 'rice', quantity: 1 }, { itemId: 'rice', quantity: 2 }] }, 'lines.1.itemId'],
    ['a zero quantity', { ...good, lines: [{ itemId: 'rice', quantity: 0 }] }, 'lines.0.quantity'],
    ['no lines', { ...good, lines: [] }, 'lines'],
    ['an unreadable slot', { ...good, slotStart: 'tomorrow' }, 'slotStart'],
    ['a latitude off the globe', { ...good, address: { lat: 91, lng: 116.5 } }, 'address.lat'],
  ])('refuses %s naming the field', (_n, input, field) => {
    const r = parseOrderInput(input as any);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });
  it('fills the defaults', () => {
    const r = parseOrderInput(good);
    expect(r.ok && r.value).toMatchObject({ allowSubstitution: true, allowSplit: false, acceptPartial: true, slotStartMs: SEVEN });
    expect(localDay(SEVEN)).toBe(DAY);
  });
});
