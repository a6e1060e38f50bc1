import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';
import { DAZU_DRAFTED, dazuArea, dazuDraftedSeed, SHORT_BUDGETS } from './support/drafted.ts';

/**
 * The incident's life as the command centre drives it: discard a drafted incident
 * (nothing on the network changes), extend the areas of an applied one, the lockdown
 * guard on node status, and the timeline. One small incident (one lockdown circle
 * around Dazu Plaza) and short planner budgets keep the file fast.
 */
const area = dazuArea;
const budgets = SHORT_BUDGETS;
// The drill is the incident the database starts with, declared and drafted with these budgets (a
// template shared with incident-plan-rerun.test.ts, test/support/drafted.ts); the live one is
// declared and drafted here, through the routes.
const DRILL = DAZU_DRAFTED.id;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: dazuDraftedSeed });
}, 400_000); // loading the demo takes ~20 s alone, minutes on a shared busy machine
afterAll(async () => {
  await t?.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => t.app.inject({ method, url, payload: payload as any });
const status = async (id: string) => (await call('GET', `/api/nodes/${id}`)).json().status;

describe('discarding a drafted incident', () => {
  it('sets the draft aside, changes nothing on the network and leaves the incident discarded', async () => {
    const drafted = (await call('GET', `/api/incidents/${DRILL}`)).json();
    expect(drafted.status).toBe('planned');
    expect(drafted.plan).toMatchObject({ kind: 'response' });

    const r = await call('POST', `/api/incidents/${DRILL}/discard`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: DRILL, status: 'discarded' });
    expect(r.json().discardedAt).toBeTruthy();
    expect(await status('dazu-plaza')).toBe('open');
    expect((await call('GET', `/api/incidents/${DRILL}`)).json().plan).toBeNull();
    expect((await call('GET', '/api/control-areas')).json().areas?.some?.((a: any) => a.id.startsWith(DAZU_DRAFTED.areas[0].id)) ?? false).toBe(false);
  }, 120_000);

  it('refuses to draft, apply or discard it again, saying why', async () => {
    const draft = await call('POST', `/api/incidents/${DRILL}/plan`, budgets);
    expect(draft.statusCode).toBe(409);
    expect(draft.json()).toMatchObject({ field: 'id', actual: 'discarded', details: { messageCode: 'incident.discarded' } });
    expect((await call('POST', `/api/incidents/${DRILL}/apply`)).statusCode).toBe(409);
    expect((await call('POST', `/api/incidents/${DRILL}/discard`)).statusCode).toBe(409);
  });
});

describe('an applied incident', () => {
  it('is applied and the store inside the lockdown is suspended', async () => {
    expect((await call('POST', '/api/incidents', { id: 'live', name: 'Live', areas: [area('live-dazu')] })).statusCode).toBe(201);
    expect((await call('POST', '/api/incidents/live/plan', budgets)).statusCode).toBe(201);
    // Applied without a simulation: the override states why (a never-simulated plan is refused otherwise).
    const refused = await call('POST', '/api/incidents/live/apply');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'plan_not_simulated', field: 'override', details: { messageCode: 'incident.plan_never_simulated' } });
    const r = await call('POST', '/api/incidents/live/apply', { override: { reason: 'lifecycle test: the simulation is tested elsewhere' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(await status('dazu-plaza')).toBe('suspended');
  }, 120_000);

  it('cannot be discarded: the answer says to lift it', async () => {
    const r = await call('POST', '/api/incidents/live/discard');
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ actual: 'applied', details: { messageCode: 'incident.discard_applied' } });
  });

  it('has its areas’ end moved, in the incident and on the control area in force', async () => {
    const endsAt = '2022-06-30T16:00:00.000Z';
    const r = await call('POST', '/api/incidents/live/extend', { endsAt });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().areas).toEqual([{ areaId: 'live-dazu', controlAreaId: expect.stringMatching(/^live-dazu\./), endsAt }]);
    const cid = r.json().areas[0].controlAreaId;
    expect((await call('GET', '/api/incidents/live')).json().spec.areas[0].endsAt).toBe(endsAt);
    const areas = (await call('GET', '/api/control-areas')).json();
    const list = Array.isArray(areas) ? areas : areas.areas;
    expect(list.find((a: any) => (a.area?.id ?? a.id) === cid)).toBeTruthy();
    expect(JSON.stringify(list.find((a: any) => (a.area?.id ?? a.id) === cid))).toContain(endsAt);
  });

  it('refuses an end in the past, naming the field', async () => {
    const r = await call('POST', '/api/incidents/live/extend', { endsAt: '2022-06-01T00:00:00Z' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'endsAt', actual: '2022-06-01T00:00:00Z' });
  });
});

