import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';
import { DAZU_DRAFTED, dazuDraftedSeed } from './support/drafted.ts';
import { stepRecordDrift } from './support/step-records.ts';

/**
 * Re-running one part of a drafted response plan with the planner's choices
 * (POST /api/incidents/:id/plan/parts/:part/rerun): a node that should take no zone, a
 * node's capacity and radius for the incident, the receiving nodes of the sourcing plan.
 * One lockdown circle around Dazu Plaza and short budgets keep the file fast.
 */
// The database starts with the incident declared and drafted (a template shared with
// incident-lifecycle.test.ts, test/support/drafted.ts), not drafted again here.
const ID = DAZU_DRAFTED.id;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: dazuDraftedSeed });
  expect((await call('GET', `/api/incidents/${ID}`)).json()).toMatchObject({ status: 'planned', plan: { kind: 'response' } });
}, 400_000);
afterAll(async () => {
  await t?.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.inject({ method, url, payload: payload as any });
const part = async (name: string) => (await call('GET', `/api/incidents/${ID}/plan`)).json().parts.find((p: any) => p.part === name);
const takers = (zones: any) => new Map<string, number>((zones.content.changes as any[]).filter((c) => c.newNodeId).map((c) => [c.newNodeId, 0]));

describe('re-running the zones part', () => {
  it('gives no zone to a node the planner says receives none, and marks the part edited', async () => {
    const before = await part('zones');
    const moved = (before.content.changes as any[]).filter((c) => c.newNodeId);
    expect(moved.length).toBeGreaterThan(0);
    // The node that took the most orders a day in the draft.
    const load = new Map<string, number>();
    for (const c of moved) load.set(c.newNodeId, (load.get(c.newNodeId) ?? 0) + c.demandOrdersPerDay);
    const busiest = [...load].sort((a, b) => b[1] - a[1])[0][0];

    const r = await call('POST', `/api/incidents/${ID}/plan/parts/zones/rerun`, { nodes: [{ nodeId: busiest, receivesZones: false }] });
    expect(r.statusCode, r.body).toBe(200);
    const after = await part('zones');
    expect(after.edited).toBe(true);
    expect(takers(after).has(busiest)).toBe(false);
    expect(after.content.notReceiving).toEqual([busiest]);
    // The same zones are still decided: each is moved to another node or listed unserved.
    expect(new Set((after.content.changes as any[]).map((c) => c.zoneId))).toEqual(new Set((before.content.changes as any[]).map((c) => c.zoneId)));
  }, 120_000);

  it('keeps a node’s capacity and radius for the incident as node changes that apply will set', async () => {
    const nodes = (await call('GET', '/api/nodes')).json().nodes as any[];
    const taker = nodes.find((n) => n.kind === 'store' && n.status === 'open' && n.id !== 'dazu-plaza')!;
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/zones/rerun`, { nodes: [{ nodeId: taker.id, dailyOrderCapacity: taker.dailyOrderCapacity + 500, maxDeliveryRadiusM: taker.maxDeliveryRadiusM + 1000 }] });
    expect(r.statusCode, r.body).toBe(200);
    const change = ((await part('zones')).content.nodeChanges as any[]).find((c) => c.nodeId === taker.id);
    expect(change.dailyOrderCapacity.from).toBe(taker.dailyOrderCapacity);
    expect(change.dailyOrderCapacity.to).toBeGreaterThanOrEqual(taker.dailyOrderCapacity + 500);
    expect(change.maxDeliveryRadiusM.from).toBe(taker.maxDeliveryRadiusM);
    expect(change.maxDeliveryRadiusM.to).toBeGreaterThanOrEqual(taker.maxDeliveryRadiusM + 1000);
    // Nothing on the network changes before apply.
    expect((await call('GET', `/api/nodes/${taker.id}`)).json().dailyOrderCapacity).toBe(taker.dailyOrderCapacity);
  }, 120_000);

  it('refuses a node that is not a delivery node of the plan, naming it, and leaves the part as it was', async () => {
    const before = await part('zones');
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/zones/rerun`, { nodes: [{ nodeId: 'no-such-node', receivesZones: false }] });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', field: 'nodes.0.nodeId', actual: 'no-such-node' });
    expect((await part('zones')).content).toEqual(before.content);
  });

  it('refuses a part that cannot be re-run on its own', async () => {
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/staffing/rerun`, {});
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toContain('part');
  });
});

describe('re-running the sourcing part', () => {
  it('plans stock for the chosen receivers only, discards the sourcing draft it replaces and redrafts the trips', async () => {
    const before = await part('sourcing');
    const nodes = (await call('GET', '/api/nodes')).json().nodes as any[];
    // A store that trades when the plan is applied (not one its lockdown suspends).
    const sealed = new Set(((await part('node_status')).content.changes as any[]).filter((c) => c.to === 'suspended').map((c) => c.nodeId));
    const receiver = nodes.find((n) => n.kind === 'store' && n.status === 'open' && !sealed.has(n.id))!.id;
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/sourcing/rerun`, { receivers: [receiver], sourcingTimeLimitS: 2, tripsBudgetMs: 500 });
    expect(r.statusCode, r.body).toBe(200);
    const after = await part('sourcing');
    expect(after.content.receivers).toEqual([receiver]);
    expect(after.content.planId).not.toBe(before.content.planId);
    expect((await part('trips')).edited).toBe(true);
    if (before.content.planId) expect((await call('GET', `/api/planning/plans/${before.content.planId}`)).json().status).toBe('discarded');
  }, 120_000);

  it('refuses a receiver the lockdown suspends when the plan is applied, naming it', async () => {
    const changes = (await part('node_status')).content.changes as any[];
    const sealed = changes.find((c) => c.to === 'suspended')!.nodeId;
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/sourcing/rerun`, { receivers: [sealed] });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'receivers.0', actual: sealed });
  });

  it('refuses a receiver that does not exist, naming it', async () => {
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/sourcing/rerun`, { receivers: ['nowhere'] });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'receivers.0', actual: 'nowhere' });
  });
});

