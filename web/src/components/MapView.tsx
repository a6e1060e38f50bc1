import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useTranslation } from 'react-i18next';
import { localName } from '../i18n/index.ts';

/**
 * A tooltip or label as a text node: Leaflet puts a string into the page as HTML,
 * so names (which come from data: a node, zone or control area called
 * `<img src=x onerror=…>`) are always handed over as an element whose text is set.
 */
export function textLabel(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}
import { LEVEL_COLOR, STATUS_COLOR, nodeColor } from './colors.ts';

/**
 * The district map, drawn with Leaflet and no tile server: the basemap is the
 * project's own schematic GeoJSON (development-area outline, main roads, river)
 * shipped in web/public/basemap, so it works with no internet. Layers on top: delivery
 * zones coloured by the node that serves them, control areas by level, trips as
 * lines, and nodes coloured by status. In drawing mode every click adds a corner of
 * a new control area.
 *
 * Keyboard and screen readers: the map is one tab stop (Leaflet's container: arrows pan,
 * + and - zoom); the shapes on it are not (Leaflet's tooltip focus listeners make every
 * SVG path focusable in Chromium: 300+ tab stops), their content is in the lists beside
 * the map. While drawing, Enter or Space adds a corner at the crosshair in the middle
 * of the map and Backspace removes the last one; corners can also be typed as
 * coordinates (AreaCoordinates.tsx).
 */

export interface MapNode {
  id: string;
  kind: string;
  status: string;
  lat: number;
  lng: number;
  nameZh?: string;
  nameEn?: string;
}

export interface MapZone {
  id: string;
  servingNodeId: string | null;
  geometry: GeoJSON.Geometry;
  name?: string;
  demandOrdersPerDay?: number;
  /** Shown with a thick outline: the plan would move this zone. */
  changed?: boolean;
}

export interface MapControlArea {
  id: string;
  level: string;
  nameZh?: string;
  nameEn?: string;
  geometry?: GeoJSON.Geometry | null;
  lat?: number;
  lng?: number;
  radiusM?: number;
  /** A proposal not yet declared: drawn dashed. */
  draft?: boolean;
}

export interface MapTrip {
  id: string;
  points: Array<[number, number]>;
  color?: string;
  label?: string;
}

export interface MapViewProps {
  nodes: MapNode[];
  zones?: MapZone[];
  controlAreas?: MapControlArea[];
  trips?: MapTrip[];
  /** Order of node ids used to pick zone colours, so the legend matches. */
  nodeOrder?: string[];
  /** Zone colour per serving node (overrides nodeOrder). */
  zoneColors?: Map<string, string>;
  drawing?: boolean;
  draft?: Array<[number, number]>;
  /** A place being chosen (the emergency warehouse), drawn as a square marker. */
  pin?: [number, number] | null;
  onMapClick?: (lat: number, lng: number) => void;
  /** Backspace while drawing with the keyboard: remove the last corner. */
  onUndoCorner?: () => void;
  onNodeClick?: (id: string) => void;
  /** A click on a delivery zone (plan editing: pick the zone, then the node to serve it). */
  onZoneClick?: (id: string) => void;
  /** The zone picked: drawn with a thick blue outline. */
  selectedZoneId?: string | null;
  /** Changes when the language changes, to redraw labels. */
  lang?: string;
}

const DEFAULT_CENTRE: [number, number] = [39.795, 116.5];

