/**
 * Apply step `scheduled_statuses`: the plan's node status changes that no control area imposes
 * (the online-only reopening of a store inside a lockdown, the seed's day 3) are scheduled at
 * their time; the control-area scheduler tick (`POST /api/zones/control-areas/tick`, every
 * minute in the server) executes them when the time comes. Undo and lift cancel those still
 * pending and put back the status of those that ran (lift does so before the areas are lifted,
 * so the areas then restore the node's status from before the incident).
 */
import type { NodeStatus } from '../../domain/network/index.ts';
import type { ApplyStepResult } from '../../domain/incidents/index.ts';
import * as zones from '../../store/zones.ts';
import * as zoneFlows from '../zone-node-status.ts';
import type { Step } from '../workflow.ts';
import type { Db } from './common.ts';

/** What the step records (its schema: domain/incidents/steps.ts). */
export type ScheduledStatusesResult = ApplyStepResult<'scheduled_statuses'>;

type StatusChange = { nodeId: string; from: string; to: string; reason: string; at: string };

export function scheduledStatusesStep(changes: StatusChange[], now: Date, actor: string): Step<ScheduledStatusesResult> {
  return {
    name: 'scheduled_statuses',
    run: async (trx) => {
      const out: ScheduledStatusesResult = { scheduled: [] };
      for (const c of changes.filter((x) => x.to === 'online_only' && x.from === 'suspended')) {
        const s = await zones.scheduleNodeStatus(trx, { nodeId: c.nodeId, toStatus: c.to as NodeStatus, at: c.at, reason: c.reason }, now, actor);
        out.scheduled.push({ id: s.id, nodeId: s.nodeId, to: s.toStatus, at: s.at });
      }
      return out;
    },
    compensate: async (trx, r) => {
      await zoneFlows.cancelScheduledStatuses(trx, (r?.scheduled ?? []).map((s) => s.id), new Date(), actor);
    },
  };
}

/** For lift: cancels the plan's scheduled changes and undoes those that ran. */
export async function cancelPlanStatuses(db: Db, r: ScheduledStatusesResult | undefined, now: Date, actor: string) {
  return zoneFlows.cancelScheduledStatuses(db, (r?.scheduled ?? []).map((s) => s.id), now, actor);
}
