/** Loading the built-in Yizhuang demo: its network file, then each context's demo step, in one transaction. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { generateBaselineDemand, generateCatalogue, type NodeInput } from '../domain/network/index.ts';
import { seededRandom } from '../domain/shared/index.ts';
import { networkCounts, upsertDemand, upsertItems, upsertNodes } from './network.ts';
import { zonesDemoStep } from './zones.ts';
import { planningDemoStep } from './planning.ts';
import { workforceDemoStep } from './workforce.ts';
import { tripsDemoStep } from './trips.ts';
import { inventoryDemoStep } from './inventory.ts';
import type { DB } from './tables.ts';

/** The built-in scenario's network file, as shipped in data/scenarios. */
export interface ScenarioNetwork {
  name: string;
  catalogue: { brandsPerProduct: number; seed: number };
  mapCentre: { lat: number; lng: number };
  bounds: { south: number; north: number; west: number; east: number };
  nodes: Array<NodeInput & { baselineUnitsPerDay: number }>;
  emergencyWarehouse: NodeInput & { areaM2: number; templateNodeId: string; builtInHours: number };
  controlAreas: Array<{ id: string; nameZh: string; nameEn: string; level: string; lat: number; lng: number; radiusM: number }>;
  landmarks: Array<{ nameZh: string; nameEn: string; lat: number; lng: number }>;
}

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');

export function loadScenarioNetwork(name = 'yizhuang-2022'): ScenarioNetwork {
  return JSON.parse(readFileSync(path.join(DATA_DIR, 'scenarios', `${name}.network.json`), 'utf8')) as ScenarioNetwork;
}

export interface DemoContext {
  scenario: ScenarioNetwork;
  now: Date;
  log: (message: string) => void;
}

/**
 * One step of loading the demo, owned by a context (zones, stock, staff, suppliers…).
 * Steps run in order, each in the same transaction as the network load.
 */
export type DemoStep = { name: string; run: (db: Kysely<DB>, ctx: DemoContext) => Promise<void> };

/** Other contexts append their steps here (one line each). */
export const demoSteps: DemoStep[] = [inventoryDemoStep, zonesDemoStep, workforceDemoStep, tripsDemoStep, planningDemoStep];

export async function isEmpty(db: Kysely<DB>): Promise<boolean> {
  return (await networkCounts(db)).nodes === 0;
}

/** Loads the Yizhuang demo network (nodes, catalogue, baseline demand) and every context's demo data. */
export async function loadDemo(db: Kysely<DB>, now: Date, log: (m: string) => void = () => {}): Promise<void> {
  const scenario = loadScenarioNetwork();
  await db.transaction().execute(async (trx) => {
    const nodes = scenario.nodes.map(({ baselineUnitsPerDay: _u, ...n }) => n as NodeInput);
    await upsertNodes(trx, nodes, now);
    const items = generateCatalogue(scenario.catalogue.brandsPerProduct);
    await upsertItems(trx, items, now);
    const random = seededRandom(scenario.catalogue.seed);
    let demandRows = 0;
    for (const n of scenario.nodes) {
      if (n.baselineUnitsPerDay <= 0) continue;
      const rows = generateBaselineDemand(n.id, n.baselineUnitsPerDay, items, random);
      demandRows += await upsertDemand(trx, rows);
    }
    log(`demo network: ${nodes.length} nodes, ${items.length} items, ${demandRows} baseline demand rows`);
    const ctx: DemoContext = { scenario, now, log };
    for (const step of demoSteps) {
      await step.run(trx, ctx);
      log(`demo: ${step.name} loaded`);
    }
  });
}
