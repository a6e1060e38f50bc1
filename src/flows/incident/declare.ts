/** Declaring an incident (and the built-in Yizhuang 2022 one). */
import { DomainException, fail } from '../../domain/shared/index.ts';
import { type IncidentInput, demoIncident, type DemoScenarioFacts } from '../../domain/incidents/index.ts';
import * as network from '../../store/network.ts';
import * as zones from '../../store/zones.ts';
import * as store from '../../store/incidents.ts';
import { loadScenario } from '../incident-simulate.ts';
import { loadScenarioNetwork } from '../../store/demo.ts';
import { areaInput, type Db } from './common.ts';

/** Declares an incident: checks its references (template node, affected nodes) and stores it. */
export async function declareIncident(db: Db, input: IncidentInput, now: Date) {
  for (const [k, id] of (input.affectedNodeIds ?? []).entries()) await network.requireNode(db, id, `affectedNodeIds.${k}`);
  if (input.emergencyWarehouse) {
    await network.requireNode(db, input.emergencyWarehouse.templateNodeId, 'emergencyWarehouse.templateNodeId');
    if (await network.getNode(db, input.emergencyWarehouse.id)) {
      fail({ code: 'duplicate', message: `node ${input.emergencyWarehouse.id} already exists`, field: 'emergencyWarehouse.id', expected: 'a new node id', actual: input.emergencyWarehouse.id });
    }
  }
  for (const [k, a] of input.areas.entries()) {
    try {
      await zones.previewControlArea(db, areaInput(a));
    } catch (e) {
      if (e instanceof DomainException) throw new DomainException({ ...e.error, field: `areas.${k}.${e.error.field ?? ''}`.replace(/\.$/, '') });
      throw e;
    }
  }
  return store.createIncident(db, input, now);
}

/**
 * The built-in scenario's incident (Yizhuang, June 2022): its three control areas, the emergency
 * warehouse and the store reopening online-only, declared in one call. `startsAt` moves the whole
 * incident in time (default: the scenario's own dates). Nothing is drafted or applied.
 */
export async function declareDemoIncident(db: Db, now: Date, o: { id?: string; startsAt?: string } = {}) {
  if (o.startsAt !== undefined && Number.isNaN(Date.parse(o.startsAt))) fail({ code: 'validation_failed', message: `startsAt: expected an ISO date-time, got ${JSON.stringify(o.startsAt)}`, field: 'startsAt', expected: 'an ISO date-time', actual: o.startsAt });
  const loaded = loadScenario('yizhuang-2022');
  if (!loaded.ok) throw new DomainException(loaded.error);
  const f = loaded.value.file as any;
  const net = loadScenarioNetwork();
  const reopen = (f.response?.actions ?? []).find((a: any) => a.kind === 'node_status' && a.status === 'online_only');
  const ew = net.emergencyWarehouse;
  const facts: DemoScenarioFacts = {
    name: f.incident?.name ?? f.title ?? f.name,
    startDate: f.startDate,
    areas: (f.incident?.controlAreas ?? []).map((a: any) => ({ id: a.id, name: a.name ?? a.id, level: a.level, lat: a.lat, lng: a.lng, radiusM: a.radiusM, from: a.from })),
    emergencyWarehouse: ew ? { id: ew.id, templateNodeId: ew.templateNodeId, nameZh: ew.nameZh, nameEn: ew.nameEn, lat: ew.lat, lng: ew.lng } : null,
    reopenOnlineOnly: reopen ? reopen.at : null,
    demandSurge: (() => {
      const e = (f.incident?.events ?? []).find((x: any) => x.kind === 'demand');
      return e ? { ordersMultiplier: e.ordersMultiplier, tierMultipliers: e.tierMultipliers } : null;
    })(),
    scenario: 'yizhuang-2022',
  };
  return declareIncident(db, demoIncident(facts, o), now);
}
