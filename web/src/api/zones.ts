import { api, ApiError } from './client.ts';
import type { MapControlArea, MapZone } from '../components/MapView.tsx';

/**
 * Zones and control areas for the map. The reads are tolerant about the envelope
 * (a GeoJSON FeatureCollection or `{zones: [...]}`), and a missing route gives an
 * empty layer rather than an error, so the map works on a server without zones.
 */
type Feature = { id?: string; properties?: Record<string, unknown>; geometry: GeoJSON.Geometry };

function asZones(body: unknown): MapZone[] {
  const b = body as { features?: Feature[]; zones?: Array<Record<string, unknown>> };
  if (Array.isArray(b.features))
    return b.features.map((f) => ({
      id: String(f.properties?.id ?? f.id),
      name: (f.properties?.name as string) ?? undefined,
      demandOrdersPerDay: (f.properties?.demandOrdersPerDay as number) ?? undefined,
      servingNodeId: (f.properties?.servingNodeId as string | null) ?? null,
      geometry: f.geometry,
    }));
  return (b.zones ?? []).map((z) => ({ id: String(z.id), name: z.name as string, servingNodeId: (z.servingNodeId as string | null) ?? null, geometry: z.geometry as GeoJSON.Geometry }));
}

function asAreas(body: unknown): MapControlArea[] {
  const b = body as { features?: Feature[]; controlAreas?: Array<Record<string, unknown>>; areas?: Array<Record<string, unknown>> };
  const rows: Array<Record<string, unknown>> = Array.isArray(b.features) ? b.features.map((f) => ({ ...f.properties, geometry: f.geometry })) : (b.controlAreas ?? b.areas ?? []);
  return rows
    .filter((a) => !a.liftedAt)
    .map((a) => ({ id: String(a.id), level: String(a.level), nameZh: (a.nameZh ?? a.name) as string, nameEn: (a.nameEn ?? a.name) as string, geometry: a.geometry as GeoJSON.Geometry }));
}

async function orEmpty<T>(p: Promise<T>, empty: T): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.notAvailable) return empty;
    throw e;
  }
}

export const zonesApi = {
  zonesWithGeometry: async (signal?: AbortSignal): Promise<MapZone[]> => asZones(await orEmpty(api.get<unknown>('/api/zones/export', { signal }), { zones: [] })),
  controlAreas: async (signal?: AbortSignal): Promise<MapControlArea[]> => asAreas(await orEmpty(api.get<unknown>('/api/control-areas', { signal }), { controlAreas: [] })),
};