export function MapView(props: MapViewProps) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layers = useRef<Record<string, L.LayerGroup>>({});
  const fitted = useRef(false);
  const clickRef = useRef(props.onMapClick);
  clickRef.current = props.onMapClick;
  const nodeClickRef = useRef(props.onNodeClick);
  nodeClickRef.current = props.onNodeClick;
  const zoneClickRef = useRef(props.onZoneClick);
  zoneClickRef.current = props.onZoneClick;
  const undoRef = useRef(props.onUndoCorner);
  undoRef.current = props.onUndoCorner;
  const drawingRef = useRef(props.drawing);
  drawingRef.current = props.drawing;

  /** Takes every shape out of the tab order (they stay clickable with a mouse). */
  const untab = () => {
    el.current?.querySelectorAll('path.leaflet-interactive, path[aria-describedby]').forEach((p) => p.setAttribute('tabindex', '-1'));
  };

  // Create the map once, with the offline basemap.
  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { center: DEFAULT_CENTRE, zoom: 12, zoomSnap: 0.25, attributionControl: false, doubleClickZoom: false, preferCanvas: false, fadeAnimation: false });
    map.current = m;
    // Panes keep the drawing order whatever loads first: basemap under zones under
    // control areas under trips under nodes under the area being drawn.
    const panes: Array<[string, number]> = [['basemap', 210], ['zones', 390], ['areas', 400], ['trips', 410], ['nodes', 450], ['draft', 460]];
    for (const [name, z] of panes) {
      const pane = m.createPane(name);
      pane.style.zIndex = String(z);
      layers.current[name] = L.layerGroup([], { pane: name }).addTo(m);
    }
    L.control.scale({ imperial: false }).addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => clickRef.current?.(e.latlng.lat, e.latlng.lng));
    // Drawing by keyboard: Enter/Space puts a corner at the centre (the crosshair).
    const onKey = (e: KeyboardEvent) => {
      if (!drawingRef.current || e.target !== m.getContainer()) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        const c = m.getCenter();
        clickRef.current?.(c.lat, c.lng);
      } else if (e.key === 'Backspace') {
        e.preventDefault();
        undoRef.current?.();
      }
    };
    m.getContainer().addEventListener('keydown', onKey);
    fetch('/basemap/yizhuang.geojson')
      .then((r) => (r.ok ? r.json() : null))
      .then((gj: GeoJSON.FeatureCollection | null) => {
        if (!gj || !map.current) return;
        L.geoJSON(gj, {
          pane: 'basemap',
          interactive: false,
          style: (f) => {
            const kind = f?.properties?.kind;
            if (kind === 'district') return { color: '#8aa0b8', weight: 1.5, dashArray: '6 4', fillColor: '#eef2f6', fillOpacity: 0.6 };
            if (kind === 'water') return { color: '#8cc4ec', weight: 4, opacity: 0.9 };
            if (kind === 'expressway') return { color: '#f3c366', weight: 5, opacity: 0.9 };
            if (kind === 'ring') return { color: '#e2b15a', weight: 4, opacity: 0.8 };
            return { color: '#ffffff', weight: 3, opacity: 1 };
          },
          pointToLayer: (_f, latlng) => L.circleMarker(latlng, { radius: 0, opacity: 0 }),
          onEachFeature: (f, layer) => {
            const name = f.properties?.nameZh || f.properties?.nameEn;
            if (name && f.geometry.type !== 'Polygon') layer.bindTooltip(textLabel(`${f.properties.nameZh ?? ''} ${f.properties.nameEn ?? ''}`), { permanent: false, sticky: true, className: 'road-label' });
          },
        }).addTo(layers.current.basemap);
      })
      .catch(() => {});
    const ro = new ResizeObserver(() => {
      if (map.current === m) m.invalidateSize({ animate: false });
    });
    ro.observe(el.current);
    return () => {
      // Stop any pan or zoom in flight first: Leaflet's animation callbacks would
      // otherwise run on the removed map ("_leaflet_pos" of undefined).
      ro.disconnect();
      m.getContainer().removeEventListener('keydown', onKey);
      map.current = null;
      m.stop();
      m.off();
      m.remove();
    };
  }, []);

  // Fit the view to the district's nodes once they are known.
  useEffect(() => {
    const m = map.current;
    if (!m || fitted.current || props.nodes.length === 0) return;
    // Frame the local nodes (within ~15 km of the centre), not far-away suppliers.
    const local = props.nodes.filter((n) => Math.abs(n.lat - DEFAULT_CENTRE[0]) < 0.08 && Math.abs(n.lng - DEFAULT_CENTRE[1]) < 0.12);
    const pts = (local.length >= 2 ? local : props.nodes).map((n) => L.latLng(n.lat, n.lng));
    m.fitBounds(L.latLngBounds(pts).pad(0.25), { animate: false });
    fitted.current = true;
  }, [props.nodes]);

  useEffect(() => {
    const g = layers.current.zones;
    if (!g) return;
    g.clearLayers();
    const nodeById = new Map(props.nodes.map((n) => [n.id, n]));
    for (const z of props.zones ?? []) {
      const color = (z.servingNodeId && props.zoneColors?.get(z.servingNodeId)) || nodeColor(z.servingNodeId, props.nodeOrder);
      const picked = props.selectedZoneId === z.id;
      const layer = L.geoJSON(z.geometry as GeoJSON.GeoJsonObject, {
        pane: 'zones',
        style: {
          color: picked ? '#1565c0' : z.changed ? '#111' : color,
          weight: picked ? 4 : z.changed ? 2.5 : 0.6,
          fillColor: color,
          fillOpacity: z.servingNodeId ? 0.35 : 0.12,
          dashArray: z.servingNodeId ? undefined : '3 3',
          className: `zone-shape zone-shape-${z.id}`,
        },
      }).bindTooltip(textLabel(`${z.name ?? z.id} · ${z.demandOrdersPerDay ?? '?'} ${t('map.capacity')} → ${z.servingNodeId ? localName(nodeById.get(z.servingNodeId) ?? { id: z.servingNodeId }) : t('map.unserved')}`), { sticky: true });
      layer.on('click', (e: L.LeafletEvent) => {
        if (!zoneClickRef.current) return;
        L.DomEvent.stopPropagation(e as L.LeafletMouseEvent);
        zoneClickRef.current(z.id);
      });
      layer.addTo(g);
    }
    untab();
  }, [props.zones, props.nodeOrder, props.zoneColors, props.nodes, props.selectedZoneId, t]);

  useEffect(() => {
    const g = layers.current.areas;
    if (!g) return;
    g.clearLayers();
    for (const a of props.controlAreas ?? []) {
      const color = LEVEL_COLOR[a.level] ?? '#c62828';
      const style: L.PathOptions = { pane: 'areas', color, weight: 2, fillColor: color, fillOpacity: 0.18, dashArray: a.draft ? '6 4' : undefined, interactive: !props.drawing };
      const label = `${localName(a)} · ${t(`level.${a.level}`)}`;
      let layer: L.Layer | null = null;
      if (a.geometry) layer = L.geoJSON(a.geometry as GeoJSON.GeoJsonObject, { style });
      else if (a.lat !== undefined && a.lng !== undefined) layer = L.circle([a.lat, a.lng], { ...style, radius: a.radiusM ?? 300 });
      if (layer) (layer as L.Path).bindTooltip(textLabel(label), { sticky: true }).addTo(g);
    }
    untab();
  }, [props.controlAreas, props.drawing, t, props.lang]);

  useEffect(() => {
    const g = layers.current.trips;
    if (!g) return;
    g.clearLayers();
    for (const tr of props.trips ?? []) {
      if (tr.points.length < 2) continue;
      L.polyline(tr.points, { pane: 'trips', color: tr.color ?? '#444', weight: 3, opacity: 0.85 })
        .bindTooltip(textLabel(tr.label ?? tr.id), { sticky: true })
        .addTo(g);
    }
    untab();
  }, [props.trips]);

  useEffect(() => {
    const g = layers.current.nodes;
    if (!g) return;
    g.clearLayers();
    for (const n of props.nodes) {
      const big = n.kind === 'store' || n.kind === 'emergency_warehouse' || n.kind === 'satellite_warehouse';
      const marker = L.circleMarker([n.lat, n.lng], {
        pane: 'nodes',
        className: `node-marker node-marker-${n.id}`,
        radius: big ? 9 : 6,
        color: '#fff',
        weight: 2,
        fillColor: STATUS_COLOR[n.status] ?? '#555',
        fillOpacity: 1,
        interactive: !props.drawing,
      });
      marker.bindTooltip(textLabel(`${localName(n)} · ${t(`status.${n.status}`)}`), { direction: 'top', offset: [0, -8], permanent: big, className: 'node-label' });
      marker.on('click', () => nodeClickRef.current?.(n.id));
      marker.addTo(g);
    }
    untab();
  }, [props.nodes, props.drawing, t, props.lang]);

  useEffect(() => {
    const g = layers.current.draft;
    if (!g) return;
    g.clearLayers();
    const d = props.draft ?? [];
    if (d.length >= 2) L.polygon(d, { pane: 'draft', color: '#c62828', weight: 2, dashArray: '6 4', fillOpacity: 0.12, interactive: false }).addTo(g);
    for (const p of d) L.circleMarker(p, { pane: 'draft', radius: 4, color: '#c62828', fillColor: '#fff', fillOpacity: 1, weight: 2, interactive: false }).addTo(g);
    if (props.pin) {
      const [lat, lng] = props.pin;
      const dLat = 0.0012;
      const dLng = 0.0016;
      L.rectangle(
        [
          [lat - dLat, lng - dLng],
          [lat + dLat, lng + dLng],
        ],
        { pane: 'draft', color: '#6a3d9a', weight: 2, fillColor: '#b9a3d6', fillOpacity: 0.9, interactive: false, className: 'warehouse-pin' },
      ).addTo(g);
    }
  }, [props.draft, props.pin]);

  useEffect(() => {
    el.current?.classList.toggle('drawing', !!props.drawing);
    // Leaflet's container is the map's one tab stop; say what it is and, while drawing, how to draw.
    el.current?.setAttribute('aria-label', props.drawing ? t('a11y.keyboardDraw') : t('a11y.keyboardMap'));
    el.current?.setAttribute('role', 'application');
    el.current?.setAttribute('aria-roledescription', t('a11y.mapRole'));
  }, [props.drawing, t]);

  return (
    <>
      <div ref={el} className="map" data-testid="map" />
      {props.drawing && <div className="map-crosshair" aria-hidden="true" />}
    </>
  );
}