describe('the lockdown guard on node status', () => {
  it('refuses to reopen a store inside an active lockdown without an override, and changes nothing', async () => {
    const r = await call('POST', '/api/nodes/dazu-plaza/status', { status: 'open', reason: 'manager asked' });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ field: 'override', details: { messageCode: 'node.in_lockdown', areas: [expect.stringMatching(/^live-dazu\./)] } });
    expect(await status('dazu-plaza')).toBe('suspended');
  });

  it('wants a real reason with the override', async () => {
    const r = await call('POST', '/api/nodes/dazu-plaza/status', { status: 'open', reason: 'ok', override: true });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'reason', actual: 'ok' });
    expect(await status('dazu-plaza')).toBe('suspended');
  });

  it('still lets a locked-down store go online-only without an override', async () => {
    const r = await call('POST', '/api/nodes/dazu-plaza/status', { status: 'online_only', reason: 'online orders with closed-loop staff' });
    expect(r.statusCode, r.body).toBe(200);
    expect(await status('dazu-plaza')).toBe('online_only');
  });

  it('reopens with an explicit override and records it in the reason', async () => {
    const r = await call('POST', '/api/nodes/dazu-plaza/status', { status: 'open', reason: 'district office allowed pickup', override: true });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'open' });
    expect(r.json().statusReason).toMatch(/^override of lockdown live-dazu\.\w+: district office allowed pickup$/);
    // For the command centre: a code with the area's name, not its id.
    expect(r.json()).toMatchObject({ statusReasonCode: 'manual_override', statusReasonParams: { text: 'district office allowed pickup', areas: 'Dazu Plaza' } });
  });
});

describe('the timeline', () => {
  it('lists what happened to the incident in order, with the requests made on its routes', async () => {
    const r = await call('GET', '/api/incidents/live/timeline');
    expect(r.statusCode).toBe(200);
    const kinds = r.json().entries.map((e: any) => e.kind);
    expect(kinds[0]).toBe('declared');
    for (const k of ['plan_drafted', 'step_applied', 'applied', 'request']) expect(kinds).toContain(k);
    expect(kinds.indexOf('plan_drafted')).toBeLessThan(kinds.indexOf('applied'));
    const ext = r.json().entries.find((e: any) => e.kind === 'request' && e.params.action === 'extend');
    expect(ext).toMatchObject({ username: 'local', params: { method: 'POST', status: 200 } });
    const at = r.json().entries.map((e: any) => e.at);
    expect([...at].sort()).toEqual(at);
  });

  it('answers 404 for an unknown incident', async () => {
    expect((await call('GET', '/api/incidents/nope/timeline')).statusCode).toBe(404);
  });
});

describe('the network board', () => {
  it('shows every delivery node with its orders and capacity, and alerts that a manager acknowledges', async () => {
    const r = await call('GET', '/api/board?day=2022-06-22');
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json();
    expect(b.day).toBe('2022-06-22');
    const delivery = (await call('GET', '/api/nodes')).json().nodes.filter((n: any) => ['store', 'satellite_warehouse', 'emergency_warehouse'].includes(n.kind));
    expect(b.nodes.map((n: any) => n.nodeId).sort()).toEqual(delivery.map((n: any) => n.id).sort());
    expect(b.nodes.every((n: any) => n.dailyOrderCapacity >= 0 && typeof n.nameZh === 'string')).toBe(true);
    // A trading node whose zones ask more than it can take raises an alert: make one so.
    const busy = b.nodes.find((n: any) => n.trading && n.zoneDemandOrdersPerDay > 1);
    expect(busy).toBeDefined();
    const patched = await call('PATCH', `/api/nodes/${busy.nodeId}`, { dailyOrderCapacity: 1 });
    expect(patched.statusCode, patched.body).toBe(200);
    const alerts = (await call('GET', '/api/board?day=2022-06-22')).json().alerts;
    expect(alerts.map((a: any) => a.id)).toContain(`node.over_capacity:${busy.nodeId}:2022-06-22`);
    const first = alerts.find((a: any) => a.id === `node.over_capacity:${busy.nodeId}:2022-06-22`);
    expect(first.acknowledgedBy).toBeNull();
    const ack = await call('POST', `/api/board/alerts/${encodeURIComponent(first.id)}/ack`, { note: 'transfer on its way' });
    expect(ack.statusCode, ack.body).toBe(200);
    const again = (await call('GET', '/api/board?day=2022-06-22')).json();
    expect(again.alerts.find((a: any) => a.id === first.id)).toMatchObject({ acknowledgedBy: 'local' });
    expect((await call('PATCH', `/api/nodes/${busy.nodeId}`, { dailyOrderCapacity: busy.dailyOrderCapacity })).statusCode).toBe(200);
  });

  it('is pushed as server-sent events: the board at once, then again when it changes', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const ac = new AbortController();
    const res = await fetch(`${address}/api/board/stream?day=2022-06-22`, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let buffer = '';
    const nextBoard = async (): Promise<any> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: board$/m.test(event)) return JSON.parse(/^data: (.*)$/m.exec(event)![1]);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += new TextDecoder().decode(value);
      }
    };
    const first = await nextBoard();
    expect(first.day).toBe('2022-06-22');
    const node = first.nodes.find((n: any) => n.trading);
    expect((await call('PATCH', `/api/nodes/${node.nodeId}`, { dailyOrderCapacity: node.dailyOrderCapacity + 7 })).statusCode).toBe(200);
    const second = await nextBoard();
    expect(second.nodes.find((n: any) => n.nodeId === node.nodeId).dailyOrderCapacity).toBe(node.dailyOrderCapacity + 7);
    ac.abort();
    expect((await call('PATCH', `/api/nodes/${node.nodeId}`, { dailyOrderCapacity: node.dailyOrderCapacity })).statusCode).toBe(200);
    // Without asking for an event stream, the board comes once and the response ends.
    const once = await call('GET', '/api/board/stream?day=2022-06-22');
    expect(once.statusCode).toBe(200);
    expect(once.body.match(/^event: board$/gm)).toHaveLength(1);
  }, 60_000);

  it('refuses a malformed day, naming the field', async () => {
    const r = await call('GET', '/api/board?day=22-06-2022');
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toMatch(/day/);
  });
});
