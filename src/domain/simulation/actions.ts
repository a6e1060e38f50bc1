/**
 * The world's and the policy's actions applied to a run: node status and opening, zones, demand,
 * staff and rosters, capacity, deliveries, transfers and a new replenishment plan. Each is logged.
 */
import { SECONDS_PER_DAY, type SimAction } from './model.ts';
import { P_WAVE, type SimRun } from './run.ts';
import { load, newShipment, scheduleWaves, send, transfer } from './shipments.ts';

export function applyAction(run: SimRun, a: SimAction, nowS: number): void {
  run.log.push({ atS: nowS, kind: a.kind, reason: a.reason });
  switch (a.kind) {
    case 'node_status':
      run.status[run.nodeOf(a.nodeId)] = a.status;
      break;
    case 'open_node':
      openNode(run, run.nodeOf(a.nodeId), nowS);
      break;
    case 'zones':
      for (const zid of a.zoneIds) {
        const z = run.zoneOf(zid);
        run.zoneNodes[z] = a.nodeIds.map((id) => run.nodeOf(id));
        run.routings[z] = undefined;
      }
      break;
    case 'demand':
      run.ordersMult = a.ordersMultiplier;
      run.tierMult = a.tierMultipliers;
      run.alias = run.buildAlias();
      break;
    case 'staff':
      run.staff[run.nodeOf(a.level.nodeId)] = a.level;
      break;
    case 'capacity':
      run.dailyCap[run.nodeOf(a.nodeId)] = a.dailyOrderCapacity;
      break;
    case 'delivery':
      deliver(run, a, nowS);
      break;
    case 'slot_capacity':
      run.rosterCap[run.nodeOf(a.nodeId)] = { fromHour: Math.floor(nowS / 3600), perHour: a.ordersPerHour, staffPerHour: a.staffPerHour };
      break;
    case 'transfer':
      transfer(run, a, nowS);
      break;
    case 'replenishment':
      run.replenishment = a.replenishment;
      run.replVersion++;
      // The waves still to come today follow the new plan.
      scheduleWaves(run, nowS, Math.floor(nowS / SECONDS_PER_DAY));
      break;
  }
}

/** A node opens (a closed or suspended one opens for trade) and is stocked up straight away: every class, the first wave's lead time. */
function openNode(run: SimRun, n: number, nowS: number): void {
  run.exists[n] = true;
  if (run.status[n] === 'closed' || run.status[n] === 'suspended') run.status[n] = 'open';
  const lead = run.replenishment.waves[0]?.leadTimeMin ?? 120;
  run.q.push({ kind: 'wave', atS: nowS, priority: P_WAVE, version: run.replVersion, classes: ['ambient', 'chilled', 'frozen'], leadTimeMin: lead, nodes: [n] });
}

/** Received at once (the action's time is the arrival), through the same path as a wave's goods. */
function deliver(run: SimRun, a: Extract<SimAction, { kind: 'delivery' }>, nowS: number): void {
  const n = run.nodeOf(a.nodeId);
  const day = Math.floor(nowS / SECONDS_PER_DAY);
  const s = newShipment();
  for (const l of a.lines) {
    const i = run.itemOf(l.itemId);
    if (l.quantity > 0) load(run, s, n, i, l.quantity, day);
  }
  send(run, s, n, nowS, `delivery@${nowS}`);
}
