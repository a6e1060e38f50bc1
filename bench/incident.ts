/**
 * `npm run bench -- incident [--full]`: the built-in Yizhuang incident on the demo network
 * (PGlite in memory, clock 2022-06-22 14:00 Beijing): declare it, draft the response plan, apply
 * it. Prints the time per part and the plan's figures. Default budgets are the draft's (trips 5 s
 * and 400 iterations per solve, roster MIP 3 s); `--full` gives the trips 30 s / 5,000 iterations
 * and the roster MIP 30 s, to see what the short budgets cost. The solves run in a solver pool of
 * worker threads, as in the server (`--in-process`: on this thread, as the CLI's own planners do).
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { loadDemo } from '../src/store/demo.ts';
import { registerOrdersDemo } from '../src/flows/orders-demo.ts';
import { defaultSolver } from '../src/solver/highs.ts';
import { SolverPool } from '../src/solver/pool.ts';
import { applyResponsePlan, declareDemoIncident, draftResponsePlan, reconcileDay, simulateIncident, type DraftOptions } from '../src/flows/incident-response.ts';
import { operatingDay } from '../src/domain/shared/index.ts';
import { liftIncident } from '../src/flows/incident/lift.ts';
import { incidentFigures, openAfterLift, servedBefore } from '../src/flows/incident/figures.ts';
import { simulateBuiltIn } from '../src/flows/incident/simulate-demo.ts';

export async function run(args: string[]): Promise<Record<string, number>> {
  const full = args.includes('--full');
  const now = new Date('2022-06-22T06:00:00Z');
  const database = await openDatabase();
  const pool = args.includes('--in-process') ? null : new SolverPool();
  try {
    await migrateToLatest(database.db);
    registerOrdersDemo();
    let t = performance.now();
    await loadDemo(database.db, now);
    const demoSec = (performance.now() - t) / 1000;
    await declareDemoIncident(database.db, now);
    const deps = pool ? { db: database.db, solver: pool.mip, routing: pool.solveRouting, roster: pool.planRoster, now: () => now } : { db: database.db, solver: defaultSolver, now: () => now };
    const options: DraftOptions = full ? { tripsBudgetMs: 30_000, tripsMaxIterations: 5000, rosterTimeLimitS: 30 } : {};
    // The server's pool is warm after its first plan: start each worker (HiGHS loaded) before the clock.
    if (pool) {
      const tiny = { sense: 'minimize' as const, cols: { cost: [1], lower: [0], upper: [1], integer: [true], names: ['x'] }, rows: { lower: [0], upper: [1], indices: [[0]], values: [[1]], names: ['r'] } };
      await Promise.all(Array.from({ length: pool.size }, () => pool.mip.solve(tiny)));
    }
    const before = await servedBefore(database.db);
    const cpu0 = process.cpuUsage();
    t = performance.now();
    const plan = await draftResponsePlan(deps, 'yizhuang-2022', options);
    const draftSec = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const s = plan.summary as any;
    const staffing = plan.parts.find((p) => p.part === 'staffing')!.content;
    const trips = plan.parts.find((p) => p.part === 'trips')!.content;
    const zonesContent = plan.parts.find((p) => p.part === 'zones')!.content as any;
    const handBackText = ((zonesContent.handBackFit ?? []) as Array<{ nodeId: string; capacityOrdersPerDay: number; listedZones: number; listedOrdersPerDay: number; handedBackZones: number; handedBackOrdersPerDay: number }>)
      .map((h) => `${h.nodeId}: ${h.handedBackZones} of ${h.listedZones} zones, ${h.handedBackOrdersPerDay} of ${h.listedOrdersPerDay} orders/day (roster capacity ${h.capacityOrdersPerDay})`).join('; ') || `${zonesContent.handBackMode ?? 'none'}: ${(zonesContent.handBack ?? []).reduce((a: number, h: any) => a + h.changes.length, 0)} zones`;
    // The drafted plan simulated over 7 days beside no response and the scripted 2022 response
    // (same seed, network, zones and demand).
    t = performance.now();
    const sim = await simulateBuiltIn(deps, { days: 7, seed: 1 });
    const simulateSec = (performance.now() - t) / 1000;
    t = performance.now();
    const applied = await applyResponsePlan(deps, 'yizhuang-2022');
    const applySec = (performance.now() - t) / 1000;
    t = performance.now();
    const after = await simulateIncident(deps, 'yizhuang-2022', { days: 7, seed: 1 });
    const simulateAfterSec = (performance.now() - t) / 1000;
    // The reconciliation of the operating day of the apply: asked from the sourcing documents.
    const rec = await reconcileDay(deps, 'yizhuang-2022', operatingDay(now.getTime()));
    const askedUnits = rec.reduce((a, l) => a + l.asked, 0);
    const figures = await incidentFigures(database.db, 'yizhuang-2022', before, applied);
    const lift = await liftIncident({ ...deps, now: () => new Date(figures.day2NoonMs + 86_400_000) }, 'yizhuang-2022');
    const open = await openAfterLift(database.db, applied, lift);
    const ms = s.timingsMs as Record<string, number>;
    const applyTrips = applied.steps.find((x) => x.step === 'trips')?.result as any;
    const short = (applyTrips?.vehiclesShortDay1 ?? []) as Array<{ capability: string; vehiclesShort: number }>;
    const rows: Array<[string, string]> = [
      ['demo load', `${demoSec.toFixed(1)} s`],
      ['draft (wall / CPU)', `${draftSec.toFixed(1)} s / ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`],
      ...Object.entries(ms).map(([k, v]): [string, string] => [`  ${k}`, `${(v / 1000).toFixed(1)} s`]),
      ['apply', `${applySec.toFixed(1)} s (${applied.steps.map((x) => `${x.step} ${x.status}`).join(', ')})`],
      ['trips (cold / ambient)', `${s.trips} (${s.coldChainTrips} / ${s.ambientTrips}), ${trips.loads} loads, ${s.tripsUnassignedLoads} without a trip, ${trips.distanceKm} km`],
      ['coolant', `${s.dryIceBags} dry-ice bags, ${s.icePacks} ice packs`],
      ['roster', `${staffing.method}: ${s.staffHoursAssigned} staff-hours, ${staffing.peopleBorrowed} borrowed, ${s.unmetRoleHours} of ${staffing.requiredRoleHours} role-hours unmet`],
      ['  to cover what stays unmet (hires, 8-hour shifts)', Object.entries(((staffing.hires ?? []) as Array<{ role: string; people: number }>).reduce((a: Record<string, number>, h) => ({ ...a, [h.role]: (a[h.role] ?? 0) + h.people }), {})).map(([r, n]) => `${n} ${r}`).join(', ') || 'none'],
      ['orders a day covered / not', `${s.ordersPerDayCovered} / ${s.ordersPerDayNotCovered}`],
      ['simulate (3 runs, 7 days)', `${simulateSec.toFixed(1)} s; fill rate no response ${sim.a.summary.fillRate.all}, plan ${sim.b.summary.fillRate.all}, scripted 2022 ${sim.scripted?.summary.fillRate.all ?? '-'}`],
      ['  served a day (plan)', `${Math.round(sim.b.summary.ordersServed / sim.days)} of ${Math.round(sim.b.summary.ordersPlaced / sim.days)} placed`],
      ['simulate after apply', `${simulateAfterSec.toFixed(1)} s, ${after.days} days from ${after.startDate}, fill rate ${after.b.summary.fillRate.all}`],
      ['reconciliation (apply day)', `${rec.length} nodes, asked ${askedUnits} units`],
      ['zone hand-back (' + (zonesContent.handBackMode ?? 'none') + ')', handBackText],
      ['servable on day 2 (orders/day)', `${figures.servableOrdersPerDayDay2} of ${figures.demandOrdersPerDay} (${figures.day2}); ${figures.limited}`],
      ['  by the roster alone', String(figures.servableByRosterAloneDay2)],
      ['zones newly unserved', String(figures.zonesNewlyUnserved)],
      ['node changes (radius / capacity)', figures.nodeChanges],
      ['emergency warehouse target items', String(figures.emergencyWarehouseTargetItems)],
      ['lateral transfer units', String(figures.lateralTransferUnits)],
      ['trips planned on apply / loads not fitting', `${figures.tripsPlannedOnApply} / ${figures.loadsNotFitting}`],
      ['trips on apply (cold / ambient), coolant', `${applyTrips?.tripIds?.length ?? 0} (${applyTrips?.coldChainTrips ?? 0} / ${applyTrips?.ambientTrips ?? 0}), ${applyTrips?.onTrips ?? 0} of ${(applyTrips?.loads?.transfers ?? 0) + (applyTrips?.loads?.purchaseOrders ?? 0)} loads (${applyTrips?.loads?.purchaseOrders ?? 0} PO), ${applyTrips?.dryIceBags ?? 0} dry-ice bags, ${applyTrips?.icePacks ?? 0} ice packs; without a trip: ${Object.entries(((applyTrips?.unassigned ?? []) as Array<{ reason: string }>).reduce((a: Record<string, number>, u) => ({ ...a, [u.reason]: (a[u.reason] ?? 0) + 1 }), {})).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`],
      ['vehicles short on day 1 (estimate: loads left / loads per vehicle a day)', applyTrips?.vehiclesShortText ?? 'n/a'],
      ['trips on apply, runs (at mode: loads -> trips)', ((applyTrips?.runs ?? []) as Array<{ at: string; mode: string; loads: number; trips: number }>).map((r) => `${r.at} ${r.mode}: ${r.loads} -> ${r.trips}`).join('; ') || 'none'],
      ['open after lift (transfers, holds, PO lines, trips)', `${open.total} (${open.transfers}, ${open.holds}, ${open.poLines}, ${open.trips})`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`incident draft on the demo network${full ? ' (--full budgets)' : ''}\n${rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n')}\n`);
    return {
      draftSec: Math.round(draftSec * 10) / 10,
      draftCpuSec: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      sourcingSec: ms.sourcing / 1000,
      tripsSec: ms.trips / 1000,
      staffingSec: ms.staffing / 1000,
      // What the draft still waited for the roster after the trips (it is drafted beside them).
      staffingWaitSec: (ms.staffing_wait ?? ms.staffing) / 1000,
      // The solver pool's worker threads the solves ran in, as in the server; 0: --in-process.
      solverPoolWorkers: pool ? pool.size : 0,
      applySec: Math.round(applySec * 10) / 10,
      trips: s.trips,
      coldChainTrips: s.coldChainTrips,
      tripsUnassignedLoads: s.tripsUnassignedLoads,
      // An estimate: the extra vehicles per capability the first day would need for the loads the fleet had no vehicle for.
      vehiclesShortDay1: short.reduce((a, v) => a + v.vehiclesShort, 0),
      vehiclesShortDay1ColdChain: short.find((v) => v.capability === 'cold_chain')?.vehiclesShort ?? 0,
      vehiclesShortDay1Ambient: short.find((v) => v.capability === 'ambient')?.vehiclesShort ?? 0,
      staffHoursAssigned: s.staffHoursAssigned,
      unmetRoleHours: s.unmetRoleHours,
      ridersToContract: ((staffing.hires ?? []) as Array<{ role: string; people: number }>).filter((h) => h.role === 'rider').reduce((a, h) => a + h.people, 0),
      planFillRate: sim.b.summary.fillRate.all,
      scriptedFillRate: sim.scripted?.summary.fillRate.all ?? -1,
      noResponseFillRate: sim.a.summary.fillRate.all,
      simulateWallSec: Math.round(simulateSec * 10) / 10,
      afterApplyFillRate: after.b.summary.fillRate.all,
      reconciliationAskedUnits: askedUnits,
      servableOrdersPerDayDay2: figures.servableOrdersPerDayDay2,
      servableByRosterAloneDay2: figures.servableByRosterAloneDay2,
      zonesNewlyUnserved: figures.zonesNewlyUnserved,
      emergencyWarehouseTargetItems: figures.emergencyWarehouseTargetItems,
      lateralTransferUnits: figures.lateralTransferUnits,
      tripsPlannedOnApply: figures.tripsPlannedOnApply,
      loadsNotFitting: figures.loadsNotFitting,
      openAfterLift: open.total,
    };
  } finally {
    await pool?.close();
    await database.close();
  }
}
