/**
 * Benchmark `simulate`: simulated orders per second, wall time of the built-in
 * scenario (7 days × ~10,000 orders a day, both policies), and a synthetic city
 * of 500 nodes and 1,000,000 orders a day. Default: the city for 1 day (the 7-day
 * figure is then 7 × that, marked as estimated); `--full` runs the city for 7 days
 * and the built-in scenario on the inventory ledger as well.
 */
import { generateBaselineDemand, generateCatalogue } from '../src/domain/network/index.ts';
import { seededRandom } from '../src/domain/shared/index.ts';
import { DEFAULT_HOURLY_PROFILE, runSimulation, type SimInput, type SimNode } from '../src/domain/simulation/index.ts';
import { loadScenario, simulateScenario } from '../src/flows/incident-simulate.ts';

export function cityScale(opts: { nodes: number; ordersPerDay: number; days: number; seed: number }): SimInput {
  const random = seededRandom(opts.seed);
  const items = generateCatalogue(1);
  const demand = generateBaselineDemand('x', 100_000, items, random);
  const mixById = new Map(demand.map((d) => [d.itemId, d.dailyQuantity]));
  const total = demand.reduce((a, d) => a + d.dailyQuantity, 0);
  const side = Math.ceil(Math.sqrt(opts.nodes));
  const nodes: SimNode[] = [];
  for (let k = 0; k < opts.nodes; k++) {
    nodes.push({
      id: `n${k}`, kind: k % 5 === 0 ? 'satellite_warehouse' : 'store', lat: 31.0 + 0.02 * Math.floor(k / side), lng: 121.2 + 0.025 * (k % side), status: 'open',
      dailyOrderCapacity: Math.ceil((1.4 * opts.ordersPerDay) / opts.nodes), maxDeliveryRadiusM: 3000, storageCm3: { ambient: 0, chilled: 0, frozen: 0 }, opensMin: 360, closesMin: 1320,
    });
  }
  nodes.push({ id: 'dc', kind: 'distribution_centre', lat: 31.2, lng: 121.5, status: 'open', dailyOrderCapacity: 0, maxDeliveryRadiusM: 0, storageCm3: { ambient: 0, chilled: 0, frozen: 0 }, opensMin: 0, closesMin: 1440 });
  const zonesPerNode = 10;
  const zones = [];
  for (let k = 0; k < opts.nodes; k++) {
    for (let z = 0; z < zonesPerNode; z++) {
      const next = (k + 1) % opts.nodes;
      zones.push({ id: `z${k}-${z}`, lat: nodes[k].lat + 0.002 * z, lng: nodes[k].lng, ordersPerDay: opts.ordersPerDay / (opts.nodes * zonesPerNode) / 3, nodeIds: [`n${k}`, `n${next}`] });
    }
  }
  // Every 20th node is locked down on day 0 at 10:00; demand triples.
  const imposed: SimInput['imposed'] = [
    { kind: 'demand', atS: 36_000, ordersMultiplier: 3, tierMultipliers: { none: 0.5, essential: 1.4, key: 1.8 }, reason: 'lockdown' },
    ...nodes.filter((_, k) => k % 20 === 0 && k < opts.nodes).map((n) => ({ kind: 'node_status' as const, atS: 36_000, nodeId: n.id, status: 'suspended' as const, reason: 'inside a lockdown area' })),
  ];
  return {
    name: `city-${opts.nodes}x${opts.ordersPerDay}`, startDate: '2022-04-12', days: opts.days, seed: opts.seed, nodes,
    items: items.map((it) => ({ id: it.id, tier: it.essentialTier ?? 'none', temperatureClass: it.temperatureClass, shelfLifeDays: it.shelfLifeDays, volumeCm3: it.volumeCm3 ?? 0 })),
    itemMix: items.map((it) => (mixById.get(it.id) ?? 0) / total),
    zones,
    demand: { hourlyProfile: [...DEFAULT_HOURLY_PROFILE], linesPerOrder: 4, twoUnitShare: 0.3, pickDelayMin: 30, maxSlotDelayH: 4 },
    staff: nodes.slice(0, opts.nodes).map((n) => ({ nodeId: n.id, staff: Math.ceil(n.dailyOrderCapacity / 16 / 6), ordersPerStaffHour: 6, shiftStartMin: 360, shiftEndMin: 1320 })),
    fleet: { sourceNodeId: 'dc', coldTripCapacityCm3: 6e9 / 1000, ambientTripCapacityCm3: 8e9 / 1000, coolantPacksPerColdTrip: 300, roadFactor: 1.3, dailyUnits: 1e9 },
    replenishment: { coverDays: { none: 1.5, essential: 5, key: 10 }, waves: [{ departMin: 180, classes: ['chilled', 'frozen'], leadTimeMin: 150 }, { departMin: 300, classes: ['ambient'], leadTimeMin: 120 }, { departMin: 780, classes: ['chilled', 'frozen', 'ambient'], leadTimeMin: 150 }] },
    openingCoverDays: { none: 1.5, essential: 3, key: 5 },
    imposed,
    policy: { name: 'response', actions: [] },
  };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const full = args.includes('--full');
  const rows: Array<[string, string, string, string]> = [];
  const s = loadScenario('yizhuang-2022');
  if (!s.ok) throw new Error(s.error.message);

  // The built-in scenario, both policies, array stock book.
  let t0 = performance.now();
  const fast = await simulateScenario(s.value, {}, { stock: 'fast', series: false, monotonicMs: () => performance.now() });
  const fastSec = (performance.now() - t0) / 1000;
  const fastOrders = fast.a.stats.orders + fast.b.stats.orders;
  rows.push(['yizhuang-2022, 7 days, 2 policies, fast', String(fastOrders), fastSec.toFixed(1), Math.round(fastOrders / fastSec).toString()]);

  // The response plan alone on the inventory ledger: the 7 days × 10,000 orders figure.
  t0 = performance.now();
  // CPU seconds of the response run alone: from its start (onRun 'b') to the end.
  let cpuAtB = process.cpuUsage();
  const ledgerRun = await simulateScenario(s.value, {}, { stock: 'ledger', series: false, onRun: (which) => { if (which === 'b') cpuAtB = process.cpuUsage(); }, monotonicMs: () => performance.now() });
  const cpuB = process.cpuUsage(cpuAtB);
  const ledgerBoth = (performance.now() - t0) / 1000;
  const sevenDays10kSec = ledgerRun.b.stats.wallMs / 1000;
  rows.push(['yizhuang-2022, response plan, ledger', String(ledgerRun.b.stats.orders), sevenDays10kSec.toFixed(1), Math.round(ledgerRun.b.stats.orders / sevenDays10kSec).toString()]);
  rows.push(['yizhuang-2022, 2 policies, ledger', String(ledgerRun.a.stats.orders * 2), ledgerBoth.toFixed(1), Math.round((2 * ledgerRun.a.stats.orders) / ledgerBoth).toString()]);

  // The city.
  const days = full ? 7 : 1;
  const city = cityScale({ nodes: 500, ordersPerDay: 1_000_000, days, seed: 42 });
  t0 = performance.now();
  const cr = runSimulation(city, { stock: 'fast', series: false });
  const citySec = (performance.now() - t0) / 1000;
  rows.push([`city 500 nodes × 1M orders/day, ${days} day(s), fast`, String(cr.stats.orders), citySec.toFixed(1), Math.round(cr.stats.orders / citySec).toString()]);
  const cityWeekSec = full ? citySec : -1;

  const w = [44, 10, 8, 12];
  const line = (r: string[]) => r.map((c, k) => (k === 0 ? c.padEnd(w[k]) : c.padStart(w[k]))).join('  ');
  process.stdout.write(line(['run', 'orders', 'wall s', 'orders/s']) + '\n' + line(w.map((n) => '-'.repeat(n))) + '\n' + rows.map(line).join('\n') + '\n');
  process.stdout.write(`city 7 days: ${full ? `${citySec.toFixed(1)} s measured` : 'not run (--full runs it)'}; city fill rate ${cr.summary.fillRate.all}\n`);
  return {
    simOrdersPerSec: Math.round(cr.stats.orders / citySec),
    simOrdersPerSecLedger: Math.round(ledgerRun.b.stats.orders / sevenDays10kSec),
    // Wall seconds of the response plan alone, 7 days × ~10,000 orders, on the inventory ledger / on typed arrays.
    sevenDays10kSec: Math.round(sevenDays10kSec * 10) / 10,
    // CPU seconds (user + system) of that same run: steadier than the wall time on a shared machine.
    sevenDays10kCpuSec: Math.round(((cpuB.user + cpuB.system) / 1e6) * 10) / 10,
    sevenDays10kFastSec: Math.round((fast.b.stats.wallMs / 1000) * 10) / 10,
    // Wall seconds of the city (500 nodes, 1 M orders a day, typed-array stock) over one day, and over
    // 7 days only when --full ran it (-1 otherwise: never extrapolated).
    cityDaySec: full ? -1 : Math.round(citySec * 10) / 10,
    cityWeekSec: Math.round(cityWeekSec * 10) / 10,
  };
}