describe('re-running the targets part with another assortment size', () => {
  it('selects a smaller assortment for this plan only, and the targets and sourcing follow it', async () => {
    const inForce = (await call('GET', '/api/planning/assortment')).json();
    const beforeTargets = await part('targets');
    const itemsBefore = Math.max(...(beforeTargets.content.nodes as any[]).map((n) => n.items));
    // Above the category minimums of the demo settings (178 items), below what the draft stocked.
    const size = 300;
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/targets/rerun`, { assortmentSize: size, sourcingTimeLimitS: 2, tripsBudgetMs: 500 });
    expect(r.statusCode, r.body).toBe(200);
    const after = await part('targets');
    expect(after.edited).toBe(true);
    expect(after.content.assortment.size).toBe(size);
    expect(after.content.assortment.items).toBeLessThanOrEqual(size);
    expect(after.content.assortment.items).toBeGreaterThan(0);
    // Fewer items in the assortment, fewer items with a target at any node.
    expect(Math.max(...(after.content.nodes as any[]).map((n) => n.items))).toBeLessThan(itemsBefore);
    expect((await part('sourcing')).edited).toBe(true);
    // The assortment in force is not touched before apply.
    expect((await call('GET', '/api/planning/assortment')).json().total).toBe(inForce.total);
  }, 120_000);

  it('refuses a size that is not a positive whole number, naming the field', async () => {
    const before = await part('targets');
    const r = await call('POST', `/api/incidents/${ID}/plan/parts/targets/rerun`, { assortmentSize: 0 });
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toContain('assortmentSize');
    expect((await part('targets')).content).toEqual(before.content);
  });
});

describe('applying and lifting a plan with a chosen assortment', () => {
  // Runs after the targets re-run above (the plan's targets part holds a 300-item assortment).
  const inForce = async () => ((await call('GET', '/api/planning/assortment')).json().items as any[]).map((i) => `${i.itemId}:${i.tier}`).sort();
  const override = { reason: 'test: the chosen assortment is applied without a new simulation' };
  let before: string[] = [];
  let chosen: string[] = [];

  it('apply puts the chosen assortment in force, and a failed apply puts the previous one back', async () => {
    before = await inForce();
    chosen = ((await part('targets')).content.assortment.lines as any[]).map((l) => `${l[0]}:${l[1]}`).sort();
    expect(chosen).not.toEqual(before);
    // A drill: sourcing (after the assortment step) fails, the assortment step is compensated.
    const failed = await call('POST', `/api/incidents/${ID}/apply`, { override, failAtStep: 'sourcing' });
    expect(failed.statusCode, failed.body).toBeGreaterThanOrEqual(400);
    const plan = (await call('GET', `/api/incidents/${ID}/plan`)).json();
    expect(plan.steps.find((s: any) => s.step === 'assortment')?.status).toBe('compensated');
    expect(await inForce()).toEqual(before);

    const r = await call('POST', `/api/incidents/${ID}/apply`, { override });
    expect(r.statusCode, r.body).toBe(200);
    expect(await inForce()).toEqual(chosen);
    // The assortment step's record (the assortment it replaced) keeps its schema.
    expect(r.json().steps.map((s: any) => s.step)).toContain('assortment');
    expect(stepRecordDrift('response', r.json().steps)).toEqual([]);
  }, 120_000);

  it('lifting the incident puts back the assortment in force before the apply', async () => {
    expect(chosen.length).toBeGreaterThan(0);
    const r = await call('POST', `/api/incidents/${ID}/lift`);
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json().steps as any[]).find((s) => s.step === 'assortment')?.status).toBe('applied');
    expect(stepRecordDrift('lift', r.json().steps)).toEqual([]);
    expect(await inForce()).toEqual(before);
  }, 120_000);
});
