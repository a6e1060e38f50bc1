import { describe, expect, it } from 'vitest';
import { compileScenario, parseScenario, runSimulation, ledgerProblems, LedgerStock, EventQueue, AliasTable, poisson, htmlReport, compareSummaries, type SimInput, type SimEvent } from '../src/domain/simulation/index.ts';
import { twoStores } from '../src/domain/simulation/fixtures.ts';
import { seededRandom } from '../src/domain/shared/index.ts';
import { SimPlacementBook, ArrayStock as SimArrayStock, type SimOrdersState } from '../src/domain/simulation/index.ts';
import { placeOrder, TierPurchaseLimitPolicy, type OrderRequest } from '../src/domain/orders/index.ts';
import { loadScenario, simulateScenario, fromObject } from '../src/flows/incident-simulate.ts';
import { defaultSolver } from '../src/solver/highs.ts';

async function compiled(mutate?: (f: ReturnType<typeof twoStores>) => void) {
  const f = twoStores();
  mutate?.(f);
  const r = await compileScenario(f, f.network as any);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('the engine’s building blocks', () => {
  it('pops simultaneous events by priority, then in the order they were scheduled', () => {
    const q = new EventQueue<SimEvent & { name: string }>();
    q.push({ atS: 10, priority: 2, name: 'c' });
    q.push({ atS: 10, priority: 1, name: 'a' });
    q.push({ atS: 5, priority: 9, name: 'first' });
    q.push({ atS: 10, priority: 1, name: 'b' });
    expect([q.pop(), q.pop(), q.pop(), q.pop()].map((e) => e!.name)).toEqual(['first', 'a', 'b', 'c']);
  });

  it('draws from an alias table in proportion to the weights', () => {
    const t = new AliasTable([1, 0, 3]);
    const r = seededRandom(1);
    const n = [0, 0, 0];
    for (let k = 0; k < 40000; k++) n[t.draw(r)]++;
    expect(n[1]).toBe(0);
    expect(n[2] / n[0]).toBeGreaterThan(2.8);
    expect(n[2] / n[0]).toBeLessThan(3.2);
  });

  it.each([0.5, 5, 200])('draws Poisson counts with the right mean (%s)', (mean) => {
    const r = seededRandom(3);
    let s = 0;
    for (let k = 0; k < 20000; k++) s += poisson(mean, r);
    expect(s / 20000).toBeCloseTo(mean, mean > 100 ? -0.5 : 1);
  });
});

describe('a simulation run', () => {
  it('gives the same report for the same seed', async () => {
    const c = await compiled();
    const a = runSimulation(c.response, { stock: 'fast' });
    const b = runSimulation(c.response, { stock: 'fast' });
    expect({ ...b, stats: null }).toEqual({ ...a, stats: null });
  });

  it('gives a different run for a different seed', async () => {
    const c = await compiled();
    const a = runSimulation(c.response, { stock: 'fast' });
    const b = runSimulation({ ...c.response, seed: 8 }, { stock: 'fast' });
    expect(b.summary.ordersPlaced).not.toBe(a.summary.ordersPlaced);
  });

  it('gives the same KPIs with the inventory ledger as with the array stock book', async () => {
    const c = await compiled();
    const ledger = runSimulation(c.response, { stock: 'ledger' });
    const fast = runSimulation(c.response, { stock: 'fast' });
    expect(ledger.perDay).toEqual(fast.perDay);
  });

  it('keeps the ledger’s invariants and the stock flow balanced at the end of every simulated day', async () => {
    const c = await compiled();
    const checked: number[] = [];
    const report = runSimulation(c.response, {
      stock: 'ledger',
      keepMovements: true,
      onDayEnd: (day, stock) => {
        expect(ledgerProblems((stock as LedgerStock).ledger)).toEqual([]);
        checked.push(day);
      },
    });
    expect(checked).toEqual([0, 1, 2]);
    for (const r of report.perDay) {
      // What was there, plus what came in, minus what went out, is what is there.
      expect(r.openingOnHand + r.unitsReceived - r.unitsSold - r.unitsTransferredOut - r.unitsWrittenOff).toBe(r.closingOnHand);
    }
  });

  it('shows the 06:00 rush: the first ordering hour has the most orders', async () => {
    const c = await compiled();
    const r = runSimulation(c.noResponse, { stock: 'fast' });
    const byHour = new Array(24).fill(0);
    for (const p of r.hourly) byHour[p.hour % 24] += p.ordersPlaced;
    expect(byHour.indexOf(Math.max(...byHour))).toBe(6);
    expect(byHour.slice(0, 6).every((x) => x === 0)).toBe(true);
  });

  it('writes off fish with a one-day shelf life and reports it', async () => {
    const c = await compiled();
    const r = runSimulation(c.noResponse, { stock: 'fast' });
    expect(r.summary.unitsWrittenOff).toBeGreaterThan(0);
  });

  it('refuses the locked-down store’s orders without a response and serves them with one', async () => {
    const c = await compiled();
    const none = runSimulation(c.noResponse, { stock: 'fast' });
    const plan = runSimulation(c.response, { stock: 'fast' });
    expect(none.summary.refused.node_not_trading).toBeGreaterThan(100);
    expect(plan.summary.refused.node_not_trading).toBeLessThan(none.summary.refused.node_not_trading / 5);
    expect(plan.summary.fillRate.all).toBeGreaterThan(none.summary.fillRate.all);
    const rows = compareSummaries(none.summary, plan.summary);
    expect(rows.find((x) => x.kpi === 'fill rate (all)')!.better).toBe('b');
  });

  it('writes a self-contained HTML report with inline SVG charts', async () => {
    const c = await compiled();
    const a = runSimulation(c.noResponse, { stock: 'fast' });
    const b = runSimulation(c.response, { stock: 'fast' });
    const html = htmlReport(a, b, compareSummaries(a.summary, b.summary));
    expect(html).toContain('<svg');
    expect(html).toContain('Fill rate by hour');
    expect(html).not.toMatch(/<script|src=|href=|@import/);
  });
});

describe('order placement through the orders context', () => {
  // Two nodes (A serving, B backup) and one item; 2 orders an hour of capacity each.
  function world(over: Partial<{ statusA: 'open' | 'suspended'; usedA: number; dayUsedA: number; stockA: number; stockB: number }> = {}) {
    const o = { statusA: 'open' as const, usedA: 0, dayUsedA: 0, stockA: 5, stockB: 5, ...over };
    const stock = new SimArrayStock(2, 2);
    stock.receive(0, 0, o.stockA, 9);
    stock.receive(1, 0, o.stockB, 9);
    stock.receive(1, 1, 5, 9);
    const hourUse = new Int32Array(2 * 24);
    hourUse[8] = o.usedA;
    const state: SimOrdersState = {
      nodeIds: ['A', 'B'],
      itemIds: ['rice', 'eggs'],
      stock,
      status: (n) => (n === 0 ? o.statusA : 'open'),
      hourCapacity: () => 2,
      hourUse,
      dayUse: Int32Array.from([o.dayUsedA, 0]),
      dailyCap: () => 10,
      maxSlotDelayH: 1,
    };
    const book = new SimPlacementBook(state, [
      { itemId: 'rice', category: 'ambient', essentialTier: 'key' },
      { itemId: 'eggs', category: 'ambient', essentialTier: 'key' },
    ], new TierPurchaseLimitPolicy());
    book.beginOrder(0, 8, [0, 1], 0);
    return { book, state };
  }
  const request = (lines: Array<[string, number]>): OrderRequest => ({
    customerId: 'c1', address: { lat: 0, lng: 0, householdId: 'h1' }, lines: lines.map(([itemId, quantity]) => ({ itemId, quantity })),
    slotStartMs: 8 * 3_600_000, allowSubstitution: false, allowSplit: false, acceptPartial: true,
  });
  const routing = { zoneId: 'z', servingNodeId: 'A', backupNodeIds: ['B'], underLockdown: false };
  const cases: Array<[string, Parameters<typeof world>[0], Array<[string, number]>, string, string | null, number]> = [
    ['the serving node takes an order it can serve', {}, [['rice', 2]], 'accepted', 'A', 8],
    ['a suspended serving node passes the order to the backup', { statusA: 'suspended' }, [['rice', 2]], 'accepted', 'B', 8],
    ['a full hour moves the order to the next hour at the same node', { usedA: 2 }, [['rice', 1]], 'accepted', 'A', 9],
    ['a node whose day capacity is gone passes the order on', { dayUsedA: 10 }, [['rice', 2]], 'accepted', 'B', 8],
    ['a node short of one line loses the order to one that has every line', {}, [['rice', 1], ['eggs', 1]], 'accepted', 'B', 8],
    ['a line short everywhere is refused whole and the rest accepted', { stockA: 1, stockB: 1 }, [['rice', 3], ['eggs', 1]], 'partially_accepted', 'B', 8],
    ['a line over the purchase limit is refused', {}, [['rice', 6]], 'rejected', null, -1],
  ];
  it.each(cases)('%s', (_name, over, lines, status, node, hour) => {
    const { book, state } = world(over);
    const out = placeOrder(request(lines), routing, { book, policy: book.policy, nowMs: 8 * 3_600_000, utcOffsetMin: 0 });
    expect(out.status).toBe(status);
    expect(out.orders[0]?.nodeId ?? null).toBe(node);
    if (node) {
      const n = book.nodeIndex(node);
      expect(book.slotHour(n)).toBe(hour);
      // The slot it booked, and the day, each count one more order.
      expect(state.hourUse[n * 24 + hour]).toBe(1);
      expect(state.dayUse[n]).toBe(n === 0 ? (over?.dayUsedA ?? 0) + 1 : 1);
      expect(book.reservedQty.reduce((a, b) => a + b, 0)).toBe(out.orders[0].lines.reduce((a, l) => a + l.quantity, 0));
    }
  });

  it('applies purchase limits to simulated orders when the run asks for them', async () => {
    const c = await compiled();
    const none = new TierPurchaseLimitPolicy({ key: { perCustomerPerDay: 0, perHouseholdPerDay: 0 }, essential: { perCustomerPerDay: 0, perHouseholdPerDay: 0 }, none: { perCustomerPerDay: 0, perHouseholdPerDay: 0 } });
    const r = runSimulation(c.response, { stock: 'fast', purchaseLimits: none, series: false });
    expect(r.summary.ordersPlaced).toBeGreaterThan(0);
    expect(r.summary.ordersServed).toBe(0);
  });
});

describe('scenario files', () => {
  const cases: Array<[string, (f: any) => void, string]> = [
    ['a missing format tag', (f) => delete f.format, 'format'],
    ['a start date that is not a date', (f) => (f.startDate = '22/06/2022'), 'startDate'],
    ['an hourly profile of 23 hours', (f) => (f.demand.hourlyProfile = new Array(23).fill(1)), 'demand.hourlyProfile'],
    ['a zone served by an unknown node', (f) => (f.zones[0].nodeIds = ['nowhere']), 'zones.0.nodeIds.0'],
    ['a response action of an unknown kind', (f) => (f.response.actions[1] = { at: { day: 0 }, kind: 'teleport' }), 'response.actions.1.kind'],
    ['a staff action with negative staff', (f) => (f.response.actions[1].staff = -3), 'response.actions.1.staff'],
    ['a wave leaving at 25:00', (f) => (f.normal.waves[0].depart = '25:00'), 'normal.waves.0.depart'],
    ['an unknown source node', (f) => (f.fleet.sourceNodeId = 'moon'), 'fleet.sourceNodeId'],
    ['a control area without a radius', (f) => delete f.incident.controlAreas[0].radiusM, 'incident.controlAreas.0.radiusM'],
    ['an inline node without coordinates', (f) => delete f.network.nodes[0].lat, 'network.nodes.0.lat'],
  ];
  it.each(cases)('refuses %s and names the field', async (_name, mutate, field) => {
    const f = twoStores() as any;
    mutate(f);
    const parsed = parseScenario(f);
    const error = parsed.ok ? await compileScenario(parsed.value, f.network).then((r) => (r.ok ? null : r.error)) : parsed.error;
    expect(error).not.toBeNull();
    expect(error!.field).toBe(field);
    expect(error!.code).toMatch(/validation_failed|duplicate/);
  });

  it('refuses a network file that does not exist, naming network.file', () => {
    const f = { ...twoStores(), network: { file: 'missing.network.json' } };
    const r = fromObject(f, '/tmp');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.field).toBe('network.file');
  });

  it('loads the built-in scenario, which references the demo network file', () => {
    const r = loadScenario('yizhuang-2022');
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.network.nodes.length).toBeGreaterThan(5);
  });
});

