/** The reviewed zones part of a response plan read back as a zone-reassignment proposal. */
import { fail } from '../../domain/shared/index.ts';
import type { ReassignmentProposal, ZoneChange, NodeOverride } from '../../domain/zones/index.ts';

/** The node changes the zones part may carry (radius and capacity the plan raises). */
export interface NodeChange {
  nodeId: string;
  maxDeliveryRadiusM?: { from: number; to: number };
  dailyOrderCapacity?: { from: number; to: number };
  reason?: string;
}

/** The reviewed zones part as a reassignment proposal: its changes and node changes, nothing planned again. */
export function zonesPartProposal(part: any): ReassignmentProposal {
  const bad = (field: string, expected: string, actual: unknown): never => fail({ code: 'validation_failed', message: `the zones part's ${field} is not ${expected}`, field: `zones.${field}`, expected, actual });
  const rawChanges = part?.changes ?? [];
  if (!Array.isArray(rawChanges)) bad('changes', 'an array of zone changes', rawChanges);
  const changes: ZoneChange[] = rawChanges.map((c: any, i: number) => {
    if (!c || typeof c.zoneId !== 'string') bad(`changes.${i}.zoneId`, 'a zone id', c?.zoneId);
    if (c.newNodeId !== null && typeof c.newNodeId !== 'string') bad(`changes.${i}.newNodeId`, 'a node id or null', c.newNodeId);
    return {
      zoneId: c.zoneId, demandOrdersPerDay: Number(c.demandOrdersPerDay ?? 0), oldNodeId: c.oldNodeId ?? null, oldSplit: c.oldSplit ?? null, newNodeId: c.newNodeId ?? null, newSplit: c.newSplit ?? null,
      distanceM: c.distanceM ?? null, newBackupNodeIds: Array.isArray(c.newBackupNodeIds) ? c.newBackupNodeIds : [], unservedOrdersPerDay: Number(c.unservedOrdersPerDay ?? 0),
    };
  });
  const rawNodeChanges = part?.nodeChanges ?? [];
  if (!Array.isArray(rawNodeChanges)) bad('nodeChanges', 'an array of node changes', rawNodeChanges);
  const overrides: NodeOverride[] = (rawNodeChanges as NodeChange[]).map((n, i) => {
    if (!n || typeof n.nodeId !== 'string') bad(`nodeChanges.${i}.nodeId`, 'a node id', (n as any)?.nodeId);
    const o: NodeOverride = { nodeId: n.nodeId };
    if (n.maxDeliveryRadiusM !== undefined) {
      if (!Number.isInteger(n.maxDeliveryRadiusM?.to) || n.maxDeliveryRadiusM.to < 0) bad(`nodeChanges.${i}.maxDeliveryRadiusM.to`, 'an integer >= 0 (metres)', n.maxDeliveryRadiusM?.to);
      o.maxDeliveryRadiusM = n.maxDeliveryRadiusM.to;
    }
    if (n.dailyOrderCapacity !== undefined) {
      if (!Number.isInteger(n.dailyOrderCapacity?.to) || n.dailyOrderCapacity.to < 0) bad(`nodeChanges.${i}.dailyOrderCapacity.to`, 'an integer >= 0 (orders a day)', n.dailyOrderCapacity?.to);
      o.dailyOrderCapacity = n.dailyOrderCapacity.to;
    }
    return o;
  });
  const served = changes.reduce((a, c) => a + (c.newNodeId ? c.demandOrdersPerDay - c.unservedOrdersPerDay : 0), 0);
  const unserved = changes.reduce((a, c) => a + (c.newNodeId ? c.unservedOrdersPerDay : c.demandOrdersPerDay), 0);
  return {
    method: part?.method === 'mip' ? 'mip' : 'greedy', fallbackReason: null, solverStatus: 'not_run', gapPct: null, solveTimeS: 0, scope: 'affected', overrides, changes,
    nodeLoads: Array.isArray(part?.nodeLoads) ? part.nodeLoads : [], unserved: Array.isArray(part?.unserved) ? part.unserved : [],
    totals: part?.totals ?? { movableZones: changes.length, changedZones: changes.length, splitZones: 0, servedOrdersPerDay: served, unservedOrdersPerDay: unserved, travelCostOrderM: 0, meanDistanceM: 0 },
  };
}
