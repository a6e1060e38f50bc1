/** The built-in Yizhuang June 2022 incident, as an incident to declare (optionally moved in time). */
import type { IncidentInput } from './model.ts';

/**
 * The built-in scenario's incident (Yizhuang, June 2022) as an incident to declare: its control
 * areas as circles with their level and start, the emergency warehouse to stand up from its
 * template node, and the Dazu Plaza store reopening online-only. Times in the scenario are a day
 * number and a Beijing wall-clock time from its start date; `startsAt` moves the whole incident
 * (every time keeps its offset from the first area's start), so a demo can begin now. Pure.
 */
export interface DemoScenarioFacts {
  name: string;
  startDate: string;
  areas: Array<{ id: string; name: string; level: 'lockdown' | 'controlled' | 'precaution'; lat: number; lng: number; radiusM: number; from: { day: number; time: string } }>;
  emergencyWarehouse: { id: string; templateNodeId: string; nameZh: string; nameEn: string; lat: number; lng: number } | null;
  /** When the closed store reopens for online orders only, if the scenario says so. */
  reopenOnlineOnly: { day: number; time: string } | null;
  /** The scenario's demand surge at the incident's start. */
  demandSurge?: { ordersMultiplier: number; tierMultipliers?: { none: number; essential: number; key: number } } | null;
  /** The scenario's name, when the incident comes from a built-in scenario. */
  scenario?: string;
}

/** A scenario time (day, HH:MM Beijing) as an instant. */
export function scenarioInstant(startDate: string, at: { day: number; time: string }): number {
  const [h, m] = at.time.split(':').map(Number);
  return Date.parse(`${startDate}T00:00:00+08:00`) + at.day * 86_400_000 + (h * 60 + m) * 60_000;
}

export function demoIncident(facts: DemoScenarioFacts, o: { id?: string; startsAt?: string } = {}): IncidentInput {
  const first = Math.min(...facts.areas.map((a) => scenarioInstant(facts.startDate, a.from)));
  const shift = o.startsAt ? Date.parse(o.startsAt) - first : 0;
  const iso = (ms: number) => new Date(ms + shift).toISOString();
  return {
    id: o.id ?? 'yizhuang-2022',
    name: facts.name,
    areas: facts.areas.map((a) => ({ id: a.id, name: a.name, level: a.level, circle: { lat: a.lat, lng: a.lng, radiusM: a.radiusM }, startsAt: iso(scenarioInstant(facts.startDate, a.from)) })),
    ...(facts.emergencyWarehouse ? { emergencyWarehouse: { ...facts.emergencyWarehouse } } : {}),
    multipliers: { essential: 5, key: 10 },
    ...(facts.reopenOnlineOnly ? { reopenOnlineOnlyAt: iso(scenarioInstant(facts.startDate, facts.reopenOnlineOnly)) } : {}),
    ...(facts.demandSurge ? { demandSurge: facts.demandSurge } : {}),
    ...(facts.scenario ? { scenario: facts.scenario } : {}),
  };
}
