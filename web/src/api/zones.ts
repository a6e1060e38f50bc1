import { api, ApiError } from './client.ts';
import type { ResponseOf } from './contract.ts';
import type { MapControlArea, MapZone } from '../components/MapView.tsx';

/**
 * Zones and control areas for the map, mapped from the server's shapes (generated schema,
 * ./contract.ts) onto the map's view models. A missing route gives an empty layer rather
 * than an error, so the map works on a server without zones. The server describes geometry
 * loosely ({type, coordinates}); the map reads it as GeoJSON.
 */
type ZoneExport = ResponseOf<'/api/zones/export', 'get'>;
type ControlAreas = ResponseOf<'/api/control-areas', 'get'>;

function asZones(body: ZoneExport): MapZone[] {
  return body.features.map((f) => ({
    id: f.properties.id,
    name: f.properties.name,
    demandOrdersPerDay: f.properties.demandOrdersPerDay,
    servingNodeId: f.properties.servingNodeId,
    geometry: f.geometry as GeoJSON.Geometry,
  }));
}

function asAreas(body: ControlAreas): MapControlArea[] {
  return body.areas.filter((a) => !a.liftedAt).map((a) => ({ id: a.id, level: a.level, nameZh: a.name, nameEn: a.name, geometry: a.geometry as GeoJSON.Geometry }));
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
  zonesWithGeometry: async (signal?: AbortSignal): Promise<MapZone[]> => asZones(await orEmpty(api.get<ZoneExport>('/api/zones/export', { signal }), { type: 'FeatureCollection', features: [] })),
  controlAreas: async (signal?: AbortSignal): Promise<MapControlArea[]> => asAreas(await orEmpty(api.get<ControlAreas>('/api/control-areas', { signal }), { areas: [] })),
};