describe('the built-in yizhuang-2022 scenario', () => {
  it('matches its golden KPI summary, and the response plan beats no response', async () => {
    const s = loadScenario('yizhuang-2022');
    if (!s.ok) throw new Error(s.error.message);
    // The same way `baogong simulate yizhuang-2022` runs it: the zone planner with its solver.
    const c = await simulateScenario(s.value, { solver: defaultSolver }, { stock: 'fast', series: false });
    const pick = (r: typeof c.a) => ({
      ordersPlaced: r.summary.ordersPlaced,
      ordersServed: r.summary.ordersServed,
      fillRate: r.summary.fillRate.all,
      coldTrips: r.summary.coldTrips,
    });
    expect(c.b.summary.fillRate.all).toBeGreaterThan(c.a.summary.fillRate.all + 0.3);
    expect(c.b.summary.fillRate.key).toBeGreaterThan(c.a.summary.fillRate.key);
    // About 10,000 orders a day once the outbreak starts, as in the seed.
    const days = c.b.perDay.filter((r) => r.nodeId === '(all)' && r.day >= 1);
    for (const d of days) {
      expect(d.ordersPlaced).toBeGreaterThan(9000);
      expect(d.ordersPlaced).toBeLessThan(11000);
    }
    expect({ a: pick(c.a), b: pick(c.b) }).toMatchInlineSnapshot(`
      {
        "a": {
          "coldTrips": 27,
          "fillRate": 0.2457,
          "ordersPlaced": 67075,
          "ordersServed": 27724,
        },
        "b": {
          "coldTrips": 89,
          "fillRate": 0.8674,
          "ordersPlaced": 67075,
          "ordersServed": 62588,
        },
      }
    `);
  }, 60_000);
});
