/**
 * Apply step `zone_hand_back`, after `zones`: each store that reopens online-only takes back, at
 * its reopening, the zones the zones part lists for it (`handBack`, the zones context's
 * `planHandBack`). Each hand-back is recorded as a reviewed reassignment and scheduled at its
 * time; the control-area scheduler tick applies it after the reopening's status change (and skips
 * it, zones left as they are, if the store does not take online orders then). Undo and lift
 * cancel those pending and revert those applied, before the zones step is reverted.
 */
import { fail, unwrap } from '../../domain/shared/index.ts';
import type { ZoneHandBack } from '../../domain/zones/index.ts';
import type { ApplyStepResult } from '../../domain/incidents/index.ts';
import { zonesPartProposal } from './zones-part.ts';
import * as zones from '../../store/zones.ts';
import * as zoneFlows from '../zone-node-status.ts';
import * as network from '../../store/network.ts';
import * as orders from '../../store/orders.ts';
import { daySlots, localDay } from '../../domain/orders/index.ts';
import { endZoneSlots } from './steps-slots.ts';
import type { Step } from '../workflow.ts';
import type { Db } from './common.ts';

/**
 * What the step records (its schema: domain/incidents/steps.ts): the hand-backs scheduled, and the
 * delivery slots opened at the stores taking zones back, from their reopening day (the staffing
 * step then sizes them by the roster).
 */
export type HandBackResult = ApplyStepResult<'zone_hand_back'>;

/**
 * The zones part's hand-back, checked: a list of { nodeId, at, changes } (changes as the zones
 * part's). A zone is handed back from where the part's own changes put it: one whose move a
 * reviewer dropped from `changes` (or changed) is left out, as the hand-back would find it elsewhere.
 */
export function handBackOf(zonesPart: any): ZoneHandBack[] {
  const moved = new Map<string, string | null>(zonesPartProposal(zonesPart).changes.map((c) => [c.zoneId, c.newNodeId]));
  return parseHandBack(zonesPart)
    .map((h) => ({ ...h, changes: h.changes.filter((c) => moved.has(c.zoneId) && moved.get(c.zoneId) === c.oldNodeId) }))
    .filter((h) => h.changes.length > 0);
}

function parseHandBack(zonesPart: any): ZoneHandBack[] {
  const raw = zonesPart?.handBack ?? [];
  if (!Array.isArray(raw)) fail({ code: 'validation_failed', message: 'the zones part\'s handBack is not a list', field: 'zones.handBack', expected: 'an array of { nodeId, at, changes }', actual: raw });
  return raw.map((h: any, i: number) => {
    if (typeof h?.nodeId !== 'string') fail({ code: 'validation_failed', message: `the zones part's handBack.${i}.nodeId is not a node id`, field: `zones.handBack.${i}.nodeId`, expected: 'a node id', actual: h?.nodeId });
    if (typeof h.at !== 'string' || Number.isNaN(Date.parse(h.at))) fail({ code: 'validation_failed', message: `the zones part's handBack.${i}.at is not a time`, field: `zones.handBack.${i}.at`, expected: 'an ISO 8601 time', actual: h.at });
    return { nodeId: h.nodeId, at: new Date(h.at).toISOString(), changes: zonesPartProposal({ changes: h.changes ?? [] }).changes };
  });
}

export async function scheduleHandBack(trx: Db, handBack: ZoneHandBack[], now: Date, actor: string, horizon?: { fromIso: string; days: number }): Promise<HandBackResult> {
  const out: HandBackResult = { scheduled: [], slots: { opened: [] } };
  for (const h of handBack) {
    // Slots on the plan's days from the reopening, sized to the zones it takes back (the staffing
    // step then gives them the roster's capacity): zones handed back to a store with no slots
    // would have every order refused.
    const node = await network.getNode(trx, h.nodeId);
    const load = Math.round(h.changes.reduce((a, c) => a + c.demandOrdersPerDay, 0));
    if (node && horizon && load > 0 && node.dailyOrderCapacity > 0) {
      const have = new Set((await orders.slotViews(trx, { nodeId: h.nodeId })).slots.map((x) => x.serviceDay));
      const first = localDay(Date.parse(h.at));
      const today = localDay(now.getTime());
      for (let d = 0; d < horizon.days; d++) {
        const day = localDay(Date.parse(horizon.fromIso) + d * 86_400_000 + 12 * 3_600_000);
        if (day < first || day < today || have.has(day)) continue;
        const capacity = Math.min(node.dailyOrderCapacity, load);
        const sl = unwrap(daySlots(h.nodeId, day, capacity));
        await orders.upsertDay(trx, sl.slots, sl.window);
        have.add(day);
        out.slots!.opened.push({ nodeId: h.nodeId, serviceDay: day, dailyOrderCapacity: capacity });
      }
    }
    const proposal = zonesPartProposal({ changes: h.changes });
    const r = await zones.recordReviewedReassignment(trx, proposal, now, actor);
    const s = await zones.scheduleReassignment(trx, { reassignmentId: r.id, nodeId: h.nodeId, at: h.at, reason: `${h.nodeId} reopens online-only and takes back ${h.changes.length} zone(s)` }, now, actor);
    out.scheduled.push({ id: s.id, reassignmentId: r.id, nodeId: h.nodeId, at: s.at, zones: h.changes.length });
  }
  return out;
}

export async function cancelHandBack(trx: Db, r: HandBackResult | null | undefined, now: Date, actor: string) {
  const cancelled = await zoneFlows.cancelScheduledReassignments(trx, (r?.scheduled ?? []).map((s) => s.id), now, actor);
  await endZoneSlots(trx, r?.slots);
  return cancelled;
}

export function handBackStep(zonesPart: unknown, now: () => Date, actor: string, horizon?: { fromIso: string; days: number }): Step<HandBackResult> {
  const handBack = handBackOf(zonesPart);
  return {
    name: 'zone_hand_back',
    run: async (trx) => scheduleHandBack(trx, handBack, now(), actor, horizon),
    compensate: async (trx, r) => {
      await cancelHandBack(trx, r, now(), actor);
    },
  };
}
